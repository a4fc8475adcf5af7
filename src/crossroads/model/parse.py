"""Decision text -> :class:`Decision`, with the line and column of every node.

Parsers take text, not files: the caller reads the file and passes ``source`` for error
messages. ruamel.yaml composes nodes that keep positions; we copy the document into plain Python
values plus maps from each node's path to where its value and its key start, validate with
pydantic and translate every validation error back to ``FILE:LINE:COL``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, get_args, get_origin

from pydantic import BaseModel, ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from ruamel.yaml.reader import ReaderError

from crossroads.errors import DecisionError, did_you_mean
from crossroads.estimate.lexer import as_percent, digit_groups
from crossroads.model.limits import check_text
from crossroads.model.schema import OBSOLETE_KEYS, Decision

Path = tuple[str | int, ...]
Position = tuple[int, int]


@dataclass(frozen=True)
class Located:
    """A validated decision plus where each of its nodes sits in the source text."""

    decision: Decision
    source: str
    positions: Mapping[Path, Position]   # where each value starts
    keys: Mapping[Path, Position]        # where each mapping key starts
    text: str = ""

    def char_at(self, line: int, column: int) -> str:
        """The character at a 1-based position, or '' past the end."""
        lines = self.text.splitlines()
        if 1 <= line <= len(lines) and 1 <= column <= len(lines[line - 1]):
            return lines[line - 1][column - 1]
        return ""

    def where(self, path: Path, *, key: bool = False) -> Position:
        """The position of ``path``'s value (or key), or of its closest located ancestor."""
        table = self.keys if key else self.positions
        while path not in table and path:
            path = path[:-1]
        return table.get(path, (1, 1))

    def error(self, path: Path, message: str, hint: str | None = None, *,
              key: bool = False) -> DecisionError:
        """A DecisionError at ``path``'s value, or at its key."""
        line, column = self.where(path, key=key)
        return DecisionError(self.source, line, column, message, hint)


