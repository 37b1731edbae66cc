"""The Word document read back with python-docx, as a reviewer's tools would see it."""

from __future__ import annotations

import base64
import io
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from docx import Document
from docx.enum.text import WD_COLOR_INDEX
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.shared import RGBColor

from autodoc.errors import ConfigError
from autodoc.render.docx import render_docx
from autodoc.render.format import format_value
from autodoc.render.text import citation_numbers, cited_numbers
from autodoc.render.word.properties import custom_properties as _custom_properties
from tests.support.builders.state import make_state

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@pytest.fixture(scope="module")
def state():
    return make_state()


@pytest.fixture(scope="module")
def doc_bytes(state) -> bytes:
    return render_docx(state)


@pytest.fixture(scope="module")
def doc(doc_bytes):
    return Document(io.BytesIO(doc_bytes))


def _body_until_references(doc) -> list:
    paras = []
    for para in doc.paragraphs:
        if para.style.name == "Heading 1" and para.text == "References":
            break
        paras.append(para)
    return paras


def test_headings_follow_the_section_numbers_in_order(doc):
    headings = [p.text for p in doc.paragraphs if p.style.name in ("Heading 1", "Heading 2")]
    assert headings[:9] == [
        "1 Introduction",
        "2 Data",
        "3 Model Performance",
        "3.1 breast_cancer_gbm",
        "3.2 churn_model",
        "4 Limitations",
        "5 Monitoring",
        "References",
        "Appendix: Provenance",
    ]
    levels = {p.text: p.style.name for p in doc.paragraphs}
    assert levels["3.1 breast_cancer_gbm"] == "Heading 2"
    assert levels["3 Model Performance"] == "Heading 1"


def test_title_page_shows_title_authors_version_and_models(doc):
    texts = [p.text for p in doc.paragraphs[:8]]
    assert texts[0] == "Breast Cancer Classifier Documentation"
    assert "Authors: Model Risk Team" in texts
    assert "Document version: 2.1" in texts
    assert "Date: 2026-11-22" in texts
    models = doc.tables[0]
    assert [c.text for c in models.rows[0].cells] == ["Model", "Versions", "Aliases"]
    assert [c.text for c in models.rows[1].cells] == ["breast_cancer_gbm", "2, 3", "champion → v3"]


def test_table_cells_equal_the_formatted_evidence_values(doc, state):
    table = next(t for t in doc.tables if [c.text for c in t.rows[0].cells] == ["Metric", "Value", "Run"])
    values = {row.cells[0].text: row.cells[1].text for row in table.rows[1:]}
    items = state.evidence_items
    assert values["auc"] == format_value(items["r:3f2a1b9c:metric:auc"].value) == "0.8375"
    assert values["logloss"] == format_value(items["r:3f2a1b9c:metric:logloss"].value) == "0.3123"
    assert values["rows"] == "1,234,567"
    assert table.rows[3].cells[2].text == "—"  # a missing value says so
    assert table.style.name == "Table Grid"
    header_xml = table.rows[0]._tr.xml
    assert "w:tblHeader" in header_xml  # header repeats on each page


def test_captions_are_numbered(doc):
    captions = [p.text for p in doc.paragraphs if p.style.name == "Caption"]
    assert captions[0].startswith("Table 1: Test metrics of breast_cancer_gbm version 3")
    assert captions[1].startswith("Figure 1: AUC by model version")
    assert captions[2].startswith("Figure 2: Training loss by step")
    assert captions[3].startswith("Figure 3: ROC curve logged by the training run")


def test_every_chart_and_image_is_embedded(doc, state):
    charts = sum(1 for _, b in state.blocks() if b.content is not None and b.content.type == "chart")
    images = sum(1 for _, b in state.blocks() if b.content is not None and b.content.type == "image")
    assert len(doc.inline_shapes) == charts + images == 3


def test_every_citation_resolves_to_a_reference(doc, state):
    cited: set[int] = set()
    for para in _body_until_references(doc):
        for label in re.findall(r"\[\d+(?:–\d+)?(?:, \d+(?:–\d+)?)*\]", para.text):
            cited.update(cited_numbers(label))
    refs = {}
    for para in doc.paragraphs:
        match = re.match(r"\[(\d+)\]\t(.+)", para.text)
        if para.style.name == "autodoc Reference" and match:
            refs[int(match.group(1))] = match.group(2)
    assert cited, "the fixture cites evidence"
    assert cited <= set(refs)
    assert sorted(refs) == list(range(1, len(citation_numbers(state)) + 1))
    assert "train.py, lines 42–48, commit 0123456789ab" in refs[1]
    assert "run 3f2a1b9c0d4e5f60718293a4b5c6d7e8" in refs[2]


