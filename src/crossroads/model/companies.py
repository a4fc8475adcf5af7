"""Employers: which roles are one employment, and each company's fate (docs/simulation.md).

A role's company is its ``company:`` name, or the role's own name when it gives none; roles
of one option that name the same company are one employer, so moving between them keeps
every grant and its vesting. A company's fate (``companies:`` under the option) is drawn
afresh for each employment: it goes on, fails, or exits, at most one of fail and exit.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from crossroads.errors import did_you_mean
from crossroads.model.fields import Field, option_key
from crossroads.model.schema import Company, Estimate, Option

if TYPE_CHECKING:
    from crossroads.model.compile import OptionSpec, RoleSpec, _DecisionCompiler
    from crossroads.model.parse import Path

#: How an exit treats shares not yet vested.
UNVESTED_RULES = ("accelerate", "keep", "forfeit")


@dataclass(frozen=True)
class CompanySpec:
    """One employer of an option, compiled; ``key`` prefixes its fate's stream keys."""

    id: str
    key: str                     # opt.<option>.company.<name> (or the same_as owner's)
    public: bool = False
    fails: Field | None = None   # yearly hazard of a shutdown before any exit
    on_failure: int = -1         # role index a failure moves the draw to
    exit: Field | None = None    # chance of an exit
    exit_after: Field | None = None  # years from joining to the exit
    multiple: Field | None = None
    unvested: str = "keep"

    @property
    def has_fate(self) -> bool:
        """True when a draw's employment here can end or pay by the company's doing."""
        return self.public or self.fails is not None or self.exit is not None


def company_names(opt: Option) -> list[str]:
    """Each role's company, in role order: its ``company:`` or its own name."""
    return [role.company or rid for rid, role in opt.roles.items()]


def compile_companies(c: _DecisionCompiler, oid: str, opt: Option
                      ) -> tuple[tuple[CompanySpec, ...], tuple[int, ...]]:
    """The option's companies and each role's company index.

    A declared company no role names is an error (a typo in ``company:`` would otherwise
    leave a role without its fate), and so is a role with equity at a company with no fate:
    shares that pay nobody knows when are not worth a default.
    """
    names = company_names(opt)
    order = list(dict.fromkeys(names))
    role_ids = list(opt.roles)
    for name in opt.companies:
        if name not in order:
            c.error(("options", oid, "companies", name), f"no role of `{oid}` works at "
                    f"company `{name}`", did_you_mean(name, order)
                    or "give its roles `company: " + name + "`", key=True)
    specs = []
    for name in order:
        key = option_key(*_key_owner(c, oid, opt, name))
        declared = opt.companies.get(name)
        spec = (CompanySpec(name, key) if declared is None else
                _compile_company(c, oid, name, declared, key, role_ids, names))
        specs.append(spec)
    for (rid, role), name in zip(opt.roles.items(), names, strict=True):
        if role.equity is not None and name not in opt.companies:
            c.error(("options", oid, "roles", rid, "equity"),
                    f"role `{rid}` has equity, but company `{name}` has no fate that says "
                    "when its shares pay",
                    f"add `companies: {{{name}: {{shares: public}}}}` to option `{oid}` for "
                    f"listed shares, or `{{exit: 25%, multiple: 1 to 3, fails: 10%, "
                    f"on_failure: ROLE}}` for a private one")
    return tuple(specs), tuple(order.index(n) for n in names)


def _key_owner(c: _DecisionCompiler, oid: str, opt: Option, name: str) -> tuple[str, str]:
    """(option, field) of a company's stream keys: its own, or that of the company a
    `same_as` role of it works at (the shared employer's fate is then the same draw)."""
    for rid, role in opt.roles.items():
        if (role.company or rid) == name and role.same_as:
            other_oid, _, other_rid = role.same_as.partition(".")
            other = c.decision.options.get(other_oid)
            if other is not None and other_rid in other.roles:
                return other_oid, f"company.{other.roles[other_rid].company or other_rid}"
    return oid, f"company.{name}"


def _compile_company(c: _DecisionCompiler, oid: str, name: str, co: Company, key: str,
                     role_ids: list[str], names: list[str]) -> CompanySpec:
    path: Path = ("options", oid, "companies", name)

    def f(field: str, value: Estimate, probability: bool = False) -> Field:
        return c.field(value, (*path, field), f"{key}.{field}", probability=probability)

    on_failure = -1
    if co.on_failure is not None:
        if co.on_failure not in role_ids:
            c.error((*path, "on_failure"), f"unknown role `{co.on_failure}` in `on_failure`",
                    did_you_mean(co.on_failure, role_ids)
                    or f"roles here: {', '.join(role_ids)}")
        elif names[role_ids.index(co.on_failure)] == name:
            c.error((*path, "on_failure"), f"`{co.on_failure}` works at `{name}` itself, "
                    "which has just shut down", "name a role at another company, such as "
                    "`between_jobs`")
        else:
            on_failure = role_ids.index(co.on_failure)
    return CompanySpec(
        name, key, public=co.shares == "public",
        fails=f("fails", co.fails, True) if co.fails is not None else None,
        on_failure=on_failure,
        exit=None if co.shares == "public" else f("exit", co.exit, True),
        exit_after=f("exit_after", co.exit_after) if co.exit_after is not None else None,
        multiple=f("multiple", co.multiple), unvested=co.unvested,
    )


def one_shot_only(option: OptionSpec, role: RoleSpec) -> bool:
    """True when a role can be left only by one-shot chances (``after`` with a ``chance``).

    Once those chances have failed, nothing moves the draw again: it stays in the role to
    the horizon. A move that is sure (``chance`` 100%), a ``per_year`` move (retrying or
    not) or a company that can fail is a way out, and a role with no moves is an end the
    file chose, so none of those is flagged.
    """
    from crossroads.estimate.dists import Constant

    companies = option.companies
    if not role.next or (companies and companies[role.company].fails is not None):
        return False
    for move in role.next:
        if move.after is None or move.per_year is not None:
            return False
        fixed = move.chance.expr.as_dist()
        if isinstance(fixed, Constant) and fixed.value >= 1.0:
            return False
    return True
