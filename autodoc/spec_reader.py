"""Reads spec YAML into a `Spec`, walking nodes so every mistake names file, line and field."""

from __future__ import annotations

import difflib
import re

import yaml

from autodoc.errors import SpecError
from autodoc.facts import Fact, Review, read_facts, read_review
from autodoc.spec import PER_MODEL, SECTION_KEYS, TOP_KEYS, SectionSpec, Spec, norm_name

_MODIFIER = re.compile(r"^(?P<name>.*\S)\s*:\s*(?P<mod>[A-Za-z_\- ]+)\s*$")
_STR_TAG = "tag:yaml.org,2002:str"
_KIND = {
    "tag:yaml.org,2002:int": "a number",
    "tag:yaml.org,2002:float": "a number",
    "tag:yaml.org,2002:bool": "true/false",
    "tag:yaml.org,2002:null": "nothing (null)",
    "tag:yaml.org,2002:timestamp": "a date",
}


class SpecReader:
    """Walks the composed YAML node tree, constructing scalars one at a time."""

    def __init__(self, text: str, path: str) -> None:
        self.text, self.path = text, path
        self.loader: yaml.SafeLoader | None = None

    # -- errors ---------------------------------------------------------------------------
    def fail(
        self,
        message: str,
        node: yaml.Node | None = None,
        field: str | None = None,
        hint: str | None = None,
        line: int | None = None,
    ) -> SpecError:
        if line is None and node is not None:
            line = node.start_mark.line + 1
        return SpecError(message, path=self.path, line=line, field=field, hint=hint)

    # -- scalars --------------------------------------------------------------------------
    def value(self, node: yaml.Node) -> object:
        assert self.loader is not None
        return self.loader.construct_object(node, deep=True)

    def string(self, node: yaml.Node, field: str, *, allow_list: bool = False) -> str:
        """A non-empty string (a list of strings joined with ', ' when allowed)."""
        if allow_list and isinstance(node, yaml.SequenceNode):
            parts = [self.string(item, field) for item in node.value]
            if not parts:
                raise self.fail("is an empty list: expected a name or a list of names", node, field)
            return ", ".join(parts)
        if not isinstance(node, yaml.ScalarNode):
            kind = "a list" if isinstance(node, yaml.SequenceNode) else "a mapping"
            raise self.fail(f"expected text, got {kind}", node, field)
        raw = self.value(node)
        if isinstance(raw, bool) or raw is None:
            raise self.fail(f"expected text, got {_KIND.get(node.tag, 'a value')}", node, field)
        # Numbers and dates keep their spelling: `version: 1.10` is "1.10", not "1.1".
        text = (raw if isinstance(raw, str) else node.value).strip()
        if not text:
            raise self.fail("is empty: expected text", node, field)
        return text

    def keys(
        self, node: yaml.MappingNode, valid: tuple[str, ...], where: str
    ) -> dict[str, tuple[yaml.Node, yaml.Node]]:
        """Mapping entries by key; unknown keys get the closest valid key suggested."""
        entries: dict[str, tuple[yaml.Node, yaml.Node]] = {}
        for key_node, value_node in node.value:
            key = self.value(key_node) if isinstance(key_node, yaml.ScalarNode) else None
            field = f"{where}.{key}" if where and key is not None else str(key)
            if not isinstance(key, str):
                raise self.fail(f"{where or 'spec'}: keys must be text", key_node)
            if key not in valid:
                close = difflib.get_close_matches(key.lower(), valid, n=1, cutoff=0.5)
                hint = f"did you mean '{close[0]}'?" if close else None
                raise self.fail(
                    f"unknown key '{key}' (valid keys: {', '.join(valid)})", key_node, field, hint
                )
            if key in entries:
                first = entries[key][0].start_mark.line + 1
                raise self.fail(f"'{key}' is given twice (first on line {first})", key_node, field)
            entries[key] = (key_node, value_node)
        return entries

    # -- document -------------------------------------------------------------------------
    def read(self) -> Spec:
        self.loader = yaml.SafeLoader(self.text)
        try:
            root = self.compose()
            return self.document(root)
        finally:
            self.loader.dispose()

    def sidecar(self) -> tuple[Review | None, list[Fact]]:
        """A facts file (`autodoc_facts.yaml`): only `review:` and `facts:`."""
        self.loader = yaml.SafeLoader(self.text)
        try:
            root = self.compose()
            entries = self.keys(root, ("review", "facts"), "")
            review = read_review(self, entries["review"][1]) if "review" in entries else None
            return review, read_facts(self, entries["facts"][1]) if "facts" in entries else []
        finally:
            self.loader.dispose()

    def compose(self) -> yaml.Node:
        assert self.loader is not None
        try:
            root = self.loader.get_single_node()
        except yaml.MarkedYAMLError as err:
            mark = err.problem_mark or err.context_mark
            line = mark.line + 1 if mark is not None else None
            problem = err.problem or err.context or "cannot parse"
            context = err.context_mark
            if err.problem and err.context and context is not None and context.line + 1 != line:
                problem += f" ({err.context} on line {context.line + 1})"
            raise self.fail(f"invalid YAML: {problem}", line=line) from None
        except yaml.YAMLError as err:
            raise self.fail(f"invalid YAML: {err}") from None
        if root is None:
            raise self.fail("the spec is empty: expected a mapping with 'title' and 'sections'", line=1)
        if not isinstance(root, yaml.MappingNode):
            raise self.fail("expected a mapping with 'title' and 'sections' at the top level", root)
        return root

    def document(self, root: yaml.MappingNode) -> Spec:
        entries = self.keys(root, TOP_KEYS, "")
        if "title" not in entries:
            raise self.fail(
                "missing: every spec needs a title",
                root,
                "title",
                hint='add a line such as  title: "Credit Risk Model Documentation"',
            )
        if "sections" not in entries:
            raise self.fail(
                "missing: list the document's sections",
                root,
                "sections",
                hint="add  sections:  followed by lines such as  - Executive Summary",
            )
        sections = self.sections(entries["sections"][1])
        if "hints" in entries:
            self.merge_hints(entries["hints"][1], sections)
        optional = {
            k: self.string(entries[k][1], k, allow_list=k == "authors")
            for k in ("authors", "version", "description")
            if k in entries
        }
        title = self.string(entries["title"][1], "title")
        review = read_review(self, entries["review"][1]) if "review" in entries else None
        facts = read_facts(self, entries["facts"][1]) if "facts" in entries else []
        return Spec(title=title, sections=sections, path=self.path, review=review, facts=facts, **optional)

    # -- sections -------------------------------------------------------------------------
    def sections(self, node: yaml.Node) -> list[SectionSpec]:
        if isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:null":
            raise self.fail("is empty: list at least one section", node, "sections")
        if not isinstance(node, yaml.SequenceNode):
            raise self.fail("expected a list of section names (lines starting with '- ')", node, "sections")
        if not node.value:
            raise self.fail("is empty: list at least one section", node, "sections")
        result: list[SectionSpec] = []
        seen: dict[str, SectionSpec] = {}
        for index, item in enumerate(node.value, 1):
            section = self.section(item, f"sections[{index}]")
            key = norm_name(section.name)
            if key in seen:
                raise self.fail(
                    f"duplicate section '{section.name}' (first on line {seen[key].line})",
                    item,
                    f"sections[{index}]",
                )
            seen[key] = section
            result.append(section)
        return result

    def section(self, node: yaml.Node, field: str) -> SectionSpec:
        line = node.start_mark.line + 1
        if isinstance(node, yaml.ScalarNode):
            if node.tag != _STR_TAG:
                raise self.fail(
                    f"a section must be a name, got {_KIND.get(node.tag, 'a value')} ({node.value!r})",
                    node,
                    field,
                    hint='quote it if it really is a name, e.g. - "2024"',
                )
            name, per_model = self.split_modifier(node, field)
            return SectionSpec(name=name, per_model=per_model, line=line)
        if isinstance(node, yaml.MappingNode):
            return self.section_mapping(node, field, line)
        raise self.fail(
            "a section must be a name or a mapping with name/per_model/hint, got a list", node, field
        )

    def split_modifier(self, node: yaml.ScalarNode, field: str) -> tuple[str, bool]:
        """'Name: per_model' -> ('Name', True); a colon that is part of a name stays."""
        text = self.string(node, field)
        match = _MODIFIER.match(text)
        if not match:
            return text, False
        modifier = match.group("mod").strip()
        if modifier == PER_MODEL:
            return match.group("name").strip(), True
        if _looks_like_per_model(modifier):
            raise self.fail(
                f"unknown modifier '{modifier}': the only modifier is '{PER_MODEL}'",
                node,
                field,
                hint=f'write "{match.group("name").strip()}: {PER_MODEL}"',
            )
        return text, False

    def section_mapping(self, node: yaml.MappingNode, field: str, line: int) -> SectionSpec:
        # `- Model Performance: per_model` without quotes is a one-entry mapping in YAML.
        if len(node.value) == 1:
            key_node, value_node = node.value[0]
            key = self.value(key_node)
            if isinstance(key, str) and key not in SECTION_KEYS:
                return self.shorthand(key_node, value_node, field, line)
        entries = self.keys(node, SECTION_KEYS, field)
        if "name" not in entries:
            raise self.fail("missing 'name'", node, f"{field}.name")
        name = self.string(entries["name"][1], f"{field}.name")
        per_model = (
            self.per_model(entries["per_model"][1], f"{field}.per_model") if "per_model" in entries else False
        )
        hint = self.string(entries["hint"][1], f"{field}.hint") if "hint" in entries else None
        required = (
            self.per_model(entries["required"][1], f"{field}.required") if "required" in entries else False
        )
        return SectionSpec(name=name, per_model=per_model, hint=hint, required=required, line=line)

    def shorthand(self, key_node: yaml.Node, value_node: yaml.Node, field: str, line: int) -> SectionSpec:
        """`- Name: per_model` (unquoted) is accepted; anything else after the colon is not."""
        name = self.string(key_node, field)
        value = self.value(value_node) if isinstance(value_node, yaml.ScalarNode) else None
        if value == PER_MODEL:
            return SectionSpec(name=name, per_model=True, line=line)
        if isinstance(value, str) and _looks_like_per_model(value):
            raise self.fail(
                f"unknown modifier '{value}': the only modifier is '{PER_MODEL}'",
                value_node,
                field,
                hint=f'write "{name}: {PER_MODEL}"',
            )
        close = difflib.get_close_matches(name.lower(), SECTION_KEYS, n=1, cutoff=0.6)
        if close:
            raise self.fail(
                f"unknown key '{name}' (valid keys: {', '.join(SECTION_KEYS)})",
                key_node,
                f"{field}.{name}",
                hint=f"did you mean '{close[0]}'?",
            )
        raise self.fail(
            f"after '{name}:' only '{PER_MODEL}' may follow",
            value_node,
            field,
            hint=f'write "{name}: {PER_MODEL}", or a mapping with name, per_model and hint',
        )

    def per_model(self, node: yaml.Node, field: str) -> bool:
        value = self.value(node) if isinstance(node, yaml.ScalarNode) else None
        if isinstance(value, bool):
            return value
        shown = repr(value) if isinstance(node, yaml.ScalarNode) else "a list or mapping"
        raise self.fail(f"expected true or false, got {shown}", node, field)

    # -- hints ----------------------------------------------------------------------------
    def merge_hints(self, node: yaml.Node, sections: list[SectionSpec]) -> None:
        if isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:null":
            return
        if not isinstance(node, yaml.MappingNode):
            raise self.fail("expected a mapping of section name to hint text", node, "hints")
        by_name = {norm_name(s.name): s for s in sections}
        seen: dict[str, int] = {}
        for key_node, value_node in node.value:
            raw = self.string(key_node, "hints")
            name = _strip_per_model(raw)
            field = f"hints.{raw}"
            section = by_name.get(norm_name(name))
            if section is None:
                close = difflib.get_close_matches(name, [s.name for s in sections], n=1, cutoff=0.5)
                hint = (
                    f"did you mean '{close[0]}'?"
                    if close
                    else "sections: " + ", ".join(s.name for s in sections)
                )
                raise self.fail(f"hint for a section that does not exist: '{name}'", key_node, field, hint)
            if norm_name(name) in seen:
                raise self.fail(
                    f"a second hint for '{name}' (first on line {seen[norm_name(name)]})", key_node, field
                )
            seen[norm_name(name)] = key_node.start_mark.line + 1
            text = self.string(value_node, field)
            # An inline hint and a hints entry for one section both count.
            section.hint = f"{section.hint}\n{text}" if section.hint else text


def _strip_per_model(name: str) -> str:
    match = _MODIFIER.match(name)
    return match.group("name").strip() if match and match.group("mod").strip() == PER_MODEL else name


def _looks_like_per_model(modifier: str) -> bool:
    """A typo of per_model ('permodel', 'per-model', 'Per Model'), not part of a name."""
    squashed = re.sub(r"[\s_\-]", "", modifier.lower())
    return difflib.SequenceMatcher(None, squashed, "permodel").ratio() >= 0.8
