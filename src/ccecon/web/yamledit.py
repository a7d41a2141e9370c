"""Edit top-level fields of a scenario text in place: the text stays the one source of truth.

The editor page shows a few fields (name, currency, horizon, discount rate) beside the
whole scenario text. Reading a field reads the text; changing a field rewrites only the
characters of that field's value in the text. Every comment, blank line, indentation and
key order elsewhere stays byte for byte, so the saved text is the one on screen and a
one-field change is a one-line diff.

ruamel.yaml does the YAML: its composer gives the position of each value in the text
(start and end character), and its emitter writes the new value with whatever quoting
YAML needs (``name: 'Plan: 2027'``, ``name: '123'``). In a JSON text (a flow mapping) the
value is written as JSON. Nothing is quoted by string pasting.
"""

from __future__ import annotations

import io
import json
from typing import Any

from ccecon.errors import InputError

FORM_FIELDS = ("name", "currency", "horizon_months", "discount_rate")
"""Top-level scenario fields the editor shows as form inputs beside the text."""

TEXT_FIELDS = frozenset({"name", "currency"})
"""Fields whose typed value is always a string (a name ``2027`` stays the text ``2027``)."""


def normalize(text: str) -> str:
    """``text`` with every line ending written as LF (browsers send CRLF from a textarea)."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _yaml() -> Any:
    from ruamel.yaml import YAML

    y = YAML(typ="rt")
    y.width = 1_000_000  # one line per value: never fold a long name
    y.allow_unicode = True
    return y


def _root(text: str) -> Any:
    """The composed root node of ``text``; :class:`InputError` unless it is a mapping."""
    from ruamel.yaml.error import YAMLError
    from ruamel.yaml.nodes import MappingNode

    try:
        root = _yaml().compose(text)
    except YAMLError as exc:
        raise InputError(
            f"the text is not valid YAML, so the fields cannot be changed: {exc}"
        ) from None
    if not isinstance(root, MappingNode):
        raise InputError("the text is not a mapping of fields, so the fields cannot be changed")
    return root


def _scalar_text(node: Any) -> str:
    """What a form field shows for a value node: the scalar as written (``0.08``, ``8%``),
    empty for anything that is not a scalar."""
    from ruamel.yaml.nodes import ScalarNode

    return (
        str(node.value)
        if isinstance(node, ScalarNode) and node.tag != "tag:yaml.org,2002:null"
        else ""
    )


def read_fields(text: str) -> dict[str, str]:
    """The form fields as the text has them (empty strings when the text is not a mapping or
    a field is missing)."""
    out = dict.fromkeys(FORM_FIELDS, "")
    try:
        root = _root(normalize(text))
    except InputError:
        return out
    for key, value in root.value:
        if key.value in out and not out[key.value]:
            out[key.value] = _scalar_text(value)
    return out


def typed_value(key: str, raw: str) -> Any:
    """The value a form input stands for: the text itself for a name or currency; a YAML
    scalar otherwise (``36`` -> 36, ``0.08`` -> 0.08, ``8%`` stays ``8%``), so a wrong
    value reaches the validator as it was typed."""
    raw = raw.strip()
    if key in TEXT_FIELDS:
        return raw
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    try:
        value = YAML(typ="safe", pure=True).load(raw)
    except YAMLError:
        return raw
    return value if isinstance(value, int | float | str) and not isinstance(value, bool) else raw


def _emit(key: str, value: Any, flow: bool) -> str:
    """``value`` as YAML (or JSON in a flow mapping) for the place of ``key``'s value."""
    if flow:
        return json.dumps(value, ensure_ascii=False)
    buf = io.StringIO()
    _yaml().dump({key: value}, buf)
    line = buf.getvalue()
    prefix = f"{key}: "
    if not line.startswith(prefix) or line.count("\n") != 1:  # pragma: no cover - defensive
        raise InputError(f"{key}: cannot be written on one line", field=key, value=value)
    return line[len(prefix) :].rstrip("\n")


def set_field(text: str, key: str, raw: str) -> str:
    """``text`` with top-level field ``key`` set to what was typed (``raw``), everything
    else unchanged byte for byte. An empty ``raw`` removes the field's line (the library
    default applies, or the validator says it is needed)."""
    if key not in FORM_FIELDS:
        raise InputError("not a field of the form", field=key)
    text = normalize(text)
    root = _root(text)
    value = typed_value(key, raw)
    flow = bool(root.flow_style)
    for k_node, v_node in root.value:
        if k_node.value != key:
            continue
        start, end = v_node.start_mark.index, v_node.end_mark.index
        if value == "":
            if flow:
                raise InputError(f"{key}: a field of a JSON text cannot be emptied", field=key)
            line_start = text.rfind("\n", 0, k_node.start_mark.index) + 1
            line_end = text.find("\n", end)
            return text[:line_start] + ("" if line_end < 0 else text[line_end + 1 :])
        new = text[:start] + _emit(key, value, flow) + text[end:]
        break
    else:
        if value == "":
            return text
        new = _insert(text, root, key, value, flow)
    check = read_value(new, key)
    if check != value:  # pragma: no cover - the emitter's promise, checked anyway
        raise InputError(f"{key}: the edited text does not read back", field=key, value=raw)
    return new


def _insert(text: str, root: Any, key: str, value: Any, flow: bool) -> str:
    """``text`` with a new top-level ``key: value`` line before the first top-level key
    (after the leading comments), or as the first member of a JSON object."""
    if flow:
        brace = root.start_mark.index + 1
        sep = ", " if root.value else ""
        return text[:brace] + json.dumps(key) + ": " + _emit(key, value, True) + sep + text[brace:]
    if not root.value:
        return (
            text.rstrip("\n")
            + ("\n" if text.strip() else "")
            + f"{key}: {_emit(key, value, False)}\n"
        )
    first = root.value[0][0].start_mark
    line_start = text.rfind("\n", 0, first.index) + 1
    indent = " " * first.column
    return text[:line_start] + f"{indent}{key}: {_emit(key, value, False)}\n" + text[line_start:]


def read_value(text: str, key: str) -> Any:
    """The value of top-level ``key`` in ``text`` as YAML reads it (None when missing)."""
    from ruamel.yaml.error import YAMLError

    try:
        doc = _yaml().load(text)
    except YAMLError:
        return None
    if not isinstance(doc, dict):
        return None
    v = doc.get(key)
    if isinstance(v, str):
        return str(v)
    if isinstance(v, bool):
        return v
    if isinstance(v, int):
        return int(v)
    if isinstance(v, float):
        return float(v)
    return v
