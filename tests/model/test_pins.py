"""One rule for pins (issue 18): `crossroads.run(overrides=...)` and the web app's what-ifs
refuse the same values with the same words, and accept the boundaries."""

from __future__ import annotations

import math
from typing import Any

import pytest

import crossroads
from crossroads.model.compile import Model
from crossroads.model.pins import MAX_PIN, BadPin, UnknownPin, check_pins, pin_range

PINS = """\
decision: Pins
horizon: 2
params:
  growth: 3% to 8%
  p: 30% to 50%
  base: 100k
  twice: base * 2
options:
  a:
    roles: {r: {cash: twice}}
  b:
    roles: {r: {cash: 90k, raise: growth, next: [{to: s, after: 1, chance: p}]}, s: {cash: 1}}
"""

SIZE = "expected a finite number up to 1e+15 in size, got"
REFUSED = [
    ({"nope": 1.0}, "nope", "no such param: nope"),
    ({"growth": math.nan}, "growth", f"growth: {SIZE} nan"),
    ({"growth": math.inf}, "growth", f"growth: {SIZE} inf"),
    ({"growth": True}, "growth", f"growth: {SIZE} True"),
    ({"growth": "0.05"}, "growth", f"growth: {SIZE} '0.05'"),
    ({"twice": 2e15}, "twice", f"twice: {SIZE} 2000000000000000.0"),
    ({"p": 1.5}, "p", "p is a probability: pin it between 0 and 1 (0% to 100%), not 1.5"),
    ({"p": -0.01}, "p", "p is a probability: pin it between 0 and 1 (0% to 100%), not -0.01"),
    ({"growth": -5.0}, "growth", "growth: pin it between 0.0195 and 0.123 (the 0.1st to 99.9th "
     "percentile of its estimate in the file), not -5; to go further, change its estimate in "
     "the file"),
]


@pytest.fixture(scope="module")
def model() -> Model:
    return crossroads.load(PINS)


@pytest.mark.parametrize(("pins", "param", "message"), REFUSED)
def test_the_library_refuses_a_pin_naming_the_param(model: Model, pins: dict[str, Any],
                                                    param: str, message: str) -> None:
    with pytest.raises(BadPin) as caught:
        crossroads.run(model, samples=100, overrides=pins)
    assert str(caught.value) == message and caught.value.param == param
    assert isinstance(caught.value, ValueError)  # callers catching ValueError keep working


def test_an_unknown_name_is_still_a_key_error_printed_without_quotes(
        model: Model) -> None:
    with pytest.raises(KeyError) as caught:
        crossroads.run(model, samples=100, overrides={"nope": 1.0, "also": 2.0})
    assert isinstance(caught.value, UnknownPin)
    assert str(caught.value) == "no such param: also, nope" and caught.value.param == "also"


def test_the_boundaries_are_accepted(model: Model) -> None:
    lo, hi = pin_range(model.params["growth"].expr.as_dist()) or (0.0, 0.0)
    for pins in ({"growth": lo}, {"growth": hi}, {"p": 0.0}, {"p": 1}, {"twice": MAX_PIN},
                 {"twice": -MAX_PIN}):
        assert check_pins(model, pins) == {k: float(v) for k, v in pins.items()}
    for pins in ({"growth": lo}, {"growth": hi}, {"p": 0.0}, {"p": 1.0}):
        crossroads.run(model, samples=100, overrides=pins)
    for pins in ({"growth": math.nextafter(lo, -1)}, {"growth": math.nextafter(hi, 1)},
                 {"p": math.nextafter(1.0, 2)}, {"twice": math.nextafter(MAX_PIN, 2e15)}):
        with pytest.raises(BadPin):
            check_pins(model, pins)


def test_a_pin_round_trips_through_pickle() -> None:
    import pickle

    for err in (BadPin("x: bad", "x"), UnknownPin("no such param: y", "y")):
        back = pickle.loads(pickle.dumps(err))
        assert type(back) is type(err) and str(back) == str(err) and back.param == err.param
