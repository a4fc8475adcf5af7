"""The two-option model of ``models/two_options.yaml`` in squigglepy 0.30, two ways.

* Model-function style, as squigglepy's README writes models: distributions are built once
  (``sq.to``, ``sq.bernoulli``), a plain Python function draws one future with
  ``sq.sample(dist)`` and ``sq.sample(fn, n=N)`` calls it N times.
* Array style: ``sq.sample(dist, n=N)`` returns NumPy arrays, combined with NumPy over a
  loop of years.

``sq.to(lo, hi)`` is a lognormal with 90% in [lo, hi] when lo > 0, the same fit as the
engine's ``lo to hi``. Both return an (N, 2) array: the NPVs of stay and switch.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]

HORIZON = 10
FACTORS = [(1.05) ** -t for t in range(HORIZON)]


def _dists(sq: Any) -> dict[str, Any]:
    return {"salary": sq.to(90e3, 110e3), "raise": sq.to(0.02, 0.05), "after": sq.to(2, 4),
            "layoff": sq.bernoulli(0.10), "promotion": sq.bernoulli(0.5)}


def model_function(sq: Any) -> Any:
    """A squigglepy model function: one future of both options per call."""
    d = _dists(sq)

    def one_future() -> tuple[float, float]:
        salary, growth = sq.sample(d["salary"]), 1.0 + sq.sample(d["raise"])
        years = max(1, round(sq.sample(d["after"])))
        stay_base, switch_base = salary, salary * 0.8
        in_job, junior = True, True
        stay = switch = 0.0
        for t in range(HORIZON):
            stay += stay_base * FACTORS[t]
            switch += switch_base * FACTORS[t]
            if t + 1 == HORIZON:
                break
            if in_job and sq.sample(d["layoff"]):
                in_job, stay_base = False, stay_base * 0.8
            else:
                stay_base *= growth
            if junior and t + 1 == years and sq.sample(d["promotion"]):
                junior, switch_base = False, switch_base * 1.5
            else:
                switch_base *= growth
        return stay, switch

    return one_future


def sample_model_function(sq: Any, n: int, seed: int) -> FloatArray:
    """``sq.sample(model, n=n)``: the NPVs of (stay, switch) for n futures."""
    sq.set_seed(seed)
    return np.asarray(sq.sample(model_function(sq), n=n, verbose=False), dtype=np.float64)


def sample_arrays(sq: Any, n: int, seed: int) -> FloatArray:
    """Vectorised: squigglepy arrays for every random input, combined with NumPy."""
    sq.set_seed(seed)
    d = _dists(sq)
    salary = sq.sample(d["salary"], n=n, verbose=False)
    growth = 1.0 + sq.sample(d["raise"], n=n, verbose=False)
    years = np.maximum(1.0, np.rint(sq.sample(d["after"], n=n, verbose=False)))
    stay_base, switch_base = salary.copy(), salary * 0.8
    in_job, junior = np.ones(n, dtype=bool), np.ones(n, dtype=bool)
    stay, switch = stay_base * FACTORS[0], switch_base * FACTORS[0]
    for t in range(HORIZON - 1):
        laid_off = in_job & (sq.sample(d["layoff"], n=n, verbose=False) == 1)
        promoted = junior & (years == t + 1) & (sq.sample(d["promotion"], n=n, verbose=False) == 1)
        in_job &= ~laid_off
        junior &= ~promoted
        stay_base = np.where(laid_off, stay_base * 0.8, stay_base * growth)
        switch_base = np.where(promoted, switch_base * 1.5, switch_base * growth)
        stay += stay_base * FACTORS[t + 1]
        switch += switch_base * FACTORS[t + 1]
    return np.column_stack([stay, switch])