def test_reference_links_to_the_tracking_server(doc):
    links = [r.target_ref for r in doc.part.rels.values() if r.reltype == RT.HYPERLINK]
    assert any(link.startswith("http://mlflow.example.test:5000/#/experiments/1/runs/") for link in links)


def test_citations_are_numbered_in_order_of_first_use(doc):
    intro = next(p.text for p in doc.paragraphs if p.text.startswith("This document describes"))
    assert intro.endswith("trained in train.py [1]. Its test AUC is 0.837 [2].")
    bullets = [p.text for p in doc.paragraphs if p.style.name == "List Bullet"]
    assert bullets[:2] == ["maximum depth 3 [3]", "200 estimators [1, 4]"]
    assert "20% of rows held out for testing [5]" in bullets


def test_failed_blocks_and_sections_are_visible(doc):
    notices = [p.text for p in doc.paragraphs if p.style.name == "autodoc Notice"]
    assert any("Known weaknesses" in n and "LLM call timed out after 3 attempts" in n for n in notices)
    assert any("planning failed: provider returned invalid JSON twice" in n for n in notices)
    failed = next(t for t in doc.tables if [c.text for c in t.rows[0].cells] == ["Section", "Block", "Error"])
    assert [c.text for c in failed.rows[1].cells] == [
        "4 Limitations",
        "limitations.b1",
        "LLM call timed out after 3 attempts",
    ]
    assert failed.rows[2].cells[1].text == "(whole section)"


def test_flagged_figures_are_highlighted_where_they_stand(doc):
    para = next(p for p in doc.paragraphs if p.text.startswith("The churn model reaches"))
    highlighted = [r.text for r in para.runs if r.font.highlight_color == WD_COLOR_INDEX.YELLOW]
    assert highlighted == ["0.95"]
    notes = [p.text for p in doc.paragraphs if p.style.name == "autodoc Flag Note"]
    assert notes and "0.95" in notes[0]
    flagged = next(t for t in doc.tables if t.rows[0].cells[0].text == "Section" and len(t.columns) == 5)
    assert flagged.rows[1].cells[2].text == "0.95"


def test_provenance_appendix(doc):
    table = next(t for t in doc.tables if [c.text for c in t.rows[0].cells] == ["Item", "Value"])
    rows = {r.cells[0].text: r.cells[1].text for r in table.rows[1:]}
    assert rows["Code commit"] == "0123456789abcdef0123456789abcdef01234567"
    assert rows["Working tree dirty"].startswith("yes")
    assert rows["Files scanned"] == "14"
    assert rows["Spec hash"] == "abc123def456"
    assert rows["MLflow tracking URI"] == "https://mlflow.example.test/"
    assert rows["Text written by"] == "the offline writer (no LLM)"
    libs = next(t for t in doc.tables if [c.text for c in t.rows[0].cells] == ["Library", "Version"])
    assert [c.text for c in libs.rows[1].cells] == ["mlflow", "3.17.2"]


def test_no_credentials_from_the_tracking_uri_reach_the_file(doc_bytes):
    with zipfile.ZipFile(io.BytesIO(doc_bytes)) as zf:
        for name in zf.namelist():
            assert b"s3cret" not in zf.read(name), name


def test_core_and_custom_properties(doc):
    props = doc.core_properties
    assert props.title == "Breast Cancer Classifier Documentation"
    assert props.author == "Model Risk Team"
    assert props.subject == "Model documentation: breast_cancer_gbm, churn_model"
    custom = doc.part.package.part_related_by(RT.CUSTOM_PROPERTIES)
    assert custom.content_type == "application/vnd.openxmlformats-officedocument.custom-properties+xml"
    xml = custom.blob.decode()
    assert re.search(r'name="autodoc generator version"><vt:lpwstr>0\.1\.0<', xml)
    assert re.search(r'name="autodoc spec hash"><vt:lpwstr>abc123def456<', xml)
    assert 'name="autodoc code commit"><vt:lpwstr>0123456789abcdef0123456789abcdef01234567<' in xml


