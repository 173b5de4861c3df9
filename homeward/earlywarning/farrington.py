"""The improved Farrington algorithm (Noufaily et al. 2013) for monthly counts.

Reference: Noufaily A, Enki DG, Farrington CP, Garthwaite P, Andrews NJ, Charlett A (2013),
*An improved algorithm for outbreak detection in multiple surveillance systems*, Statistics in
Medicine 32:1206-1222; and ``farringtonFlexible`` of the R package ``surveillance`` (Salmon,
Schumacher, Höhle 2016), whose steps this module follows one by one:

1. Reference data: the months from ``years_back`` years (plus ``window`` months) before the
   month assessed up to the month before it, without the last ``past_periods_excluded``
   months (an emerging outbreak must not raise its own baseline).
2. A seasonal factor with ``n_levels`` levels: the ``2 * window + 1`` months around the same
   month of each past year form one level (the level of the month assessed); the months
   between two such windows are split into ``n_levels - 1`` consecutive blocks (the first
   blocks take the remainder), the same blocks in every year.
3. A quasi-Poisson GLM (log link) with intercept, linear trend and the seasonal factor, fitted
   by ``statsmodels``; the dispersion is the Pearson statistic over the residual degrees of
   freedom, floored at 1.
4. Reweighting: standardised Anscombe residuals ``s_i`` of the first fit; months with
   ``s_i > 2.58`` (past outbreaks) get the weight ``s_i ** -2``, the weights are rescaled to
   sum to the number of months and the model is refitted with them (prior weights); the
   dispersion is estimated again.
5. The trend stays only if its coefficient is significant at 5% (t test with the quasi
   dispersion, as R's ``summary.glm``) - and, with ``trend_no_extrapolation`` (off by default
   since ``farrington-monthly/2``), if the trend model's prediction for the month does not
   exceed the largest count of the reference data; otherwise the whole fit (with reweighting)
   is repeated without it.
6. Threshold: the ``1 - alpha`` quantile of a negative binomial with variance ``phi * mu``
   (Poisson if ``phi == 1``) at ``mu = exp(eta0 + z * se(eta0))``, the upper ``1 - 2 alpha``
   quantile of the estimated mean (``thresholdMethod = "muan"``, the default since
   ``farrington-monthly/2``), or at the fitted mean ``mu0`` itself (``"nbPlugin"``, the
   default of ``farrington-monthly/1``); see ``FarringtonParams.threshold_method``.
7. An alarm needs ``observed > threshold`` and at least ``min_recent_cases`` cases in the
   last ``recent_periods`` months including the month assessed (``limit54``).

Fallbacks, so that :func:`assess` never raises on data (documented in the README):

* all-zero reference data: ``expected = 0``, ``dispersion = 1``, ``threshold = 0``; an alarm
  then needs only the ``limit54`` rule (at least 5 cases in the last 4 months, this month
  included) - a district with no history of a figure that suddenly sees 5 cases is flagged;
* too little reference data for the GLM (fewer months than parameters + 2, or no month in the
  level of the month assessed): the seasonal factor is dropped, then the trend; with fewer than
  3 months the mean of what there is (or zero) with dispersion 1 is used (``model = "mean"``);
* no convergence (or a non-finite fit): without trend, then without the seasonal factor, then
  the weighted mean of the reference months with the Pearson dispersion (``model = "mean"``).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy import special, stats

ENGINE_VERSION = "farrington-monthly/2"

FloatArray = npt.NDArray[np.float64]

MONTHS_PER_YEAR = 12
# Past outbreaks: Anscombe residuals above this are down-weighted (Noufaily et al. 2013).
REWEIGHT_THRESHOLD = 2.58
# Largest linear predictor we exponentiate (exp(700) ~ 1e304).
_MAX_ETA = 700.0
# IRLS iterations and relative deviance tolerance (R's glm.control: 25 and 1e-8).
_MAX_ITERATIONS = 25
_TOLERANCE = 1e-8
FITTERS = ("numpy", "statsmodels")
# Thresholds of surveillance's farringtonFlexible (Noufaily et al. 2013): "nbPlugin" plugs the
# fitted mean into the negative binomial; "muan" first moves the mean to the upper quantile of
# its estimate (asymptotic normality of the linear predictor); "predictive" widens the negative
# binomial by the variance of the estimated mean (Farrington et al. 1996), see threshold_method.
THRESHOLD_METHODS = ("nbPlugin", "muan", "predictive")
# Above this mean the threshold is the normal approximation (exact quantiles stall).
_NORMAL_APPROXIMATION_ABOVE = 1e12
# Fewer reference months than this: the mean of the whole history instead of the GLM.
_MIN_REFERENCE_MONTHS = 3


@dataclass(frozen=True)
class FarringtonParams:
    """Parameters of the monthly improved Farrington algorithm.

    Defaults (``farrington-monthly/2``): a month-of-year factor (w = 0, 12 levels: Noufaily's
    weekly 7-week window and 5-week blocks resolve the season to about a month) over b = 7
    years, the last 3 months left out, surveillance's ``"muan"`` threshold, which widens it
    by the estimation error of the month's mean (7 values of the same month), and no
    trend-extrapolation check (see ``trend_no_extrapolation``). alpha = 0.035 is calibrated
    on the tuning seed (1) of ``bench/earlywarning_bench.py``: the largest alpha measured
    (0.025, 0.035, 0.045) whose false alarms stay under 1 % pooled and at every count level
    (1, 5, 20, 100 a month). With muan ``alpha`` is not the false-alarm rate (0.85 % there);
    the previous defaults were b = 5, w = 1, 4 levels, ``"nbPlugin"``, alpha = 0.008, with
    the check. See docs/performance.md for the rates on the report seed.

    years_back
        b: how many past years of the same season enter the reference data.
    window
        w: half-width (months) of the window around the same month of each past year.
    n_levels
        Levels of the seasonal factor: 1 for the window, ``n_levels - 1`` blocks for the
        ``12 - (2w + 1)`` months between windows (w = 1, 4 levels: three blocks of 3 months).
    alpha
        The threshold is the ``1 - alpha`` quantile of the predictive negative binomial.
    reweight, reweight_threshold
        Down-weight past outbreaks: months whose standardised Anscombe residual exceeds
        ``reweight_threshold`` (Noufaily et al.: 2.58; Farrington et al. 1996: 1; the
        ``weightsThreshold`` of surveillance's ``farringtonFlexible``).
    trend
        Try a linear trend (kept only if significant and not extrapolating).
    past_periods_excluded
        The last months before the month assessed left out of the reference data.
    min_history
        :func:`detect` assesses a month only with at least this many earlier months.
    trend_p_value
        Significance level for keeping the trend.
    trend_no_extrapolation
        Drop the trend when its prediction exceeds the largest reference count (Farrington
        et al. 1996; surveillance). Off by default: with a month-of-year factor and a growing
        series every seasonal peak exceeds the earlier ones, so the check drops a real trend
        exactly there and the peak month false-alarms (worst simulated scenario on the tuning
        seed at alpha 0.025: 2.6 % with the check, 1.2 % without); the 5 % test stays.
    min_recent_cases, recent_periods
        No alarm with fewer than ``min_recent_cases`` cases in the last ``recent_periods``
        months including the month assessed (surveillance's ``limit54 = c(5, 4)``).
    fitter
        ``"numpy"`` (IRLS in NumPy, the default for speed) or ``"statsmodels"`` (its ``GLM``
        with the Poisson family); the tests hold the two to the same fit.
    fine_season_from, fine_season_alpha
        Seasonal resolution by count level: when the mean of the reference months (the
        shape above) is at least ``fine_season_from`` (> 0), the month is assessed with a
        month-of-year factor instead (w = 0, 12 levels: enough data per level at high
        counts to follow a sharp seasonal peak) at ``fine_season_alpha`` (``alpha`` if
        None); ``Assessment.model`` is then ``"glm-month-of-year"``. 0 = off.
    threshold_method
        ``"nbPlugin"``: the ``1 - alpha`` quantile of the negative binomial with the fitted mean
        ``mu0`` and dispersion ``phi``. ``"muan"``: the same quantile at ``exp(eta0 + z * se)``
        instead of ``mu0``, ``eta0 = log(mu0)`` the linear predictor, ``se`` its standard error
        (quasi-Poisson covariance with the unfloored dispersion, as R's ``predict.glm``) and
        ``z`` the ``1 - 2 alpha`` normal quantile: surveillance's ``farringtonFlexible`` with
        ``thresholdMethod = "muan"`` and ``alpha = 2 * alpha`` (it takes the ``1 - alpha/2``
        quantile of the negative binomial and the ``1 - alpha`` quantile of ``eta0``). It
        raises the threshold where the mean is poorly estimated (few reference months, many
        parameters), so it needs a larger ``alpha`` for the same false-alarm rate.
        ``"predictive"``: the negative binomial with mean ``mu0`` and the variance of the
        prediction error, ``phi * mu0 + Var(mu0_hat)`` with ``Var(mu0_hat) = mu0**2 * se**2``
        (delta method), i.e. dispersion ``tau = phi + mu0 * se**2``: the variance of the
        original Farrington et al. (1996) threshold (surveillance's ``"delta"``, there with a
        2/3-power normal approximation) under Noufaily's negative binomial quantile.
    """

    years_back: int = 7
    window: int = 0
    n_levels: int = 12
    alpha: float = 0.035
    reweight: bool = True
    trend: bool = True
    past_periods_excluded: int = 3
    min_history: int = 36
    trend_p_value: float = 0.05
    min_recent_cases: int = 5
    recent_periods: int = 4
    fitter: str = "numpy"
    fine_season_from: float = 0.0
    fine_season_alpha: float | None = None
    threshold_method: str = "muan"
    reweight_threshold: float = REWEIGHT_THRESHOLD
    trend_no_extrapolation: bool = False

    def __post_init__(self) -> None:
        if self.years_back < 1:
            raise ValueError("years_back must be at least 1")
        if not 0 <= self.window <= 5:
            raise ValueError("window must be between 0 and 5 months")
        between = MONTHS_PER_YEAR - (2 * self.window + 1)
        if not 1 <= self.n_levels <= between + 1:
            raise ValueError(
                f"n_levels must be between 1 and {between + 1} for window {self.window}"
            )
        if not 0.0 < self.alpha < 0.5:
            raise ValueError("alpha must be in (0, 0.5)")
        if self.past_periods_excluded < 0:
            raise ValueError("past_periods_excluded must be >= 0")
        if self.past_periods_excluded >= MONTHS_PER_YEAR - self.window:
            raise ValueError("past_periods_excluded must leave last year's window in the data")
        if self.min_history < 1:
            raise ValueError("min_history must be at least 1")
        if self.recent_periods < 1 or self.min_recent_cases < 0:
            raise ValueError("recent_periods must be >= 1 and min_recent_cases >= 0")
        if self.fitter not in FITTERS:
            raise ValueError(f"fitter must be one of {FITTERS}")
        if not self.reweight_threshold > 0:
            raise ValueError("reweight_threshold must be positive")
        if self.threshold_method not in THRESHOLD_METHODS:
            raise ValueError(f"threshold_method must be one of {THRESHOLD_METHODS}")
        if self.fine_season_from < 0:
            raise ValueError("fine_season_from must be >= 0 (0 = off)")
        if self.fine_season_alpha is not None and not 0.0 < self.fine_season_alpha < 0.5:
            raise ValueError("fine_season_alpha must be in (0, 0.5)")
        if self.fine_season_from > 0 and self.past_periods_excluded >= MONTHS_PER_YEAR:
            raise ValueError("past_periods_excluded must leave last year's month in the data")

    def month_of_year(self) -> FarringtonParams:
        """The parameters of the month-of-year factor used at high counts."""
        alpha = self.alpha if self.fine_season_alpha is None else self.fine_season_alpha
        return replace(self, window=0, n_levels=12, alpha=alpha, fine_season_from=0.0)

    def uses_month_of_year(self, history: FloatArray) -> bool:
        """Whether a month with this history is assessed with the month-of-year factor."""
        if self.fine_season_from <= 0:
            return False
        indices, _ = seasonal_levels(len(history), self)
        if len(indices) < MONTHS_PER_YEAR:
            return False
        return float(np.mean(history[indices])) >= self.fine_season_from

    def as_dict(self) -> dict[str, Any]:
        """The parameters as plain values (provenance of stored warnings)."""
        return asdict(self)


@dataclass(frozen=True)
class Assessment:
    """The assessment of one month.

    expected
        Fitted mean count for the month (``mu0``).
    threshold
        Upper threshold: the ``1 - alpha`` quantile of the predictive distribution (an integer
        count, as a float); ``observed > threshold`` is an exceedance.
    observed
        The month's count.
    alarm
        Exceedance and at least ``min_recent_cases`` in the last ``recent_periods`` months.
    trend_used
        The final model kept the linear trend.
    dispersion
        The quasi-Poisson dispersion ``phi`` (>= 1).
    score
        ``(observed - expected) / (threshold - expected)`` (> 1 means above the threshold);
        when the threshold does not exceed the expected count, ``observed - expected``.
    model
        ``"glm"`` (seasonal GLM), ``"glm-month-of-year"`` (the same with a month-of-year factor,
        see ``fine_season_from``), ``"glm-no-season"``, ``"mean"`` (fallback) or ``"zero"``
        (all-zero reference data).
    reference_months
        Number of months in the reference data.
    """

    expected: float
    threshold: float
    observed: int
    alarm: bool
    trend_used: bool
    dispersion: float
    score: float
    model: str = "glm"
    reference_months: int = 0


DEFAULT_PARAMS = FarringtonParams()


# --------------------------------------------------------------------------- reference data


def seasonal_levels(history_length: int, params: FarringtonParams) -> tuple[list[int], list[int]]:
    """Reference months and their seasonal level for the month after ``history_length`` months.

    Returns ``(indices, levels)``: indices into the history (oldest first), level 0 for the
    window around the same month of a past year (the level of the month assessed), levels
    ``1 .. n_levels - 1`` for the blocks between windows (1 = the oldest block of a year).
    With ``n_levels == 1`` only the windows are used (the original Farrington reference data).

    >>> shape = FarringtonParams(years_back=1, window=1, n_levels=4, past_periods_excluded=0)
    >>> idx, lev = seasonal_levels(48, shape)
    >>> list(zip(idx, lev))[:4]
    [(35, 0), (36, 0), (37, 0), (38, 1)]
    """
    now = history_length  # index of the month assessed
    window = params.window
    between = MONTHS_PER_YEAR - (2 * window + 1)
    n_blocks = params.n_levels - 1
    if n_blocks > 0:
        base, rest = divmod(between, n_blocks)
        lengths = [base + 1 if block < rest else base for block in range(n_blocks)]
        block_of_position: list[int] = []
        for block, length in enumerate(lengths, start=1):
            block_of_position.extend([block] * length)
    oldest = now - MONTHS_PER_YEAR * params.years_back - window
    last = now - 1 - params.past_periods_excluded
    indices: list[int] = []
    levels: list[int] = []
    for index in range(max(0, oldest), last + 1):
        back = now - index  # months before the month assessed, >= 1
        offset = back % MONTHS_PER_YEAR
        if offset <= window or offset >= MONTHS_PER_YEAR - window:
            level = 0
        elif n_blocks == 0:
            continue
        else:
            # Position counted from the older window's end: back = 12(j+1) - w - 1 is 0.
            position = (MONTHS_PER_YEAR - window - 1) - offset
            level = block_of_position[position]
        indices.append(index)
        levels.append(level)
    return indices, levels


# --------------------------------------------------------------------------- the GLM


@dataclass(frozen=True)
class _Fit:
    mu: FloatArray  # fitted means of the reference months
    eta0: float  # linear predictor of the month assessed
    phi: float  # dispersion floored at 1
    trend_p: float  # p-value of the trend (1.0 without trend)
    trend_coef: float
    se_eta0: float  # standard error of eta0 (quasi-Poisson, unfloored dispersion)


def _design(levels: Sequence[int], times: FloatArray, trend: bool, season: bool) -> FloatArray:
    columns = [np.ones(len(levels))]
    if trend:
        columns.append(times)
    if season:
        # Level 0 (the window of the month assessed) is the baseline, so the prediction
        # for the month is the intercept (plus trend * 0).
        level_array = np.asarray(levels)
        for level in sorted(set(levels) - {0}):
            columns.append((level_array == level).astype(np.float64))
    return np.column_stack(columns)


def _pearson_dispersion(y: FloatArray, mu: FloatArray, weights: FloatArray, rank: int) -> float:
    df = len(y) - rank
    if df <= 0:
        return 1.0
    safe_mu = np.maximum(mu, 1e-300)
    # ((y - mu) / sqrt(mu)) ** 2 rather than (y - mu) ** 2 / mu: no overflow at huge counts.
    with np.errstate(over="ignore", invalid="ignore"):
        value = float(np.sum(weights * ((y - mu) / np.sqrt(safe_mu)) ** 2) / df)
    return value if math.isfinite(value) else 1.0


def _glm_statsmodels(
    y: FloatArray, x: FloatArray, weights: FloatArray
) -> tuple[FloatArray, FloatArray] | None:
    """Poisson GLM (log link) with prior weights by ``statsmodels``: ``(params, mu)``."""
    import statsmodels.api as sm  # noqa: PLC0415 - a 3 s import kept off the module import

    model = sm.GLM(y, x, family=sm.families.Poisson(), var_weights=weights)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            result = model.fit(method="IRLS", maxiter=_MAX_ITERATIONS, tol=_TOLERANCE)
        except (ValueError, np.linalg.LinAlgError, FloatingPointError):
            return None
    converged = bool(getattr(result, "converged", True))
    params = np.asarray(result.params, dtype=np.float64)
    mu = np.asarray(result.fittedvalues, dtype=np.float64)
    if not converged or not np.all(np.isfinite(params)) or not np.all(np.isfinite(mu)):
        return None
    return params, mu


def _poisson_deviance(y: FloatArray, mu: FloatArray, weights: FloatArray) -> float:
    # y * log(y / mu) with 0 for y == 0 (xlogy), mu > 0 here.
    term = special.xlogy(y, y) - special.xlogy(y, mu)
    return float(2.0 * np.sum(weights * (term - (y - mu))))


def _solve(gram: FloatArray, right: FloatArray) -> FloatArray:
    """``gram^-1 right`` for the small symmetric normal equations (pinv if singular)."""
    try:
        return np.asarray(np.linalg.solve(gram, right), dtype=np.float64)
    except np.linalg.LinAlgError:
        return np.asarray(np.linalg.pinv(gram) @ right, dtype=np.float64)


def _glm_numpy(
    y: FloatArray, x: FloatArray, weights: FloatArray
) -> tuple[FloatArray, FloatArray] | None:
    """The same fit by iteratively reweighted least squares in NumPy (R's ``glm.fit``:
    start at ``mu = y + 0.1``, stop when the deviance changes by less than 1e-8 relatively).
    About 20 times faster than building a ``statsmodels`` model for 30-60 months; the tests
    hold it to ``statsmodels`` within 1e-6."""
    mu = y + 0.1
    eta = np.log(mu)
    deviance = _poisson_deviance(y, mu, weights)
    params: npt.NDArray[Any] = np.zeros(x.shape[1])
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        for _ in range(_MAX_ITERATIONS):
            working = weights * mu
            z = eta + (y - mu) / mu
            weighted = x * working[:, None]
            params = _solve(weighted.T @ x, weighted.T @ z)
            new_eta = np.minimum(x @ params, _MAX_ETA)
            step = float(np.max(np.abs(new_eta - eta))) if len(eta) else 0.0
            eta = new_eta
            mu = np.exp(eta)
            new_deviance = _poisson_deviance(y, mu, weights)
            if not math.isfinite(new_deviance):
                return None
            # The deviance criterion, or a fixed point (huge counts: rounding noise in the
            # deviance exceeds its tolerance while the fit no longer moves).
            if (
                abs(new_deviance - deviance) / (abs(new_deviance) + 0.1) < _TOLERANCE
                or step < 1e-10
            ):
                break
            deviance = new_deviance
        else:
            return None
    if not np.all(np.isfinite(params)) or not np.all(np.isfinite(mu)):
        return None
    return np.asarray(params, dtype=np.float64), np.asarray(mu, dtype=np.float64)


def _glm(
    y: FloatArray, x: FloatArray, weights: FloatArray, fitter: str
) -> tuple[FloatArray, FloatArray] | None:
    """Quasi-Poisson fit: ``(params, fitted mu)`` or None without convergence."""
    if fitter == "statsmodels":
        return _glm_statsmodels(y, x, weights)
    return _glm_numpy(y, x, weights)


def _hat_diagonal(x: FloatArray, working_weights: FloatArray) -> FloatArray:
    root = np.sqrt(working_weights)[:, None] * x
    gram = root.T @ root
    inverse = _solve(gram, np.eye(gram.shape[0]))
    return np.asarray(np.einsum("ij,jk,ik->i", root, inverse, root), dtype=np.float64)


def _anscombe_residuals(y: FloatArray, mu: FloatArray, x: FloatArray, phi: float) -> FloatArray:
    safe_mu = np.maximum(mu, 1e-12)
    raw = 1.5 * (np.cbrt(y) ** 2 * safe_mu ** (-1.0 / 6.0) - np.sqrt(safe_mu))
    hat = np.clip(_hat_diagonal(x, safe_mu), 0.0, 1.0 - 1e-8)
    return np.asarray(raw / np.sqrt(phi * (1.0 - hat)), dtype=np.float64)


def outbreak_weights(residuals: FloatArray, threshold: float = REWEIGHT_THRESHOLD) -> FloatArray:
    """Weights ``s ** -2`` above the threshold, 1 below, rescaled to sum to ``len(s)``."""
    high = residuals > threshold
    omega = np.ones(len(residuals), dtype=np.float64)
    omega[high] = residuals[high].astype(np.float64) ** -2.0
    return np.asarray(omega * (len(omega) / omega.sum()), dtype=np.float64)


def _fit_once(
    y: FloatArray,
    x: FloatArray,
    reweight: bool,
    trend_column: int | None,
    fitter: str,
    reweight_threshold: float = REWEIGHT_THRESHOLD,
) -> _Fit | None:
    ones = np.ones(len(y))
    fitted = _glm(y, x, ones, fitter)
    if fitted is None:
        return None
    params, mu = fitted
    rank = x.shape[1]  # full rank: every seasonal column has a month, level 0 is present
    weights = ones
    phi = max(_pearson_dispersion(y, mu, weights, rank), 1.0)
    if reweight:
        residuals = _anscombe_residuals(y, mu, x, phi)
        weights = outbreak_weights(residuals, reweight_threshold)
        fitted = _glm(y, x, weights, fitter)
        if fitted is None:
            return None
        params, mu = fitted
        phi_raw = _pearson_dispersion(y, mu, weights, rank)
        phi = max(phi_raw, 1.0)
    else:
        phi_raw = _pearson_dispersion(y, mu, weights, rank)
    trend_p = 1.0
    trend_coef = 0.0
    df = len(y) - rank
    # R's summary.glm / predict.glm for a quasi family: the unfloored Pearson dispersion.
    root = np.sqrt(weights * mu)[:, None] * x
    covariance = _solve(root.T @ root, np.eye(x.shape[1])) * phi_raw
    se_eta0 = math.sqrt(max(float(covariance[0, 0]), 0.0)) if df > 0 else 0.0
    if not math.isfinite(se_eta0):
        se_eta0 = 0.0
    if trend_column is not None:
        trend_coef = float(params[trend_column])
        if df > 0:
            se = math.sqrt(max(float(covariance[trend_column, trend_column]), 0.0))
            if se > 0:
                # Student t survival function (scipy.special, without stats' overhead).
                trend_p = float(2.0 * special.stdtr(df, -abs(trend_coef / se)))
    eta0 = float(params[0])  # month assessed: level 0, time 0
    if not math.isfinite(eta0):
        return None
    return _Fit(mu=mu, eta0=eta0, phi=phi, trend_p=trend_p, trend_coef=trend_coef, se_eta0=se_eta0)


# --------------------------------------------------------------------------- threshold


def nb_quantile(mean: float, dispersion: float, alpha: float) -> float:
    """The ``1 - alpha`` quantile of a negative binomial with this mean and variance
    ``dispersion * mean`` (Poisson when ``dispersion <= 1``), as surveillance's
    ``qnbinom(1 - alpha, mu0 / (phi - 1), 1 / phi)``.

    >>> nb_quantile(10.0, 1.0, 0.01), nb_quantile(10.0, 3.0, 0.01)
    (18.0, 26.0)
    """
    if mean <= 0.0:
        return 0.0
    if mean > _NORMAL_APPROXIMATION_ABOVE or not math.isfinite(dispersion):
        value = math.nan  # scipy's discrete quantile search stalls at such means
    elif dispersion <= 1.0 + 1e-12:
        value = stats.poisson.ppf(1.0 - alpha, mean)
    else:
        value = stats.nbinom.ppf(1.0 - alpha, mean / (dispersion - 1.0), 1.0 / dispersion)
    value = float(value)
    if not math.isfinite(value):
        # Huge means: the normal approximation of the same distribution.
        z = float(stats.norm.ppf(1.0 - alpha))
        value = mean + z * math.sqrt(dispersion) * math.sqrt(mean)
        value = float(math.ceil(value)) if math.isfinite(value) else float(mean)
    return value


def mean_quantile(expected: float, se_eta0: float, params: FarringtonParams) -> float:
    """The mean the threshold's negative binomial uses: ``expected`` for ``"nbPlugin"``, the
    upper ``1 - 2 alpha`` quantile of its estimate ``exp(eta0 + z * se)`` for ``"muan"``.

    >>> muan = FarringtonParams(threshold_method="muan", alpha=0.025)
    >>> round(mean_quantile(5.0, math.log(2.0), muan), 3)  # exp(log 5 + 1.645 log 2)
    15.636
    """
    if params.threshold_method != "muan" or expected <= 0.0 or se_eta0 <= 0.0:
        return expected
    z = float(special.ndtri(1.0 - 2.0 * params.alpha))
    value = math.exp(min(math.log(expected) + z * se_eta0, _MAX_ETA))
    return value if math.isfinite(value) else expected


def threshold_dispersion(
    expected: float, phi: float, se_eta0: float, params: FarringtonParams
) -> float:
    """The threshold's dispersion: ``phi``, or ``phi + mu0 * se**2`` for ``"predictive"``.

    >>> predictive = FarringtonParams(threshold_method="predictive")
    >>> threshold_dispersion(20.0, 1.5, 0.1, predictive)  # 1.5 + 20 * 0.01
    1.7
    """
    if params.threshold_method != "predictive" or expected <= 0.0:
        return phi
    value = phi + expected * se_eta0**2
    return value if math.isfinite(value) else phi


def threshold(expected: float, phi: float, se_eta0: float, params: FarringtonParams) -> float:
    """The month's upper threshold by ``params.threshold_method`` (see FarringtonParams)."""
    return nb_quantile(
        mean_quantile(expected, se_eta0, params),
        threshold_dispersion(expected, phi, se_eta0, params),
        params.alpha,
    )


def _score(observed: int, expected: float, threshold: float) -> float:
    if threshold > expected:
        return (observed - expected) / (threshold - expected)
    return observed - expected


# --------------------------------------------------------------------------- assess / detect


def _as_counts(values: Sequence[int]) -> FloatArray:
    array = np.asarray(values, dtype=np.float64)
    if array.ndim != 1:
        raise ValueError("history must be one-dimensional")
    if array.size and (not np.all(np.isfinite(array)) or np.any(array < 0)):
        raise ValueError("counts must be finite and non-negative")
    return array


def _mean_model(y: FloatArray, weights: FloatArray | None = None) -> tuple[float, float]:
    if y.size == 0:
        return 0.0, 1.0
    w = np.ones_like(y) if weights is None else weights
    mean = float(np.sum(w * y) / np.sum(w))
    if mean <= 0.0:
        return 0.0, 1.0
    phi = max(_pearson_dispersion(y, np.full_like(y, mean), w, 1), 1.0) if y.size > 1 else 1.0
    return mean, phi


def _mean_se(mean: float, phi: float, n: int) -> float:
    """Standard error of ``log(mean)`` for the mean of ``n`` quasi-Poisson counts."""
    return math.sqrt(phi / (n * mean)) if mean > 0.0 and n > 0 else 0.0


def _fit_reference(
    y: FloatArray, levels: list[int], times: FloatArray, params: FarringtonParams
) -> tuple[float, float, float, bool, str]:
    """``(expected, dispersion, se of log expected, trend_used, model)`` for the reference
    data."""
    n = len(y)
    if n == 0 or not np.any(y > 0):
        return 0.0, 1.0, 0.0, False, "zero"
    n_seasonal = len(set(levels) - {0})
    use_season = params.n_levels > 1 and n_seasonal > 0 and 0 in levels
    attempts: list[tuple[bool, bool]] = []  # (trend, season)
    for season in [True, False] if use_season else [False]:
        parameters = 1 + (n_seasonal if season else 0)
        if params.trend and n >= parameters + 3:
            attempts.append((True, season))
        if n >= parameters + 2:
            attempts.append((False, season))
    y_max = float(y.max())
    for trend, season in attempts:
        x = _design(levels, times, trend, season)
        fit = _fit_once(
            y, x, params.reweight, 1 if trend else None, params.fitter, params.reweight_threshold
        )
        if fit is None:
            continue
        if trend:
            prediction = math.exp(min(fit.eta0, _MAX_ETA))
            keep = (
                params.years_back >= 3
                and fit.trend_p < params.trend_p_value
                and (prediction <= y_max or not params.trend_no_extrapolation)
            )
            if not keep:
                continue  # the next attempt is the same model without trend
        if fit.eta0 > _MAX_ETA:
            continue
        model = "glm" if season else "glm-no-season"
        return math.exp(fit.eta0), fit.phi, fit.se_eta0, trend, model
    mean, phi = _mean_model(y)
    return mean, phi, _mean_se(mean, phi, len(y)), False, "mean"


def assess(
    history: Sequence[int], observed: int, params: FarringtonParams = DEFAULT_PARAMS
) -> Assessment:
    """Assess one month's count against the unit's earlier months.

    Parameters
    ----------
    history : sequence of int, shape (n,)
        The unit's monthly counts before the month, oldest first, consecutive months.
    observed : int
        The month's count.
    params : FarringtonParams

    Returns
    -------
    Assessment

    >>> a = assess([10, 12, 9, 11] * 12, 40)
    >>> a.alarm, round(a.expected, 1), a.threshold
    (True, 10.0, 16.0)
    """
    y_all = _as_counts(history)
    if observed < 0:
        raise ValueError("observed must be non-negative")
    if params.uses_month_of_year(y_all):
        return _month_of_year(assess(history, observed, params.month_of_year()))
    indices, levels = seasonal_levels(len(y_all), params)
    y = y_all[indices] if indices else np.zeros(0)
    times = np.asarray(indices, dtype=np.float64) - len(y_all)
    if len(indices) >= _MIN_REFERENCE_MONTHS or not np.any(y_all > 0):
        expected, phi, se_eta0, trend_used, model = _fit_reference(y, levels, times, params)
    else:
        # Short history: the mean of every earlier month (no reference window yet).
        expected, phi = _mean_model(y_all)
        se_eta0 = _mean_se(expected, phi, len(y_all))
        trend_used, model = False, "mean"
    upper = threshold(expected, phi, se_eta0, params)
    recent_start = max(0, len(y_all) - (params.recent_periods - 1))
    recent = float(np.sum(y_all[recent_start:])) if params.recent_periods > 1 else 0.0
    enough_cases = recent + observed >= params.min_recent_cases
    alarm = bool(enough_cases and observed > 0 and observed > upper)
    return Assessment(
        expected=expected,
        threshold=upper,
        observed=int(observed),
        alarm=alarm,
        trend_used=trend_used,
        dispersion=phi,
        score=_score(int(observed), expected, upper),
        model=model,
        reference_months=len(indices),
    )


# --------------------------------------------------------------------------- batched path
#
# detect() assesses up to hundreds of months of one unit; fitting them one by one costs
# mostly Python overhead. The batch below runs the same steps on all months at once
# (reference data padded with zero-weight rows, stacked normal equations) and freezes each
# fit at the iteration where the one-by-one IRLS would stop, so the results are the same
# (the tests compare every month). Months the batch cannot take (short or all-zero reference
# data, a seasonal level without months, no convergence) go through assess().


@dataclass(frozen=True)
class _BatchFit:
    ok: npt.NDArray[np.bool_]
    eta0: FloatArray
    phi: FloatArray
    trend_p: FloatArray
    se_eta0: FloatArray


def _glm_batch(
    y: FloatArray, x: FloatArray, weights: FloatArray
) -> tuple[FloatArray, FloatArray, npt.NDArray[np.bool_]]:
    """Stacked :func:`_glm_numpy`: y (m, n), x (m, n, p), weights (m, n) with 0 for padding.

    Returns params (m, p), mu (m, n) and converged (m,)."""
    m, _, p = x.shape
    mu = y + 0.1
    eta = np.log(mu)
    deviance = _poisson_deviance_rows(y, mu, weights)
    params = np.zeros((m, p))
    active = np.ones(m, dtype=bool)
    converged = np.zeros(m, dtype=bool)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        for _ in range(_MAX_ITERATIONS):
            rows = np.flatnonzero(active)
            if rows.size == 0:
                break
            xa, ya, mua, etaa = x[rows], y[rows], mu[rows], eta[rows]
            working = weights[rows] * mua
            z = etaa + (ya - mua) / mua
            weighted = xa * working[:, :, None]
            gram = np.einsum("mnp,mnq->mpq", weighted, xa)
            right = np.einsum("mnp,mn->mp", weighted, z)
            try:
                new_params = np.linalg.solve(gram, right[:, :, None])[:, :, 0]
            except np.linalg.LinAlgError:
                return params, mu, np.zeros(m, dtype=bool)
            new_eta = np.minimum(np.einsum("mnp,mp->mn", xa, new_params), _MAX_ETA)
            step = np.max(np.abs(new_eta - etaa), axis=1)
            new_mu = np.exp(new_eta)
            new_deviance = _poisson_deviance_rows(ya, new_mu, weights[rows])
            params[rows], eta[rows], mu[rows] = new_params, new_eta, new_mu
            finite = np.isfinite(new_deviance)
            done = (
                np.abs(new_deviance - deviance[rows]) / (np.abs(new_deviance) + 0.1) < _TOLERANCE
            ) | (step < 1e-10)
            deviance[rows] = new_deviance
            converged[rows[done & finite]] = True
            active[rows[done | ~finite]] = False
    ok = converged & np.all(np.isfinite(params), axis=1) & np.all(np.isfinite(mu), axis=1)
    return params, mu, ok


def _poisson_deviance_rows(y: FloatArray, mu: FloatArray, weights: FloatArray) -> FloatArray:
    term = special.xlogy(y, y) - special.xlogy(y, mu)
    return np.asarray(2.0 * np.sum(weights * (term - (y - mu)), axis=1), dtype=np.float64)


def _batch_fit(
    y: FloatArray,
    x: FloatArray,
    mask: FloatArray,
    reweight: bool,
    trend: bool,
    reweight_threshold: float = REWEIGHT_THRESHOLD,
) -> _BatchFit:
    m, _, p = x.shape
    n_real = mask.sum(axis=1)
    df = n_real - p
    params, mu, ok = _glm_batch(y, x, mask)
    safe_mu = np.maximum(mu, 1e-300)
    phi = np.maximum(np.sum(mask * (y - mu) ** 2 / safe_mu, axis=1) / df, 1.0)
    weights = mask
    if reweight:
        floor_mu = np.maximum(mu, 1e-12)
        raw = 1.5 * (np.cbrt(y) ** 2 * floor_mu ** (-1.0 / 6.0) - np.sqrt(floor_mu))
        root = np.sqrt(floor_mu * mask)[:, :, None] * x
        gram = np.einsum("mnp,mnq->mpq", root, root)
        with np.errstate(invalid="ignore"):
            inverse = np.linalg.pinv(gram)
        hat = np.clip(np.einsum("mnp,mpq,mnq->mn", root, inverse, root), 0.0, 1.0 - 1e-8)
        residuals = raw / np.sqrt(phi[:, None] * (1.0 - hat))
        high = (residuals > reweight_threshold) & (mask > 0)
        omega = np.where(high, np.where(high, residuals, 1.0) ** -2.0, 1.0) * mask
        weights = omega * (n_real / omega.sum(axis=1))[:, None]
        params, mu, ok_again = _glm_batch(y, x, weights)
        ok &= ok_again
        safe_mu = np.maximum(mu, 1e-300)
    phi_raw = np.sum(weights * (y - mu) ** 2 / safe_mu, axis=1) / df
    phi = np.maximum(phi_raw, 1.0)
    trend_p = np.ones(m)
    root = np.sqrt(weights * mu)[:, :, None] * x
    gram = np.einsum("mnp,mnq->mpq", root, root)
    with np.errstate(invalid="ignore"):
        inverse = np.linalg.pinv(gram)
        variance0 = inverse[:, 0, 0] * phi_raw
    se_eta0 = np.where(df > 0, np.sqrt(np.maximum(np.nan_to_num(variance0), 0.0)), 0.0)
    if trend:
        with np.errstate(invalid="ignore"):
            variance = inverse[:, 1, 1] * phi_raw
        se = np.sqrt(np.maximum(variance, 0.0))
        with np.errstate(divide="ignore", invalid="ignore"):
            t_value = np.abs(params[:, 1] / se)
        trend_p = np.where(se > 0, 2.0 * special.stdtr(df, -t_value), 1.0)
    eta0 = params[:, 0]
    ok &= np.isfinite(eta0) & (df > 0)
    return _BatchFit(ok=ok, eta0=eta0, phi=phi, trend_p=trend_p, se_eta0=se_eta0)


def _nb_quantiles(means: FloatArray, dispersions: FloatArray, alpha: float) -> FloatArray:
    """Vectorised :func:`nb_quantile`."""
    result = np.zeros(len(means))
    exact = (means > 0) & (means <= _NORMAL_APPROXIMATION_ABOVE) & np.isfinite(dispersions)
    result[(means > 0) & ~exact] = np.nan  # nb_quantile's normal approximation below
    poisson = (dispersions <= 1.0 + 1e-12) & exact
    negative_binomial = (dispersions > 1.0 + 1e-12) & exact
    if poisson.any():
        result[poisson] = stats.poisson.ppf(1.0 - alpha, means[poisson])
    if negative_binomial.any():
        phi = dispersions[negative_binomial]
        result[negative_binomial] = stats.nbinom.ppf(
            1.0 - alpha, means[negative_binomial] / (phi - 1.0), 1.0 / phi
        )
    for index in np.flatnonzero(~np.isfinite(result)):
        result[index] = nb_quantile(float(means[index]), float(dispersions[index]), alpha)
    return result


def _month_of_year(assessment: Assessment) -> Assessment:
    if assessment.model == "glm":
        return replace(assessment, model="glm-month-of-year")
    return assessment


def assess_many(
    histories: Sequence[Sequence[int]],
    observed: Sequence[int],
    params: FarringtonParams = DEFAULT_PARAMS,
) -> list[Assessment]:
    """:func:`assess` for many months at once (the same results, faster).

    Parameters
    ----------
    histories : sequence of sequences of int
        For each month, the unit's counts before it (oldest first).
    observed : sequence of int, same length
        Each month's count.
    """
    if len(histories) != len(observed):
        raise ValueError("histories and observed differ in length")
    if params.fine_season_from > 0:
        fine = [params.uses_month_of_year(_as_counts(history)) for history in histories]
        if any(fine):
            merged: list[Assessment] = []
            groups: dict[int, Assessment] = {}
            for flag, group_params in ((True, params.month_of_year()), (False, params)):
                items = [item for item, value in enumerate(fine) if value == flag]
                assessed = assess_many(
                    [histories[item] for item in items],
                    [observed[item] for item in items],
                    replace(group_params, fine_season_from=0.0),
                )
                groups.update(zip(items, assessed, strict=True))
            for item, flag in enumerate(fine):
                merged.append(_month_of_year(groups[item]) if flag else groups[item])
            return merged
    results: list[Assessment | None] = [None] * len(histories)
    batch: list[tuple[int, FloatArray, FloatArray, list[int]]] = []
    for item, history in enumerate(histories):
        y_all = _as_counts(history)
        if observed[item] < 0:
            raise ValueError("observed must be non-negative")
        indices, levels = seasonal_levels(len(y_all), params)
        y = y_all[indices] if indices else np.zeros(0)
        distinct = set(levels)
        n_parameters = 1 + (params.n_levels - 1) + (1 if params.trend else 0)
        if (
            len(indices) < max(_MIN_REFERENCE_MONTHS, n_parameters + 3)
            or not np.any(y > 0)
            or len(distinct) != params.n_levels
            or params.n_levels == 1
        ):
            results[item] = assess(history, observed[item], params)
            continue
        times = np.asarray(indices, dtype=np.float64) - len(y_all)
        batch.append((item, y, times, levels))
    if batch:
        _assess_batch(batch, histories, observed, params, results)
    return [result for result in results if result is not None]


def _assess_batch(
    batch: list[tuple[int, FloatArray, FloatArray, list[int]]],
    histories: Sequence[Sequence[int]],
    observed: Sequence[int],
    params: FarringtonParams,
    results: list[Assessment | None],
) -> None:
    width = max(len(y) for _, y, _, _ in batch)
    m = len(batch)
    y = np.zeros((m, width))
    mask = np.zeros((m, width))
    x_trend = np.zeros((m, width, 1 + params.n_levels))
    for row, (_, values, times, levels) in enumerate(batch):
        n = len(values)
        y[row, :n] = values
        mask[row, :n] = 1.0
        x_trend[row, :n] = _design(levels, times, True, True)
    x_flat = np.delete(x_trend, 1, axis=2)
    expected = np.zeros(m)
    phi = np.ones(m)
    se_eta0 = np.zeros(m)
    trend_used = np.zeros(m, dtype=bool)
    decided = np.zeros(m, dtype=bool)
    if params.trend:
        fit = _batch_fit(
            y,
            x_trend,
            mask,
            params.reweight,
            trend=True,
            reweight_threshold=params.reweight_threshold,
        )
        y_max = y.max(axis=1)
        prediction = np.exp(np.minimum(fit.eta0, _MAX_ETA))
        keep = (
            fit.ok
            & (params.years_back >= 3)
            & (fit.trend_p < params.trend_p_value)
            & ((prediction <= y_max) | (not params.trend_no_extrapolation))
            & (fit.eta0 <= _MAX_ETA)
        )
        expected[keep], phi[keep], trend_used[keep] = prediction[keep], fit.phi[keep], True
        se_eta0[keep] = fit.se_eta0[keep]
        decided |= keep
    rest = np.flatnonzero(~decided)
    if rest.size:
        fit = _batch_fit(
            y[rest],
            x_flat[rest],
            mask[rest],
            params.reweight,
            trend=False,
            reweight_threshold=params.reweight_threshold,
        )
        good = fit.ok & (fit.eta0 <= _MAX_ETA)
        expected[rest[good]] = np.exp(fit.eta0[good])
        phi[rest[good]] = fit.phi[good]
        se_eta0[rest[good]] = fit.se_eta0[good]
        decided[rest[good]] = True
    means = expected
    if params.threshold_method == "muan":
        z = float(special.ndtri(1.0 - 2.0 * params.alpha))
        with np.errstate(over="ignore"):
            shifted = np.exp(
                np.minimum(np.log(np.maximum(expected, 1e-300)) + z * se_eta0, _MAX_ETA)
            )
        means = np.where((expected > 0) & (se_eta0 > 0) & np.isfinite(shifted), shifted, expected)
    dispersions = phi
    if params.threshold_method == "predictive":
        widened = phi + expected * se_eta0**2
        dispersions = np.where((expected > 0) & np.isfinite(widened), widened, phi)
    thresholds = _nb_quantiles(means, dispersions, params.alpha)
    for row, (item, _, _, _) in enumerate(batch):
        if not decided[row]:
            results[item] = assess(histories[item], observed[item], params)
            continue
        history = histories[item]
        count = int(observed[item])
        recent = sum(history[max(0, len(history) - (params.recent_periods - 1)) :])
        if params.recent_periods <= 1:
            recent = 0
        enough_cases = recent + count >= params.min_recent_cases
        threshold = float(thresholds[row])
        results[item] = Assessment(
            expected=float(expected[row]),
            threshold=threshold,
            observed=count,
            alarm=bool(enough_cases and count > 0 and count > threshold),
            trend_used=bool(trend_used[row]),
            dispersion=float(phi[row]),
            score=_score(count, float(expected[row]), threshold),
            model="glm",
            reference_months=len(batch[row][1]),
        )


def detect(
    counts: Sequence[int], params: FarringtonParams = DEFAULT_PARAMS
) -> list[Assessment | None]:
    """Assess every month from ``params.min_history`` on, each from the months before it only.

    Parameters
    ----------
    counts : sequence of int, shape (n,)
        The unit's monthly counts, oldest first, consecutive months.

    Returns
    -------
    list of Assessment or None, length n
        None for the first ``min_history`` months.
    """
    values = _as_counts(counts)
    integers = [int(value) for value in values]
    months = range(params.min_history, len(integers))
    assessed = assess_many(
        [integers[:month] for month in months], [integers[month] for month in months], params
    )
    return [None] * min(params.min_history, len(integers)) + list(assessed)
