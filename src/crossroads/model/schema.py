"""The decision file's schema: what keys exist, their types and their defaults.

Pydantic sits here, at the file boundary only; the rest of the package works on the
compiled :class:`~crossroads.model.compile.Model`. Numeric fields that may be uncertain are
kept as raw estimate text (:data:`Estimate`) and compiled later, so that an expression error
can point at its own line and column. ``crossroads schema`` exports this as JSON Schema for
editors.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from crossroads.model.money_schema import (
    RetirementField,
    TaxField,
    Terminal,
    currency_in_amounts,
)

#: A number, a percentage, ``a to b``, a distribution call or an expression (docs/estimates.md).
Estimate = Annotated[
    str | float | int,
    Field(
        description=(
            "A number (100_000, 160k, 1.2M, 40L, 1.2 crore, 5%), a 90% interval `a to b`, a "
            "distribution such as pert(5, 8, 9), or an arithmetic expression over params."
        ),
    ),
]

#: Keys that were renamed or removed, with the error that names the replacement.
OBSOLETE_KEYS: dict[str, str] = {
    "simulations": "`simulations` was renamed `samples`",
    "discount_rate": "`discount_rate` was renamed `discount`",
    "alternatives": "`alternatives` was renamed `options`",
}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True, defer_build=True)


class Criterion(_Strict):
    """Something that matters besides money, scored per year in each role."""

    label: str | None = None
    worth: Estimate | None = Field(
        None, description="Money per point per year; leaves the criterion out of value if unset."
    )
    scale: tuple[float, float] = Field((0.0, 10.0), description="[worst, best] score range.")
    better: Literal["higher", "lower"] = "higher"
    default: Estimate | None = Field(
        None, description="Score for roles that do not name this criterion."
    )

    @field_validator("scale")
    @classmethod
    def _scale_increases(cls, v: tuple[float, float]) -> tuple[float, float]:
        if not v[0] < v[1]:
            raise ValueError(f"scale must be [low, high] with low < high, got {list(v)}")
        return v


class Weights(_Strict):
    """Constraints on the SMAA weights; none means uniform on the simplex."""

    order: list[str] | None = Field(None, description="Criteria from most to least important.")
    intervals: dict[str, tuple[float, float]] | None = Field(
        None, description="Bounds on a criterion's weight, as fractions or percentages."
    )
    money_scale: tuple[float, float] | None = Field(
        None, description="The NPVs SMAA counts as 0 and 1 for money; default: the 5th to "
        "95th percentiles of NPV over the options in contention.")

    @field_validator("money_scale", mode="before")
    @classmethod
    def _money_text(cls, v: Any) -> Any:
        return [_as_number(x) if isinstance(x, str) else x for x in v] if isinstance(
            v, list) else v

    @field_validator("money_scale")
    @classmethod
    def _scale_increases(cls, v: tuple[float, float] | None) -> tuple[float, float] | None:
        if v is not None and not v[0] < v[1]:
            raise ValueError(f"money_scale must be [low, high] with low < high, got {list(v)}")
        return v

    @field_validator("intervals", mode="before")
    @classmethod
    def _percentages(cls, v: Any) -> Any:
        if isinstance(v, dict):
            return {k: [_as_fraction(x) for x in b] if isinstance(b, list) else b
                    for k, b in v.items()}
        return v


class Equity(_Strict):
    """A grant of shares or options; when they pay is the company's fate (docs/simulation.md)."""

    grant: Estimate = Field(description="Value of the whole grant at the grant price.")
    vest_years: int = Field(4, ge=1, le=20)
    cliff: int = Field(0, ge=0, le=20, description="Years before anything vests.")
    schedule: list[float] | None = Field(
        None, description="Share vesting in each year of tenure, e.g. [5%, 15%, 40%, 40%]."
    )
    refresh: Estimate | None = Field(
        None, description="A further grant of this value at the start of each year in the "
        "role after the first (refresh grants)."
    )
    refresh_schedule: list[float] | None = Field(
        None, description="Share of each refresh grant vesting in each year after it is "
        "granted; default equal parts over vest_years, no cliff."
    )

    @model_validator(mode="before")
    @classmethod
    def _moved_to_company(cls, data: Any) -> Any:
        # liquidity, multiple and exit are the company's fate since issue 13: one fate per
        # employment, shared by every grant at that company
        if isinstance(data, dict):
            for key in ("liquidity", "multiple", "exit"):
                if key in data:
                    raise ValueError(
                        f"`{key}` moved from `equity` to the company: write it under the "
                        f"option's `companies: {{NAME: {{...}}}}` ({_COMPANY_KEYS[key]}) and "
                        "give the role `company: NAME`")
        return data

    @field_validator("schedule", "refresh_schedule", mode="before")
    @classmethod
    def _percentages(cls, v: Any) -> Any:
        if isinstance(v, list):
            return [_as_fraction(x) for x in v]
        return v