def test_toc_field_is_present_and_refreshed_on_open(doc, doc_bytes):
    body = doc.element.body.xml
    assert 'TOC \\o "1-3" \\h \\z \\u' in body
    update = doc.settings.element.find(f"{W}updateFields")
    assert update is not None and update.get(f"{W}val") == "true"
    toc = [p.text for p in doc.paragraphs if p.style.name in ("TOC 1", "TOC 2")]
    assert toc[:4] == ["1 Introduction", "2 Data", "3 Model Performance", "3.1 breast_cancer_gbm"]


def test_a_corporate_template_supplies_the_styles(tmp_path, state):
    template = Document()
    template.styles["Heading 1"].font.name = "Courier New"
    template.styles["Heading 1"].font.color.rgb = RGBColor(0xC0, 0x00, 0x00)
    template.styles["Normal"].font.name = "Georgia"
    template.styles["Table Grid"].delete()  # a template without our table style
    template.add_paragraph("CORPORATE BOILERPLATE")
    _custom_properties(template, {"Department": "Model Risk"})
    path = tmp_path / "corporate.docx"
    template.save(path)
    out = Document(io.BytesIO(render_docx(state, template=str(path))))
    assert all("CORPORATE BOILERPLATE" not in p.text for p in out.paragraphs)
    assert out.styles["Heading 1"].font.name == "Courier New"
    assert out.styles["Heading 1"].font.color.rgb == RGBColor(0xC0, 0x00, 0x00)
    assert out.styles["Normal"].font.name == "Georgia"
    headings = [p.text for p in out.paragraphs if p.style.name == "Heading 1"]
    assert headings[:2] == ["1 Introduction", "2 Data"]
    assert {t.style.name for t in out.tables} == {"autodoc Table"}  # added, bordered
    custom = out.part.package.part_related_by(RT.CUSTOM_PROPERTIES).blob.decode()
    assert 'name="Department"><vt:lpwstr>Model Risk<' in custom  # the template's own kept
    assert 'name="autodoc spec hash"><vt:lpwstr>abc123def456<' in custom


def test_unusable_image_becomes_a_notice(state):
    broken = state.model_copy(deep=True)
    image_block = broken.section("model-performance--churn_model").blocks[2]
    image_block.content.data_b64 = base64.b64encode(b"not an image").decode()
    out = Document(io.BytesIO(render_docx(broken)))
    assert len(out.inline_shapes) == 2
    notices = [p.text for p in out.paragraphs if p.style.name == "autodoc Notice"]
    assert any("Image not available: ROC curve logged by the training run" in n for n in notices)


def test_an_empty_document_still_renders(state):
    empty = state.model_copy(update={"sections": [], "provenance": None, "models_covered": []})
    out = Document(io.BytesIO(render_docx(empty)))
    assert out.paragraphs[0].text == state.title
    assert any(p.text == "No evidence was cited." for p in out.paragraphs)


@pytest.mark.slow  # LibreOffice: 2-5 s
def test_libreoffice_renders_the_document_to_pages(tmp_path, doc_bytes):
    if not (shutil.which("soffice") and shutil.which("pdftoppm") and shutil.which("pdftotext")):
        pytest.skip("LibreOffice or poppler-utils not installed (see scripts/render_pages.sh)")
    docx = tmp_path / "doc.docx"
    docx.write_bytes(doc_bytes)
    script = Path(__file__).resolve().parents[1] / "scripts" / "render_pages.sh"
    subprocess.run(
        ["bash", str(script), str(docx), str(tmp_path / "pages"), "30"],
        check=True,
        capture_output=True,
        timeout=120,
    )
    pages = sorted((tmp_path / "pages").glob("page-*.png"))
    assert len(pages) >= 5
    text = subprocess.run(
        ["pdftotext", str(tmp_path / "pages" / "doc.pdf"), "-"], check=True, capture_output=True, text=True
    ).stdout
    for expected in ["3.1 breast_cancer_gbm", "Table 1: Test metrics", "Figure 3: ROC curve", "[9]"]:
        assert expected in text


def test_a_bad_template_is_a_clear_error(tmp_path, state):
    not_docx = tmp_path / "brand.docx"
    not_docx.write_text("just text")
    with pytest.raises(ConfigError, match=r"brand\.docx is not a Word document"):
        render_docx(state, template=str(not_docx))
    with pytest.raises(ConfigError, match="docx template not found"):
        render_docx(state, template=str(tmp_path / "missing.docx"))
