"""One hierarchy: every error crossroads raises on purpose is a CrossroadsError."""

from __future__ import annotations

import ast
import pickle
import re
from pathlib import Path

import pytest

import crossroads
from crossroads.errors import (
    CrossroadsError,
    DecisionError,
    StoreError,
    TooManySamples,
    UnknownName,
    UsageError,
)

SRC = Path(crossroads.__file__).parent


def _classes() -> dict[str, type[BaseException]]:
    from crossroads.estimate.lexer import ExprError
    from crossroads.evidence.exchange import RecordError
    from crossroads.evidence.fields import FieldError
    from crossroads.model.limits import LimitError
    from crossroads.model.pins import BadPin
    from crossroads.simulate.skills import SkillFieldError
    from crossroads.store.journal import EntryNotFound
    from crossroads.store.research_log import ConversationNotFound
    from crossroads.store.schema import SchemaError
    from crossroads.web.catalog import OutsideFolders
    from crossroads.web.pool import Busy, WorkerLost
    from crossroads.web.routes.new import FormError
    from crossroads.web.security import Refused
    from crossroads.web.settings import SettingsError

    return {c.__name__: c for c in (
        ExprError, RecordError, FieldError, LimitError, SkillFieldError, EntryNotFound,
        ConversationNotFound, SchemaError, OutsideFolders, Busy, WorkerLost, FormError,
        Refused, SettingsError, BadPin)}


def test_every_exception_class_in_the_package_is_a_crossroads_error() -> None:
    """Walk the source for `class X(...Error/Exception...)`: each one, imported, is under
    the base (the one exception: the check's timeout, a BaseException on purpose so that
    the checked code's own `except Exception` cannot swallow it)."""
    known = _classes()
    found = set()
    for path in SRC.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef) and any(
                    re.search(r"(Error|Exception|Busy|Refused)$", ast.unparse(b))
                    for b in node.bases):
                found.add(node.name)
    found -= {"CheckTimeout", *{c.__name__ for c in (
        CrossroadsError, DecisionError, StoreError, TooManySamples, UnknownName, UsageError)}}
    assert found == set(known), "a new exception class: make it a CrossroadsError"
    for cls in known.values():
        assert issubclass(cls, CrossroadsError), cls


@pytest.mark.parametrize("name, base", [
    ("ExprError", UsageError), ("FieldError", UsageError), ("RecordError", UsageError),
    ("OutsideFolders", UsageError), ("BadPin", UsageError), ("FormError", UsageError),
    ("SettingsError", UsageError), ("SchemaError", StoreError),
    ("EntryNotFound", StoreError), ("ConversationNotFound", StoreError),
])
def test_each_class_sits_under_the_right_branch(name: str, base: type) -> None:
    cls = _classes()[name]
    assert issubclass(cls, base)
    if base is UsageError:  # callers written before the hierarchy caught ValueError
        assert issubclass(cls, ValueError)


def test_an_unknown_name_is_a_key_error_printed_without_quotes() -> None:
    err = UnknownName("no such param: x", argument="overrides")
    assert isinstance(err, KeyError) and isinstance(err, ValueError)
    assert str(err) == "no such param: x"


def test_bad_arguments_to_the_api_are_usage_errors_naming_the_argument() -> None:
    model = crossroads.load(Path(__file__).parent.parent / "examples" / "two-offers.yaml")
    with pytest.raises(UsageError) as info:
        crossroads.run(model, samples=0)
    assert info.value.argument == "samples"
    with pytest.raises(UnknownName) as unknown:
        crossroads.run(model, samples=100, overrides={"nope": 1.0})
    assert unknown.value.argument == "overrides"
    with pytest.raises(UsageError) as method:
        crossroads.sensitivity(model, "magic", samples=100)
    assert method.value.argument == "method"
    with pytest.raises(UnknownName) as group:
        crossroads.voi(model, samples=100, groups=(("nope",),))
    assert group.value.argument == "groups" and "--" not in str(group.value)


def test_too_many_samples_carries_the_most_that_fits() -> None:
    from tests.engine.test_budget import wide_file

    with pytest.raises(TooManySamples) as info:
        crossroads.load(wide_file(20, 60, 50_000))
    err = info.value
    assert (err.samples, err.most) == (50_000, 18_531)
    assert err.hint == "use at most 18,531 samples (set `samples:`)"
    again = pickle.loads(pickle.dumps(err))  # web workers send errors between processes
    assert (type(again), again.most, again.format()) == (TooManySamples, 18_531, err.format())


def test_errors_pickle_with_their_fields() -> None:
    from crossroads.evidence.fields import FieldError

    for err in (UsageError("bad", argument="seed"), FieldError("years", "not a number"),
                StoreError("postgresql://me:PW@h/db is down"),
                DecisionError("d.yaml", 1, 2, "m", "h")):
        again = pickle.loads(pickle.dumps(err))
        assert type(again) is type(err) and str(again) == str(err)
        assert vars(again).keys() >= {"argument"} or not isinstance(err, UsageError)
    assert "PW" not in str(StoreError("postgresql://me:PW@h/db is down"))


def test_no_library_message_names_a_command_line_flag() -> None:
    """The library's errors and problems speak of its arguments; the CLI names its flags.
    Every raise and return outside cli/ is read (a problem may be returned, as the
    journal's check-in problems are); the questionnaire writes command lines on purpose."""
    flagged = []
    for path in SRC.rglob("*.py"):
        if "cli" in path.relative_to(SRC).parts or path.name == "questionnaire.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            said = node.exc if isinstance(node, ast.Raise) else (
                node.value if isinstance(node, ast.Return) else None)
            if said is not None:
                text = ast.unparse(said)
                if re.search(r"[\"'` ]--[a-z]", text):
                    flagged.append(f"{path.relative_to(SRC)}:{node.lineno}: {text[:80]}")
    assert flagged == []