#: Where each moved equity key went (the error names it).
_COMPANY_KEYS = {
    "liquidity": "`exit: 25%` is the chance of an exit, `shares: public` for listed shares",
    "multiple": "`multiple:` is the value at the exit over the grant value",
    "exit": "`exit_after:` is the exit's year counted from joining",
}


class Company(_Strict):
    """An employer's fate, drawn afresh for each employment there (docs/simulation.md)."""

    shares: Literal["private", "public"] = Field(
        "private", description="`public`: listed shares, every grant pays as it vests.")
    fails: Estimate | None = Field(
        None, description="Yearly chance the company shuts down while it has not exited."
    )
    on_failure: str | None = Field(None, description="The role a failure moves the draw to.")
    exit: Estimate = Field(
        0, description="Chance of an exit (IPO or acquisition), unless it fails first."
    )
    exit_after: Estimate | None = Field(
        None, description="Years from joining to the exit (default: uniform over the horizon)."
    )
    multiple: Estimate = Field(1.0, description="Share value at the exit over the grant value.")
    unvested: Literal["accelerate", "keep", "forfeit"] = Field(
        "keep", description="What an exit does to shares not yet vested."
    )

    @model_validator(mode="after")
    def _public_is_liquid(self) -> Company:
        if self.shares == "public" and (self.fails is not None or self.exit != 0
                            or self.exit_after is not None):
            raise ValueError("a public company has no exit or failure to draw: drop "
                             "`fails`, `exit` and `exit_after`, or `shares: public`")
        if (self.fails is None) != (self.on_failure is None):
            raise ValueError("`fails` and `on_failure` go together: the yearly chance of a "
                             "shutdown and the role it sends the draw to")
        return self


class Transition(_Strict):
    """A move to another role: once after a time, as a yearly hazard, or both (retrying)."""

    to: str
    after: Estimate | None = Field(
        None, description="Years in the role before the move (or before it is first tried)."
    )
    chance: Estimate | None = Field(
        None, description="Probability the one-shot `after` move happens (default 100%)."
    )
    per_year: Estimate | None = Field(
        None, description="Yearly probability of the move (from `after` years on, if given)."
    )

    @model_validator(mode="after")
    def _one_timing(self) -> Transition:
        if self.after is None and self.per_year is None:
            raise ValueError("a move needs `after`, `per_year` or both")
        if self.chance is not None and self.per_year is not None:
            raise ValueError("`chance` is for a one-shot `after` move; with `per_year` the "
                             "move is tried every year: drop `chance`")
        if self.chance is not None and self.after is None:
            raise ValueError("`chance` needs `after`: write `per_year` for a yearly hazard")
        return self


class Role(_Strict):
    """A state a path can be in: pay, what it is like, what it leads to."""

    label: str | None = None
    company: str | None = Field(
        None, description="The employer: roles naming the same company are one employment "
        "(default: the role's own name).")
    same_as: str | None = Field(
        None, description="`<option>.<role>` at the same employer: this role's uncertain "
        "terms, moves and company's fate are drawn from that role's random numbers.")
    cash: Estimate = Field(0, description="Annual base cash when the role starts.")
    raise_: Estimate = Field(0, alias="raise", description="Yearly growth while in the role.")
    bonus: Estimate = Field(0, description="Yearly bonus as a share of base cash.")
    equity: Equity | None = None
    criteria: dict[str, Estimate] = Field(default_factory=dict)
    practice: dict[str, Estimate] = Field(default_factory=dict)
    mentor: Estimate = Field(0, description="Share of the year spent learning from seniors.")
    next: list[Transition] = Field(default_factory=list)
    currency: str | None = Field(None, pattern=r"^[A-Z]{3}$",
                                 description="Currency of this role's pay (docs/money.md).")
    tax: TaxField = None
    retirement: RetirementField = None
    terminal: Estimate | None = Field(
        None, description="Value of standing in this role at the horizon (docs/money.md).")

    @model_validator(mode="before")
    @classmethod
    def _currency_in_amounts(cls, data: Any) -> Any:
        return currency_in_amounts(data)   # `cash: SGD 250k` (docs/money.md)


class CashFlow(_Strict):
    """A one-off amount in a given year (signing bonus, tuition, a sabbatical's cost)."""

    year: int = Field(ge=0)
    amount: Estimate
    label: str | None = None


class Reference(_Strict):
    """A market reference class to set the option's cash against."""

    title: str | None = None
    family: str | None = None
    level: Literal["EN", "MI", "SE", "EX"] | None = None
    country: str | None = None


