"""Any value under a money key gives a model or a located DecisionError, never a traceback."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

import crossroads
from crossroads.errors import DecisionError

scalars = st.one_of(st.none(), st.booleans(), st.integers(-10**6, 10**6),
                    st.floats(allow_nan=False, allow_infinity=False),
                    st.sampled_from(["US", "SG", "IN", "UK", "us", "30%", "20% to 40%", "1e999",
                                     "SGD 10k", "INR 40L", "XX", "", "0.7 to 0.8"]),
                    st.text(max_size=12))
values = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=3),
    st.dictionaries(st.sampled_from(["table", "rate", "brackets", "deduction", "state",
                                     "equity", "share", "cap", "years", "growth", "SGD",
                                     "INR", "USD"]), inner, max_size=3)), max_leaves=8)
top_keys = st.sampled_from(["tax", "inflation", "fx", "terminal", "raises", "fx_view"])
role_keys = st.sampled_from(["tax", "retirement", "terminal", "currency", "cash"])


@settings(max_examples=150, deadline=None)
@given(top=st.dictionaries(top_keys, values, max_size=3),
       role=st.dictionaries(role_keys, values, max_size=3))
def test_money_keys_load_or_fail_with_a_located_error(top: dict, role: dict) -> None:
    doc = {"decision": "t", "horizon": 2, "samples": 10, **top,
           "options": {"a": {"roles": {"r": {"cash": 1, **role}}}}}
    try:
        crossroads.run(crossroads.load(json.dumps(doc)), samples=10)
    except DecisionError:   # refused where it is written (or its money is not finite)
        pass
