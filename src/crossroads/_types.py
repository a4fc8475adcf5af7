"""Array aliases shared across the package.

Shape contract, stated once and kept everywhere:

* a per-draw quantity has shape ``(n,)``; one that changes by year has ``(n, horizon)``;
* simulated outcomes have shape ``(n_options, n, horizon)``;
* values per option and draw, the input of every analysis, have shape ``(n_options, n)``.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

__all__ = ["BoolArray", "FloatArray", "IntArray"]
