"""How to use the app (our own short guide)."""

from __future__ import annotations

import streamlit as st

from autodoc.ui import state

GUIDE = """
### What the app does
autodoc reads your model's Python code and its MLflow tracking server, then writes the model
documentation section by section. Every figure in the document comes from that evidence and
carries a numbered reference to where it was found (a file and line, or an MLflow run).

### A run, step by step
1. **Spec** (sidebar): the title, the authors and one card per section. Open a card to rename
   the section, write its *hint* (what it should cover) or tick *per_model* to get one
   subsection per registered model; the arrows move it, **Add section** adds one. Start from
   `doc_spec.yaml`, a spec file on the server, an uploaded YAML file or a built-in template,
   and download the edited YAML to keep it (every field is kept).
2. **Configuration**: the code root to scan, the output directory for the documents, and the
   MLflow tracking URI (empty: the environment's `MLFLOW_TRACKING_URI`). Each is checked as
   you type it; the message stands under the field. With no code root configured the app
   opens on the bundled demo project and its local MLflow store.
3. **Options**: the provider. Without an API key the *offline writer* is used: it writes
   plain, fixed wording from the evidence and needs no LLM. An API key typed here stays in
   this browser session only; it is never saved to a file.
4. **Generate documentation** runs scanning, planning, generating and building in one go.
   Or go step by step: **Scan**, **Plan** (review the planned blocks of each section), **Write**,
   then **Build**.

### Reviewing
- *Scan overview*: the files read and skipped (with the reason), facts per file, registered
  models with versions and aliases, experiments and runs (failed ones too) and any secrets
  that were redacted.
- *Plan review*: per section (folded like the Write review), the planned blocks described in
  words, with the evidence each will use behind a toggle. Approve the plan, remove a block,
  change a block's guidance, or re-plan the section with feedback. After **Generate
  documentation** the plans show as used.
- *Write review*: each section as it will read, in a fold that opens on a click. A document of
  up to 8 sections opens whole; a longer one opens the first section left to review, and
  **Approve** folds that section and opens the next one (**Open every section** shows them
  all). **Approve** a section, **Edit** its text, or **Regenerate** it with feedback. Hover
  over a reference such as `[3]` to see where it comes from (file and line at a commit, or the
  MLflow run or model version). In the Edit box a citation reads `[3]`: reference 3 of the
  document (listed under the box); a figure you add must cite the reference it comes from or
  it is flagged "no source". Approved and edited sections are kept when other sections are
  regenerated. Figures to check are highlighted in red where they stand.
- *Build*: writes the Word document (and the notebook when enabled), the cache, the evidence
  file and the run report; download them from the buttons above the views. After an approve,
  an edit or a regeneration the Word document and notebook are rebuilt in the background (a
  few seconds; their buttons say "updating" meanwhile) and the caption says when they are up
  to date. When they cannot be rebuilt, their buttons say they hold the review before your
  last change.

### Stopping and coming back
**Stop** starts no new LLM call; calls already running may finish within the stop grace
period (10 s unless `AUTODOC_STOP_GRACE` says otherwise) and their answers are kept. **Stop now**
stops waiting for them. Finished sections are kept in the cache (`.autodoc_cache.json` in the
output directory) and no half-written document is left behind. Only one run writes into an
output directory at a time: while another run (the command line, or another browser session)
writes there, the app says so and starts nothing; wait for it, or choose another directory.
Opening an output directory that holds a cache brings that document back for review; the
*Previous documents* page lists what an output directory holds.

### Keeping the document current
Once a document is built, **Update document** (below the actions) rescans the code and MLflow
without any LLM and lists what changed since the build (a hyperparameter, a new model version
or champion alias, an edited function the document cites) and which blocks would be rewritten;
*Update document* then rewrites only those, refills tables and charts, and adds an entry to the
document's Change Log. **What only people know** asks, per section, what code and MLflow cannot
say (intended use, business owner, out-of-scope uses, limitations, approvals, review cadence);
answers are stated in the document as "stated by <who>, <date>". On the command line:
`autodoc check`, `autodoc --update`, `autodoc diff` and `autodoc questions`.

### Filters
Model and experiment names take comma-separated patterns with `*` (any characters) and `?`
(one character). *Latest only* keeps the newest version of each model. Inside Domino,
*project filtering* limits the scan to this project's experiments and models.

### Running it on Domino
Publish the app with `app.sh` as the app file: it serves on 0.0.0.0:8888, with the project's
`.venv` when there is one, else the environment's `streamlit`. Inside Domino the
code root defaults to `/mnt/code`, the output to `/mnt/data/<project>`, and every path must
lie under `/mnt` (set `AUTODOC_ALLOWED_ROOT` to change the allowed root elsewhere).
"""


def main() -> None:
    state.enter_page(st.session_state, "help")
    st.title("Help")
    st.markdown(GUIDE)


main()
