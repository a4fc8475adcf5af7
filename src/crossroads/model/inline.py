"""Inline estimates as named inputs: `phd.student.cash` beside the params.

An estimate written in a role (``cash: 50k to 90k``), a move (``after: 2 to 4``), a cash
flow or a criterion's worth is uncertain just as a param is, and VoI, the tornado, Sobol
and the run's screen name it beside the params. Its name is its stream key without the
``opt.``/``role.`` prefixes (``opt.phd.role.student.cash`` is ``phd.student.cash``), with
``#i`` when a field holds several ranges. Roles that are ``same_as`` another share its keys,
so they are one input, named after the role they share.

Only ranges drawn once per draw are inputs: ``each_year(...)`` redraws every year, which
is the luck of the path.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from crossroads.estimate.dists import Dist
from crossroads.model.compile import Model
from crossroads.model.sharing import fields_of


@dataclass(frozen=True)
class Inline:
    """One inline range: its input name, its random node's stream key, its distribution."""

    name: str
    key: str
    dist: Dist


def input_name(key: str) -> str:
    """A stream key as an input name: ``opt.a.role.r.cash`` -> ``a.r.cash``.

    >>> input_name("opt.phd.role.student.cash"), input_name("worth.enjoyment")
    ('phd.student.cash', 'worth.enjoyment')
    """
    if key.startswith("opt."):
        option, _, rest = key[4:].partition(".")
        return f"{option}.{rest.removeprefix('role.')}"
    return key


def inert_inputs(model: Model) -> frozenset[str]:
    """Inline inputs the value cannot depend on: their EVPPI is exactly 0, no fit needed.

    Value is money plus each priced criterion's worth x points. A score of a criterion
    with no ``worth`` never reaches it; practice, mentoring and skill fields reach it only
    when a priced criterion's score reads skills (``intersection()`` or a skill's name).
    """
    priced = {cid for cid, spec in model.criteria.items() if spec.worth is not None}
    scores = [f for o in model.options for r in o.roles for c, f in r.criteria.items()
              if c in priced]
    skills_priced = any(n == "intersection" or n.startswith("skill:")
                        for f in scores for n in f.expr.names)
    out = set()
    for name in inline_inputs(model):
        field = name.partition("#")[0]
        criterion = field.partition(".criteria.")[2]
        if criterion and criterion not in priced:
            out.add(name)
        elif not skills_priced and (".practice." in field or field.endswith(".mentor")
                                    or field.startswith("skill.")):
            out.add(name)
    return frozenset(out)


def inline_inputs(model: Model) -> dict[str, Inline]:
    """Every inline range of the file, by input name, in the file's order.

    Criterion worths and skill fields are inputs too: they are written once, outside any
    option, but they are not params. Remembered per model (a model never changes): a
    tornado asks for them twice per swing, and walking every field costs 25 ms.
    """
    with _LOCK:
        kept = _MEMO.get(id(model))
    if kept is None or kept[0] is not model:
        kept = (model, _inline_inputs(model))
        with _LOCK:
            while len(_MEMO) >= 8:
                del _MEMO[next(iter(_MEMO))]
            _MEMO[id(model)] = kept
    return dict(kept[1])


#: id(model) -> (model, its inline inputs): the model is kept so an id is never reused
_MEMO: dict[int, tuple[Model, dict[str, Inline]]] = {}
_LOCK = threading.Lock()


def _inline_inputs(model: Model) -> dict[str, Inline]:
    fields = [*fields_of(model.options), *fields_of(model.criteria), *fields_of(model.skills)]
    out: dict[str, Inline] = {}
    for f in fields:
        nodes = [n for n in f.expr.random_nodes if not n.each_year and n.dist is not None]
        for i, node in enumerate(nodes):
            assert node.dist is not None
            name = input_name(f.key) + (f"#{i}" if len(nodes) > 1 else "")
            out.setdefault(name, Inline(name, f"{f.key}#{node.index}", node.dist))
    return out


__all__ = ["Inline", "inert_inputs", "inline_inputs", "input_name"]
