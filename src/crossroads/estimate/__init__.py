"""The estimate language: distributions, ``a to b`` fitting and the safe expression compiler.

Pure code (NumPy and SciPy only). See docs/estimates.md for the language reference.
"""

from crossroads.estimate.dists import (
    Bernoulli,
    Beta,
    Constant,
    Dist,
    Empirical,
    FlooredNormal,
    LogNormal,
    Mixture,
    Normal,
    Pert,
    Triangular,
    Uniform,
    fit_range,
)
from crossroads.estimate.expr import (
    FUNCTIONS,
    Compiled,
    ExprError,
    RandomNode,
    compile_estimate,
)

__all__ = [
    "FUNCTIONS",
    "Bernoulli",
    "Beta",
    "Compiled",
    "Constant",
    "Dist",
    "Empirical",
    "FlooredNormal",
    "ExprError",
    "LogNormal",
    "Mixture",
    "Normal",
    "Pert",
    "RandomNode",
    "Triangular",
    "Uniform",
    "compile_estimate",
    "fit_range",
]
