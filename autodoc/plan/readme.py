"""What a README says of the project: a project template's own sentences ("This is your new Kedro
project", "A short description of the project.") and a pointer to where a copy is kept ("This notebook
is also available at https://...") say nothing of this project's model."""

from __future__ import annotations

import re

_TEMPLATE = re.compile(
    r"\byour new \S+ project\b|\bgenerated (?:using|with|by) (?:kedro|cookiecutter)\b|\bto get started$|"
    r"^this folder should be used to store\b|^a short description of the project$|"
    r"\b(?:is|are) (?:also )?available (?:at|on|from) <?https?://\S+$",
    re.IGNORECASE,
)


def template_sentence(sentence: str) -> bool:
    """Is this sentence a project template's boilerplate rather than the project's own words?"""
    return bool(_TEMPLATE.search(sentence.strip().rstrip(".!")))