def decode(data: bytes, source: str) -> str:
    """UTF-8 bytes to text; a bad byte is reported where it sits."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = data[: exc.start]
        line = before.count(b"\n") + 1
        column = exc.start - (before.rfind(b"\n") + 1) + 1
        raise DecisionError(
            source, line, column, f"the file is not UTF-8 text (byte 0x{data[exc.start]:02x})",
            "save it as UTF-8",
        ) from None


def parse_decision(text: str | bytes, source: str = "<string>") -> Located:
    """Parse and validate a decision file's text.

    >>> located = parse_decision("decision: Go?\\noptions: {a: {roles: {r: {cash: 1}}}}")
    >>> located.decision.decision
    'Go?'
    """
    check_text(text, source)  # bounded work for any input: see crossroads.model.limits
    if isinstance(text, bytes):
        text = decode(text, source)
    node, construct = _load_yaml(text, source)
    positions: dict[Path, Position] = {}
    keys: dict[Path, Position] = {}
    try:
        plain = _plain(node, (), positions, keys, construct, source)
    except DecisionError as exc:  # `{cash: 1,80,000 to 2,00,000}` repeats the key `00`
        grouped = _grouped_digits(text, exc.line, exc.column)
        if grouped is None:
            raise
        raise DecisionError(source, exc.line, exc.column, *grouped) from None
    if not isinstance(plain, dict):
        line, column = positions.get((), (1, 1))
        raise DecisionError(source, line, column, "expected a mapping of keys such as "
                            "`decision:` and `options:` at the top of the file")
    _check_obsolete(plain, source, keys)
    try:
        decision = Decision.model_validate(plain)
    except ValidationError as exc:
        raise DecisionError.collect(
            [_translate(err, source, positions, keys, text) for err in exc.errors()]
        ) from None
    return Located(decision, source, positions, keys, text)


#: Nesting a decision file may have: it needs fewer than ten levels.
MAX_DEPTH = 64
#: Values a decision file may hold once its aliases are expanded (the founding case: 358).
MAX_VALUES = 100_000


def _load_yaml(text: str, source: str) -> Any:
    """Compose the YAML into nodes that remember where they start.

    The safe loader with ruamel's C parser is about ten times faster than the round-trip
    loader and its nodes still carry line and column marks, which is all we need.
    """
    _check_bracket_depth(text, source)
    yaml = YAML(typ="safe", pure=False)
    try:
        node = yaml.compose(text)
    except UnicodeEncodeError as exc:  # a lone surrogate: text, not bytes, can hold one
        line, column = _line_column(text, exc.start)
        raise DecisionError(source, line, column,
                            f"the character {_char_name(ord(text[exc.start]))} is not valid "
                            "text (half of a UTF-16 pair)", "delete it") from None
    except ReaderError as exc:  # a character YAML does not allow: placed by offset only
        line, column = _line_column(text, exc.position)
        raise DecisionError(source, line, column,
                            f"YAML: the character {_char_name(exc.character)} is not allowed "
                            "here",
                            "delete it; a control character is often pasted by accident") from None
    except MarkedYAMLError as exc:
        _unclosed(exc, source)
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        if _at(text, line, column) == "\t":  # ruamel: "cannot start any token"
            raise DecisionError(source, line, column, "YAML indents with spaces, not tabs",
                                "replace the tab with spaces") from None
        problem = exc.problem or exc.context or "invalid YAML"
        raise DecisionError(source, line, column, f"YAML: {_squash(problem)}") from None
    except YAMLError as exc:
        raise DecisionError(source, 1, 1, f"YAML: {_squash(str(exc))}") from None
    except RecursionError:  # thousands of nested brackets: the composer recurses per level
        raise DecisionError(source, 1, 1, f"YAML: nested more than {MAX_DEPTH} levels deep",
                            "a decision file needs fewer than ten") from None
    if node is None:
        raise DecisionError(source, 1, 1, "the file is empty",
                            "start with `decision:` and `options:` (see examples/)")
    return node, yaml.constructor


_OPENERS = {"while parsing a flow sequence": ("[", "close it with `]`"),
            "while parsing a flow mapping": ("{", "close it with `}`"),
            "while scanning a quoted scalar": ("quote", "end the text with the same quote")}


def _unclosed(exc: MarkedYAMLError, source: str) -> None:
    """An unclosed ``[``, ``{`` or quote is placed where it opens, not where YAML gave up.

    YAML notices a missing ``]`` only at the next line that cannot continue the list, which
    may be many lines below (an unclosed ``[`` on line 1 was marked at line 9).
    """
    opener = _OPENERS.get(str(exc.context or ""))
    start, found = exc.context_mark, exc.problem_mark
    if opener is None or start is None or found is None or start.line == found.line:
        return
    what, hint = opener
    shown = "this quote" if what == "quote" else f"this `{what}`"
    raise DecisionError(source, start.line + 1, start.column + 1,
                        f"YAML: {shown} is never closed (YAML gave up at line "
                        f"{found.line + 1}, column {found.column + 1}: "
                        f"{_squash(exc.problem or 'invalid YAML')})", hint) from None


#: Flow brackets counted before composing: ruamel's C composer recurses once per level and
#: crashes the process (not a RecursionError) somewhere past 20,000 levels.
_MAX_BRACKETS = 1000


def _check_bracket_depth(text: str, source: str) -> None:
    """Refuse thousands of nested ``[`` or ``{`` before the C composer sees them.

    Brackets inside quotes count too, so the depth can only be overestimated; the limit is
    far above any decision file's, and the exact check (:data:`MAX_DEPTH`) runs later.
    """
    depth = 0
    for match in re.finditer(r"[\[\]{}]", text):
        depth = depth + 1 if match.group() in "[{" else max(depth - 1, 0)
        if depth > _MAX_BRACKETS:
            line, column = _line_column(text, match.start())
            raise DecisionError(source, line, column,
                                f"YAML: nested more than {MAX_DEPTH} levels deep",
                                "a decision file needs fewer than ten")


def _at(text: str, line: int, column: int) -> str:
    """The character at a 1-based line and column, or '' past the end."""
    lines = text.split("\n")
    row = lines[line - 1] if 1 <= line <= len(lines) else ""
    return row[column - 1] if 1 <= column <= len(row) else ""


def _word_at(text: str, line: int, column: int) -> str:
    """The scalar written at a position, up to the end of its line, a comma or a comment."""
    lines = text.split("\n")
    row = lines[line - 1] if 1 <= line <= len(lines) else ""
    return re.split(r"[,}\]#]", row[column - 1:], maxsplit=1)[0].strip()


def _char_name(character: int | str) -> str:
    code = character if isinstance(character, int) else ord(character[:1] or "?")
    return f"U+{code:04X}"


def _line_column(text: str, offset: int) -> Position:
    return text.count("\n", 0, offset) + 1, offset - text.rfind("\n", 0, offset)


def _squash(text: str) -> str:
    return " ".join(text.split())


def _mark(node: Node) -> Position:
    return node.start_mark.line + 1, node.start_mark.column + 1


def _plain(node: Node, path: Path, positions: dict[Path, Position],
           keys: dict[Path, Position], construct: Any, source: str) -> Any:
    """Copy composed YAML nodes into plain values, recording where values and keys start.

    Deeper than :data:`MAX_DEPTH` is refused: an alias inside its own anchor (``&a [*a]``)
    composes into a node that contains itself, and copying it would never end.
    """
    if not path:
        positions[()] = keys[()] = _mark(node)
    if len(positions) > MAX_VALUES:  # aliases of aliases: a few lines can expand to billions
        line, column = _mark(node)
        raise DecisionError(source, line, column, f"YAML: more than {MAX_VALUES:,} values",
                            "aliases (*name) that repeat aliases multiply: write the values out")
    if len(path) > MAX_DEPTH:
        line, column = _mark(node)
        raise DecisionError(source, line, column, f"YAML: nested more than {MAX_DEPTH} levels "
                            "deep", "a decision file needs fewer than ten; an alias inside "
                            "its own anchor, as in `&a [*a]`, repeats forever")
    if isinstance(node, MappingNode):
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = str(_scalar(key_node, construct, source))
            child = (*path, key)
            if key in result:
                line, column = _mark(key_node)
                raise DecisionError(source, line, column, f"YAML: duplicate key `{key}`",
                                    f"it is already set on line {keys[child][0]}")
            keys[child] = _mark(key_node)
            positions[child] = _mark(value_node)
            result[key] = _plain(value_node, child, positions, keys, construct, source)
        return result
    if isinstance(node, SequenceNode):
        items = []
        for i, item in enumerate(node.value):
            positions[(*path, i)] = keys[(*path, i)] = _mark(item)
            items.append(_plain(item, (*path, i), positions, keys, construct, source))
        return items
    return _scalar(node, construct, source)


def _scalar(node: Node, construct: Any, source: str) -> Any:
    if not isinstance(node, ScalarNode):
        line, column = _mark(node)
        raise DecisionError(source, line, column, "expected a plain key, not a list or mapping")
    try:
        value = construct.construct_object(node, deep=True)
    except (YAMLError, ValueError) as exc:
        line, column = _mark(node)
        raise DecisionError(source, line, column, f"YAML: {_squash(str(exc))}") from None
    if isinstance(value, bool):  # no key takes one, and pydantic would read `true` as 1
        line, column = _mark(node)
        raise DecisionError(source, line, column,
                            f"`{node.value}` is a yes/no value, and no key takes one",
                            "write a number, or quote it to make it text")
    if hasattr(value, "isoformat"):  # YAML dates: keep them as text
        return value.isoformat()
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return value


def _check_obsolete(plain: dict[str, Any], source: str, keys: Mapping[Path, Position]) -> None:
    for key, message in OBSOLETE_KEYS.items():
        if key in plain:
            line, column = keys[(key,)]
            raise DecisionError(source, line, column, message)


def _translate(err: Mapping[str, Any], source: str, positions: Mapping[Path, Position],
               keys: Mapping[Path, Position], text: str = "") -> DecisionError:
    """One pydantic error -> a DecisionError at the right place with a plain message."""
    loc = _file_path(tuple(err["loc"]))
    kind = err["type"]
    table = keys if kind in {"extra_forbidden", "missing"} else positions
    path = loc
    while path not in table and path:
        path = path[:-1]
    line, column = table.get(path, (1, 1))
    where = ".".join(str(p) for p in loc) or "the file"
    if kind == "extra_forbidden":
        grouped = _grouped_digits(text, line, column)
        if grouped is not None:
            return DecisionError(source, line, column, *grouped)
        if any(ch in str(loc[-1]) for ch in "()%") or str(loc[-1])[:1].isdigit():
            return DecisionError(
                source, line, column, f"`{loc[-1]}` looks like the end of an expression",
                "inside `{...}` a comma ends the value: quote expressions that contain "
                "commas, e.g. raise: 'normal(3%, 2%)'")
        valid = _valid_keys(loc[:-1])
        hint = did_you_mean(str(loc[-1]), valid) or (
            f"valid keys here: {', '.join(sorted(valid))}" if valid else None
        )
        return DecisionError(source, line, column, f"unknown key `{loc[-1]}`", hint)
    if kind == "missing":
        return DecisionError(source, line, column, f"missing required key `{loc[-1]}`"
                             + (f" in {'.'.join(map(str, loc[:-1]))}" if len(loc) > 1 else ""))
    if loc == ("discount",) and kind.startswith("less_than"):
        written = _word_at(text, line, column)
        meant = as_percent(written)
        if meant is not None:
            return DecisionError(source, line, column, f"`discount: {written}` is "
                                 f"{as_percent(written, scale=100)} a year",
                                 f"did you mean {meant}?")
    message = _friendly(err)
    return DecisionError(source, line, column, f"{where}: {message}")


def _grouped_digits(text: str, line: int, column: int) -> tuple[str, str] | None:
    """``{cash: 180,000}``: YAML ends the value at the comma and reads ``000`` as a key."""
    rows = text.split("\n")
    row = rows[line - 1] if 1 <= line <= len(rows) else ""
    start = max(row.rfind(" ", 0, column), row.rfind("{", 0, column), row.rfind(":", 0, column))
    grouped = digit_groups(row[start + 1:])
    if grouped is None or start + 1 + grouped[1] >= column:
        return None
    return (f"`{grouped[0]}`: inside `{{...}}` a comma ends the value",
            f"write {grouped[2]}")


def _file_path(loc: Path) -> Path:
    """Map pydantic's locations back to the keys written in the file."""
    out: list[str | int] = []
    for part in loc:
        if part == "raise_":
            part = "raise"
        if out == ["skills"] and part == "skills":
            continue  # skills are written beside `correlation` and `intersection`
        if isinstance(part, str) and part.startswith(("function-", "tagged-union")):
            continue
        if part in {"str", "float", "int"}:
            continue
        out.append(part)
    return tuple(out)


def _friendly(err: Mapping[str, Any]) -> str:
    kind, msg, value = err["type"], err["msg"], err.get("input")
    shown = repr(value) if not isinstance(value, dict | list) else type(value).__name__
    expected = {
        "int_parsing": "expected a whole number",
        "int_type": "expected a whole number",
        "int_from_float": "expected a whole number",
        "float_parsing": "expected a number",
        "float_type": "expected a number",
        "string_type": "expected text",
        "dict_type": "expected a mapping (key: value lines)",
        "model_type": "expected a mapping (key: value lines)",
        "list_type": "expected a list",
        "tuple_type": "expected a list",
        "literal_error": msg.replace("Input should be", "expected"),
    }.get(kind)
    if expected:
        return f"{expected}, got {shown}"
    if kind.startswith(("greater_than", "less_than")):
        return f"{msg.replace('Input should be', 'must be')}, got {shown}"
    if kind == "value_error":
        return str(msg).removeprefix("Value error, ")
    return f"{msg}, got {shown}"


def _valid_keys(loc: Path) -> set[str]:
    """The keys a model accepts at ``loc``, for the "did you mean" hint."""
    model: Any = Decision
    for part in loc:
        model = _descend(model, part)
        if model is None:
            return set()
    if isinstance(model, type) and issubclass(model, BaseModel):
        keys = {f.alias or name for name, f in model.model_fields.items()}
        return keys - {"skills"} | ({"correlation", "intersection"} if "intersection" in keys
                                    else set())
    return set()


def _descend(model: Any, part: str | int) -> Any:
    if isinstance(model, type) and issubclass(model, BaseModel):
        fields = {f.alias or n: f for n, f in model.model_fields.items()}
        if part not in fields and "skills" in fields and model.__name__ == "Skills":
            return _descend(_unwrap(fields["skills"].annotation), part)
        field = fields.get(str(part))
        return _unwrap(field.annotation) if field else None
    if get_origin(model) in (dict, list):
        return _unwrap(get_args(model)[-1])
    return None


def _unwrap(annotation: Any) -> Any:
    """Strip Optional so a field's model class can be found."""
    for arg in _union_args(annotation):
        if arg is not type(None):
            return arg
    return annotation


def _union_args(annotation: Any) -> Iterator[Any]:
    args = get_args(annotation)
    if args and get_origin(annotation) not in (dict, list, tuple):
        yield from args
    else:
        yield annotation
