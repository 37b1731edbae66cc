"""The parts of the Word writer (`autodoc.render.docx.render_docx` puts them together)."""
