"""How big a decision file may be: every limit in one table, each a located error.

A decision file comes from its author, but also from a web form, a shared link or a
download, and the program must finish in bounded time and memory whatever it holds. Each
limit is far above any real decision (the founding case has 6 options, 15 params, 2
correlations and no mixture) and far below what exhausts a laptop; past one, the file is
refused where the excess starts, with a message naming the limit:

=============================  ==========  ============================================
limit                          value       why
=============================  ==========  ============================================
``MAX_FILE_BYTES``             128 KiB     YAML, validation and hints stay well under 2 s
``MAX_OPTIONS``                50          options x years is the simulation's size
``MAX_ROLES``                  50          roles of one option
``MAX_PARAMS``                 500         every param is drawn for every draw
``MAX_CRITERIA``               50          each is held per option, draw and year
``MAX_CORRELATIONS``           200         the copula is checked and factored: O(p^3)
``MAX_MIXTURE_COMPONENTS``     20          one mixture's CDF inversion is quadratic in it
``MAX_MIXTURE_TOTAL``          60          all mixtures of the file together
``MAX_COMPARISONS``            20          ``a < b < c ...`` in one chain
``MAX_PROBLEMS``               20          problems reported (each may search for a hint)
expression length              10,000      characters in one estimate (the lexer's limit)
expression depth               100         nested operators and calls in one estimate
=============================  ==========  ============================================

Checked in three places, each a small hook: the text's size before YAML is read
(:func:`check_text`), the counts once the file is validated (:func:`check_counts`), and
mixtures and comparison chains while an estimate is compiled (:func:`check_mixture`,
:func:`check_comparisons`). The memory budget (:mod:`crossroads.engine.budget`) then
bounds the sample count for the shape that passed.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from crossroads.errors import DecisionError, UsageError

if TYPE_CHECKING:
    from crossroads.model.parse import Located

__all__ = [
    "MAX_COMPARISONS",
    "MAX_CORRELATIONS",
    "MAX_CRITERIA",
    "MAX_FILE_BYTES",
    "MAX_MIXTURE_COMPONENTS",
    "MAX_MIXTURE_TOTAL",
    "MAX_OPTIONS",
    "MAX_PARAMS",
    "MAX_PROBLEMS",
    "MAX_ROLES",
    "LimitError",
    "check_comparisons",
    "check_counts",
    "check_mixture",
    "check_text",
    "mixture_size",
]

MAX_FILE_BYTES = 128 * 1024
MAX_OPTIONS = 50
MAX_ROLES = 50
MAX_PARAMS = 500
MAX_CRITERIA = 50
MAX_CORRELATIONS = 200
MAX_MIXTURE_COMPONENTS = 20
MAX_MIXTURE_TOTAL = 60
MAX_COMPARISONS = 20
MAX_PROBLEMS = 20


class LimitError(UsageError):
    """An estimate past a limit (the expression compiler turns it into an ExprError)."""


def check_text(text: str | bytes, source: str) -> None:
    """Refuse a file over :data:`MAX_FILE_BYTES` before its YAML is read.

    >>> check_text("x" * (MAX_FILE_BYTES + 1), "big.yaml")
    Traceback (most recent call last):
    ...
    crossroads.errors.DecisionError: big.yaml:1:1: the file is 131,073 bytes; ...
    """
    size = len(text.encode("utf-8", "surrogatepass") if isinstance(text, str) else text)
    if size > MAX_FILE_BYTES:
        raise DecisionError(source, 1, 1, f"the file is {size:,} bytes; the limit is "
                            f"{MAX_FILE_BYTES:,} (MAX_FILE_BYTES)",
                            "a decision file needs a few kilobytes: split it into several")


def _over(located: Located, path: tuple[Any, ...], count: int, limit: int, what: str,
          name: str, hint: str) -> DecisionError:
    return located.error(path, f"{count:,} {what}; the limit is {limit:,} ({name})", hint,
                         key=isinstance(path[-1], str))


def _nth_key(mapping: Iterable[str], n: int) -> str:
    for k, key in enumerate(mapping):
        if k == n:
            return key
    raise IndexError(n)


def check_counts(located: Located) -> None:
    """Refuse a validated file with more options, roles, params, criteria or correlations
    than the limits allow, at the first item past the limit."""
    d = located.decision
    tables: list[tuple[tuple[Any, ...], Any, int, str, str, str]] = [
        (("options",), d.options, MAX_OPTIONS, "options", "MAX_OPTIONS",
         "compare a few options at a time"),
        (("params",), d.params, MAX_PARAMS, "params", "MAX_PARAMS",
         "fold params that always move together into one"),
        (("criteria",), d.criteria, MAX_CRITERIA, "criteria", "MAX_CRITERIA",
         "keep the criteria that could change the decision"),
    ]
    tables += [(("options", oid, "roles"), opt.roles, MAX_ROLES, f"roles in `{oid}`",
                "MAX_ROLES", "merge roles that pay and score alike")
               for oid, opt in d.options.items()]
    for where, items, limit, what, name, hint in tables:
        if len(items) > limit:
            raise _over(located, (*where, _nth_key(items, limit)), len(items), limit, what,
                        name, hint)
    if len(d.correlations) > MAX_CORRELATIONS:
        raise _over(located, ("correlations", MAX_CORRELATIONS), len(d.correlations),
                    MAX_CORRELATIONS, "correlations", "MAX_CORRELATIONS",
                    "correlate the few pairs that matter")


def mixture_size(dist: Any) -> int:
    """Leaf components of a mixture, nested mixtures counted through (0 for others)."""
    comps = getattr(dist, "components", None)
    if getattr(dist, "kind", None) != "mixture" or comps is None:
        return 0
    return sum(mixture_size(c) or 1 for c in comps)


def check_mixture(count: int) -> None:
    """Refuse one mixture of more than :data:`MAX_MIXTURE_COMPONENTS` components."""
    if count > MAX_MIXTURE_COMPONENTS:
        raise LimitError(f"a mixture of {count:,} components; the limit is "
                         f"{MAX_MIXTURE_COMPONENTS} (MAX_MIXTURE_COMPONENTS)")


def check_comparisons(count: int) -> None:
    """Refuse a chain ``a < b < c ...`` of more than :data:`MAX_COMPARISONS` comparisons
    (it becomes a product nested as deep as the chain is long)."""
    if count > MAX_COMPARISONS:
        raise LimitError(f"a chain of {count:,} comparisons; the limit is "
                         f"{MAX_COMPARISONS} (MAX_COMPARISONS)")