class Option(_Strict):
    """One path: the roles it can pass through and where it starts."""

    label: str | None = None
    start: str | None = None
    roles: dict[str, Role] = Field(min_length=1)
    companies: dict[str, Company] = Field(
        default_factory=dict, description="Employers' fates, by the name roles give as "
        "`company`.")
    cash_flows: list[CashFlow] = Field(default_factory=list)
    reference: Reference | None = None
    note: str | None = None
    currency: str | None = Field(None, pattern=r"^[A-Z]{3}$",
                                 description="Currency of this option's pay (docs/money.md).")
    tax: TaxField = None


class Skill(_Strict):
    """A skill's standing now and how it moves (docs/skills.md)."""

    now: Estimate = Field(description="Percentile among peers now, e.g. 75%.")
    half_life: Estimate | None = Field(None, description="Years for unpractised standing to halve.")
    years_to_top_quartile: Estimate | None = None
    mentor_speedup: Estimate = 1.0


class Skills(_Strict):
    """The skills block: named skills plus two reserved keys."""

    skills: dict[str, Skill] = Field(default_factory=dict)
    correlation: float | list[list[float]] = 0.0
    intersection: list[str] = Field(default_factory=list)

    @model_validator(mode="before")
    @classmethod
    def _split_reserved(cls, data: Any) -> Any:
        # The file writes skills and the two reserved keys side by side.
        if not isinstance(data, dict) or "skills" in data:
            return data
        reserved = {k: data[k] for k in ("correlation", "intersection") if k in data}
        rest = {k: v for k, v in data.items() if k not in reserved}
        return {**reserved, "skills": rest}


class Research(_Strict):
    """How `research(...)` params weight the people you talked to."""

    weighting: Literal["experience", "equal"] = "experience"
    cap: float = Field(20.0, gt=0, description="Years of experience beyond which weight is flat.")


class Decision(_Strict):
    """A whole decision file (docs/decision-file.md)."""

    version: Literal[1] = 1
    decision: str = Field(min_length=1, description="The question, as a title.")
    currency: str = Field("USD", pattern=r"^[A-Z]{3}$")
    horizon: int = Field(10, ge=1, le=60, description="Years simulated; year 0 is the first.")
    discount: float = Field(0.0, ge=0.0, lt=1.0, description="Annual discount rate.")
    samples: Annotated[int, Field(ge=1)] | Literal["auto"] = Field(
        100_000, description="Monte Carlo draws, or `auto`: as many as the stated precision "
        "needs (docs/performance.md).")
    seed: int = Field(0, ge=0, description="Same file and seed give identical numbers.")
    baseline: str | None = None
    views: list[int] = Field(default_factory=list, description="Extra horizons to report.")
    params: dict[str, Estimate] = Field(default_factory=dict)
    correlations: list[tuple[str, str, float]] = Field(default_factory=list)
    criteria: dict[str, Criterion] = Field(default_factory=dict)
    weights: Weights | None = None
    options: dict[str, Option] = Field(min_length=1)
    skills: Skills = Field(default_factory=Skills)
    research: Research = Field(default_factory=Research)
    inflation: Estimate | dict[str, Estimate] | None = Field(
        None, description="Yearly inflation taken out of nominal pay (money is in today's "
        "money): one estimate, or one per currency such as {INR: 5%, SGD: 2.5%}.")
    raises: Literal["nominal", "real"] = Field(
        "nominal", description="Whether raises and amounts include inflation.")
    tax: TaxField = None
    fx: dict[str, Estimate] = Field(
        default_factory=dict, description="One unit of each other currency in the "
        "decision's currency.")
    fx_view: Literal["market", "ppp"] = Field(
        "market", description="`ppp` to convert at purchasing-power parities: your `fx` "
        "rates, else the shipped World Bank PPP conversion factors for 2023.")
    terminal: Terminal | None = None

    @field_validator("discount", mode="before")
    @classmethod
    def _discount_percent(cls, v: Any) -> Any:
        return _as_fraction(v)

    @field_validator("samples", "seed", mode="before")
    @classmethod
    def _integer_text(cls, v: Any) -> Any:
        return _as_number(v) if isinstance(v, str) else v


def _as_number(v: str) -> float | int | str:
    """Plain numbers written with `_`, `k` or `M`, for fields that take no estimate."""
    text = v.strip().replace("_", "")
    scale = {"k": 1e3, "M": 1e6}.get(text[-1:], 1.0)
    body = text[:-1] if scale != 1.0 else text
    try:
        number = float(body) * scale
    except ValueError:
        return v
    return int(number) if number.is_integer() else number


def _as_fraction(v: Any) -> Any:
    """`5%` and 0.05 both mean five percent."""
    if isinstance(v, str) and v.strip().endswith("%"):
        try:
            return float(v.strip()[:-1].replace("_", "")) / 100.0
        except ValueError:
            return v
    return v
