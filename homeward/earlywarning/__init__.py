"""Early warning on monthly counts (issue 16): the improved Farrington algorithm.

Django-free (NumPy, SciPy, ``statsmodels``): an import-linter contract keeps Django and the
apps out. The ``analysis`` app reads its rollups, calls :func:`detect` / :func:`assess` per
district and figure, and stores the warnings.

Modules
-------
farrington
    :class:`FarringtonParams`, :class:`Assessment`, :func:`assess`, :func:`assess_many`
    (many months at once, same results), :func:`detect` (a unit's whole series).
series
    Reading ``unit, period, count`` CSV series and writing alarms (the CLI's I/O).
simulate
    A seeded simulator of monthly series with injected outbreaks (Noufaily et al. 2013 style).
"""

from .farrington import (
    ENGINE_VERSION,
    Assessment,
    FarringtonParams,
    assess,
    assess_many,
    detect,
)

__all__ = ["ENGINE_VERSION", "Assessment", "FarringtonParams", "assess", "assess_many", "detect"]
