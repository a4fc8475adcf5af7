"""Warnings for a valid file: what it allows but a person should look at twice.

`crossroads check` prints them as ``FILE:LINE:COL: warning: message (hint)`` and still
exits 0; a run is not refused. The first is pay that can be negative: a role's cash, bonus
or equity grant is drawn a few thousand times from the file's params, and the share of
draws below 0 is reported at the field. ``cash: -10k to 50k`` is a normal fit whose lower
tail is a debt in about 18% of draws; ``cash: 0 to 50k`` never is (a range that starts at 0
is floored there, docs/estimates.md).

Fields that depend on the path walked (``previous``, ``year``, skills) are left out: they
are only negative when what they build on is, which is warned about where that is written.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from crossroads.errors import DecisionError
from crossroads.model.compile import Model
from crossroads.model.fields import Field
from crossroads.simulate.sampling import Streams, draw

__all__ = ["DRAWS", "FileWarning", "file_warnings", "negative_pay", "one_shot_roles"]

#: Draws used to estimate a share: a share of 5% is known to +-0.3% (one standard error).
DRAWS = 5_000


@dataclass(frozen=True)
class FileWarning:
    """One warning, placed like an error.

    >>> FileWarning("d.yaml", 9, 15, "cash is negative in 5.0% of draws", "write 0 to 50k").format()
    'd.yaml:9:15: warning: cash is negative in 5.0% of draws (write 0 to 50k)'
    """

    source: str
    line: int
    column: int
    message: str
    hint: str | None = None

    def format(self) -> str:
        """``FILE:LINE:COL: warning: message (hint)``."""
        text = f"{self.source}:{self.line}:{self.column}: warning: {self.message}"
        return f"{text} ({self.hint})" if self.hint else text


def file_warnings(model: Model) -> list[FileWarning]:
    """Every warning about ``model``, in file order."""
    found = negative_pay(model) + one_shot_roles(model)
    return sorted(found, key=lambda w: (w.line, w.column))


def negative_pay(model: Model, n: int = DRAWS) -> list[FileWarning]:
    """Pay fields below 0 in some draws, with the share of draws (each field once)."""
    try:
        draws = draw(model, n, Streams(model.seed, 0))
    except (DecisionError, ValueError):
        return []  # a run reports what stops it; a warning has nothing to add
    out: dict[tuple[int, int], FileWarning] = {}
    for name, f in _pay_fields(model):
        line, column = model.located.where(f.path)
        if (line, column) in out or f.dynamic:
            continue
        try:
            values = draws.evaluate(f)
        except (DecisionError, ValueError):
            continue
        share = float(np.mean(np.asarray(values) < 0.0))
        if share > 0.0:
            out[(line, column)] = FileWarning(
                model.source, line, column,
                f"{name} is negative in {_share(share)} of draws",
                "pay below 0 is a debt: a range that starts at 0 never goes below it, "
                "e.g. 0 to 50k; max(0, ...) floors any estimate")
    return list(out.values())


def one_shot_roles(model: Model) -> list[FileWarning]:
    """Roles that can be left only by one-shot chances (docs/simulation.md, "Paths")."""
    from crossroads.model.companies import one_shot_only

    out = []
    for option in model.options:
        for role in option.roles:
            if one_shot_only(option, role):
                line, column = model.located.where(("options", option.id, "roles", role.id,
                                                    "next"))
                out.append(FileWarning(
                    model.source, line, column,
                    f"`{option.id}.{role.id}` can be left only by one-shot chances: when "
                    "they fail, the draw stays in it to the horizon",
                    "a promotion missed is tried again next year: write `after: T, "
                    "per_year: p` to retry every year from year T"))
    return out


def _pay_fields(model: Model) -> Iterator[tuple[str, Field]]:
    for option in model.options:
        for role in option.roles:
            where = f"of `{option.id}.{role.id}`"
            yield f"the cash {where}", role.cash
            yield f"the bonus {where}", role.bonus
            if role.equity is not None:
                yield f"the equity grant {where}", role.equity.grant


def _share(share: float) -> str:
    """1.2%, or "under 0.1%" where one decimal would round a real share to 0."""
    return "under 0.1%" if share < 0.0005 else f"{share:.1%}"
