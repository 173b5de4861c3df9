"""The improved Farrington engine: behaviour on simulated series, the GLM by hand, edge cases."""

from __future__ import annotations

import doctest
import math

import numpy as np
import pytest
import statsmodels.api as sm
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy import stats

from homeward.earlywarning import Assessment, FarringtonParams, assess, detect
from homeward.earlywarning import farrington as engine
from homeward.earlywarning.simulate import Scenario, inject, outbreak_cases, simulate

SEASONAL = Scenario(level=20.0, trend=0.0, seasonality="annual", dispersion=1.5)
# The shape and threshold of farrington-monthly/1 (w = 1, 4 levels, plug-in threshold): the
# tests of the reweighting and of the GLM by hand are written for it.
FOUR_LEVELS = {"window": 1, "n_levels": 4, "alpha": 0.008, "threshold_method": "nbPlugin"}


def seasonal_counts(seed: int, months: int = 120) -> list[int]:
    rng = np.random.default_rng(seed)
    return simulate(SEASONAL, months, rng).counts.tolist()


def test_module_doctests_pass() -> None:
    # given the examples in the engine's docstrings / when run / then they hold
    failures, tried = doctest.testmod(engine)
    assert tried >= 4
    assert failures == 0


def test_seasonal_series_without_outbreak_rarely_alarms() -> None:
    # given 20 ten-year seasonal series without any outbreak
    alarms = months = 0
    for seed in range(20):
        # when every month after three years is assessed
        for assessment in detect(seasonal_counts(seed)):
            if assessment is not None:
                months += 1
                alarms += assessment.alarm
    # then alarms stay near the nominal 1 % (at most 2.5 % of 1,680 months)
    assert months == 20 * 84
    assert alarms / months <= 0.025


def test_big_outbreak_alarms_in_its_month() -> None:
    for seed in range(5):
        # given a seasonal series with an outbreak of 10 baseline SD in month 100
        rng = np.random.default_rng(100 + seed)
        series = simulate(SEASONAL, 101, rng)
        sd = math.sqrt(SEASONAL.dispersion * series.mean[100])
        cases = outbreak_cases(10.0, sd, 1, rng)
        inject(series.counts, series.outbreak, 100, cases)
        counts = series.counts.tolist()
        # when month 100 is assessed from the months before it
        result = assess(counts[:100], counts[100])
        # then it is an alarm, above the threshold
        assert result.alarm, result
        assert result.observed > result.threshold
        assert result.score > 1


@pytest.mark.parametrize(
    "outbreak",
    [
        {60: 60},  # in last year's window around the month (the level of the month)
        {55: 50, 44: 50},  # between windows: inflates the dispersion only
        {60: 40, 48: 40},  # in two past years' windows
    ],
)
def test_past_outbreak_is_down_weighted(outbreak: dict[int, int]) -> None:
    # given a flat series of about 20 a month, and the same with past outbreaks added
    rng = np.random.default_rng(7)
    flat = Scenario(level=20.0, trend=0.0, seasonality="none", dispersion=1.0)
    clean = simulate(flat, 72, rng).counts.tolist()
    spoiled = list(clean)
    for month, cases in outbreak.items():
        spoiled[month] += cases
    # (three years back: 34 reference months, so that one outbreak weighs as in the paper)
    params = FarringtonParams(trend=False, years_back=3, **FOUR_LEVELS)
    unweighted = FarringtonParams(trend=False, reweight=False, years_back=3, **FOUR_LEVELS)
    # when month 72 is assessed with and without reweighting
    with_reweighting = assess(spoiled, 20, params)
    without_reweighting = assess(spoiled, 20, unweighted)
    reference = assess(clean, 20, params)
    # then without reweighting the outbreaks inflate the threshold by 20 or more;
    # with it the threshold stays within 6 of the outbreak-free one
    assert without_reweighting.threshold >= reference.threshold + 20
    assert with_reweighting.threshold <= reference.threshold + 6
    assert with_reweighting.dispersion < without_reweighting.dispersion / 2


def test_outbreak_weights_follow_farrington() -> None:
    # given residuals with two above 2.58 / when weighted / then s^-2 there, rescaled to n
    residuals = np.array([0.5, -1.0, 3.0, 5.0, 0.0])
    weights = engine.outbreak_weights(residuals)
    raw = np.array([1.0, 1.0, 1 / 9, 1 / 25, 1.0])
    assert weights == pytest.approx(raw * 5 / raw.sum())
    assert weights.sum() == pytest.approx(5.0)


def test_seasonal_levels_by_hand() -> None:
    # given w = 1, 4 levels, b = 1 and no month excluded, the month assessed is index 24
    params = FarringtonParams(years_back=1, window=1, n_levels=4, past_periods_excluded=0)
    indices, levels = engine.seasonal_levels(24, params)
    # then months 11-13 are the window of last year (level 0), 14-22 three blocks of three,
    # 23 the month just before (inside this year's window: level 0)
    assert indices == list(range(11, 24))
    assert levels == [0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3, 0]
    # and excluding the last three months drops 21-23
    excluded = FarringtonParams(years_back=1, window=1, n_levels=4, past_periods_excluded=3)
    assert engine.seasonal_levels(24, excluded)[0] == list(range(11, 21))


def test_seasonal_levels_share_the_remainder_among_the_first_blocks() -> None:
    # given w = 0 (11 months between windows) and 4 levels: blocks of 4, 4, 3
    params = FarringtonParams(years_back=1, window=0, n_levels=4, past_periods_excluded=0)
    _, levels = engine.seasonal_levels(24, params)
    assert levels == [0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3]


def test_expected_and_threshold_match_a_glm_fitted_by_hand() -> None:
    # given a small seasonal history (4 years) and the model without trend and reweighting
    counts = seasonal_counts(3, months=48)
    params = FarringtonParams(
        **{**FOUR_LEVELS, "alpha": 0.01}, trend=False, reweight=False, years_back=3
    )
    result = assess(counts, 30, params)
    # when the same reference months and factor are fitted with statsmodels directly:
    # months 11-44 (t = 48, b = 3, w = 1, last 3 excluded), level by position in the year
    y, rows = [], []
    for index in range(48 - 37, 48 - 3):
        back = 48 - index
        offset = back % 12
        level = 0 if offset in (0, 1, 11) else 1 + (10 - offset) // 3
        y.append(counts[index])
        rows.append([1.0] + [1.0 if level == block else 0.0 for block in (1, 2, 3)])
    fit = sm.GLM(np.array(y, float), np.array(rows), family=sm.families.Poisson()).fit(scale="X2")
    expected = math.exp(fit.params[0])
    phi = max(fit.scale, 1.0)
    threshold = (
        stats.nbinom.ppf(0.99, expected / (phi - 1), 1 / phi)
        if phi > 1
        else stats.poisson.ppf(0.99, expected)
    )
    # then the engine's expected count, dispersion and threshold are those
    assert result.expected == pytest.approx(expected, rel=1e-6)
    assert result.dispersion == pytest.approx(phi, rel=1e-6)
    assert result.threshold == threshold
    assert result.model == "glm"
    assert result.reference_months == len(y)


@pytest.mark.parametrize("seed", range(6))
def test_numpy_and_statsmodels_fitters_agree(seed: int) -> None:
    # given a series with trend, season and past outbreaks
    rng = np.random.default_rng(seed)
    scenario = Scenario(level=8.0, trend=0.1, seasonality="two-harmonics", dispersion=3.0)
    counts = simulate(scenario, 84, rng, past_outbreaks_per_year=0.5).counts.tolist()
    for month in (40, 60, 83):
        # when assessed with either fitter
        fast = assess(counts[:month], counts[month], FarringtonParams(fitter="numpy"))
        slow = assess(counts[:month], counts[month], FarringtonParams(fitter="statsmodels"))
        # then the results are the same
        assert fast.expected == pytest.approx(slow.expected, rel=1e-6)
        assert fast.dispersion == pytest.approx(slow.dispersion, rel=1e-6)
        assert fast.threshold == slow.threshold
        assert fast.trend_used == slow.trend_used
        assert fast.alarm == slow.alarm


def test_strong_trend_is_kept_and_flat_series_drops_it() -> None:
    rng = np.random.default_rng(11)
    growing = simulate(
        Scenario(level=10.0, trend=0.6, seasonality="none", dispersion=1.0), 72, rng
    ).counts.tolist()
    flat = simulate(
        Scenario(level=10.0, trend=0.0, seasonality="none", dispersion=1.0), 72, rng
    ).counts.tolist()
    grown = assess(growing[:71], growing[71])
    assert grown.trend_used
    # the trend model predicts beyond the no-trend mean of the reference months
    no_trend = assess(growing[:71], growing[71], FarringtonParams(trend=False))
    assert grown.expected > no_trend.expected
    assert not assess(flat[:71], flat[71]).trend_used


def test_detect_uses_only_earlier_months() -> None:
    # given a series and the same series with its future changed
    counts = seasonal_counts(5, months=60)
    changed = counts[:50] + [500] * 10
    first, second = detect(counts), detect(changed)
    # then months before 50 are assessed identically, and the first 36 are not assessed
    assert first[:36] == [None] * 36
    assert all(isinstance(item, Assessment) for item in first[36:])
    assert first[:50] == second[:50]
    # the month that changed keeps its expected count and threshold (history unchanged)
    changed_month, original_month = second[50], first[50]
    assert changed_month is not None and original_month is not None
    assert changed_month.expected == pytest.approx(original_month.expected, rel=1e-9)
    assert changed_month.threshold == original_month.threshold
    alone, batched = assess(counts[:45], counts[45]), first[45]
    assert batched is not None
    assert batched.expected == pytest.approx(alone.expected, rel=1e-9)
    assert (batched.threshold, batched.alarm) == (alone.threshold, alone.alarm)


def test_all_zero_history_alarms_only_with_five_recent_cases() -> None:
    zero = [0] * 48
    quiet = assess(zero, 4)
    assert (quiet.expected, quiet.threshold, quiet.alarm, quiet.model) == (0.0, 0.0, False, "zero")
    loud = assess(zero, 5)
    assert loud.alarm
    assert loud.dispersion == 1.0
    # 5 cases over the last four months (this one included) are enough too
    assert assess([0] * 45 + [1, 2, 1], 1).alarm
    assert not assess([0] * 45 + [1, 1, 1], 1).alarm


def test_low_counts_need_five_recent_cases() -> None:
    # given a series of about one case a month, a month of 4 is above the threshold
    history = [0, 1, 0, 1, 0, 1, 1, 0, 0, 0, 0, 0] * 4
    result = assess(history, 4)
    assert result.observed > result.threshold
    # but 0 + 0 + 0 + 4 < 5 cases in four months: no alarm (limit54)
    assert history[-3:] == [0, 0, 0]
    assert not result.alarm


@pytest.mark.parametrize(
    ("history", "observed"),
    [
        ([], 0),
        ([], 9),
        ([3], 2),
        ([2, 5, 1, 0, 7], 30),
        ([0] * 40 + [1], 6),
        ([10**9] * 48, 2 * 10**9),
        ([0, 1000] * 30, 1000),
        ([0] * 30 + [50] + [0] * 17, 3),
    ],
)
def test_edge_cases_give_finite_results(history: list[int], observed: int) -> None:
    result = assess(history, observed)
    assert math.isfinite(result.expected) and result.expected >= 0
    assert math.isfinite(result.threshold) and result.threshold >= 0
    assert result.threshold == int(result.threshold)
    assert result.dispersion >= 1.0
    assert math.isfinite(result.score)


def test_short_history_uses_the_mean_of_what_there_is() -> None:
    result = assess([2, 4, 3, 3], 3)
    assert result.model == "mean"
    assert result.expected == pytest.approx(3.0)
    assert not result.alarm


def test_huge_counts_alarm_on_doubling() -> None:
    result = assess([10**9] * 48, 2 * 10**9)
    assert result.alarm
    assert result.expected == pytest.approx(1e9, rel=1e-6)


def test_bad_input_is_refused() -> None:
    with pytest.raises(ValueError, match="non-negative"):
        assess([1, -2, 3], 1)
    with pytest.raises(ValueError, match="non-negative"):
        assess([1, 2, 3], -1)
    with pytest.raises(ValueError, match="n_levels"):
        FarringtonParams(n_levels=20)
    with pytest.raises(ValueError, match="alpha"):
        FarringtonParams(alpha=0.7)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    history=st.lists(st.integers(min_value=0, max_value=200), min_size=0, max_size=80),
    observed=st.integers(min_value=0, max_value=500),
)
def test_assess_never_raises_on_counts(history: list[int], observed: int) -> None:
    result = assess(history, observed)
    assert result.expected >= 0 and math.isfinite(result.expected)
    assert result.threshold >= 0
    assert result.alarm == (
        result.observed > result.threshold
        and result.observed > 0
        and sum(history[-3:]) + observed >= 5
    )


@pytest.mark.parametrize(
    "params",
    [
        FarringtonParams(),
        FarringtonParams(window=0, n_levels=12, years_back=5),
        FarringtonParams(reweight=False),
        FarringtonParams(trend=False, alpha=0.005),
        FarringtonParams(fine_season_from=8.0, fine_season_alpha=0.004),
        FarringtonParams(**FOUR_LEVELS),
        FarringtonParams(**{**FOUR_LEVELS, "threshold_method": "muan", "alpha": 0.03}),
        FarringtonParams(threshold_method="predictive", alpha=0.005),
        FarringtonParams(reweight_threshold=1.0, trend_no_extrapolation=False),
    ],
)
def test_batched_detect_equals_month_by_month_assess(params: FarringtonParams) -> None:
    # given series of every kind, with past outbreaks
    for seed in range(8):
        rng = np.random.default_rng(seed)
        scenario = Scenario(
            level=(1.0, 5.0, 20.0, 100.0)[seed % 4],
            trend=0.1 * (seed % 2),
            seasonality=("none", "annual", "two-harmonics")[seed % 3],
            dispersion=(1.5, 4.0)[seed % 2],
        )
        counts = simulate(scenario, 96, rng, past_outbreaks_per_year=0.5).counts.tolist()
        # when detect() runs the batch and assess() runs each month alone
        batched = detect(counts, params)
        single = [assess(counts[:month], counts[month], params) for month in range(36, 96)]
        # then every month has the same result
        for fast, slow in zip(batched[36:], single, strict=True):
            assert fast is not None
            assert fast.expected == pytest.approx(slow.expected, rel=1e-7, abs=1e-9)
            assert fast.dispersion == pytest.approx(slow.dispersion, rel=1e-7)
            assert (fast.threshold, fast.alarm, fast.trend_used, fast.model) == (
                slow.threshold,
                slow.alarm,
                slow.trend_used,
                slow.model,
            )


def test_glm_failure_falls_back_to_the_reference_mean() -> None:
    # Counts near 1e300 overflow statsmodels' IRLS (its working weights and deviance become
    # infinite), a real failure of every GLM attempt: the documented fallback is the mean of
    # the reference months with their Pearson dispersion, model "mean", and no exception or
    # stalled quantile search.
    history = [10**300 if month % 2 else 3 * 10**299 for month in range(72)]
    params = FarringtonParams(fitter="statsmodels")
    result = assess(history, 10**300, params)
    assert result.model == "mean"
    assert not result.trend_used
    reference = [history[index] for index in engine.seasonal_levels(len(history), params)[0]]
    assert result.expected == pytest.approx(sum(reference) / len(reference), rel=1e-9)
    assert math.isfinite(result.threshold)
    assert result.threshold > result.expected
    assert result.dispersion > 1.0
    assert not result.alarm  # 1e300 is below mean + 2.4 SD of this wildly dispersed history


def test_huge_means_use_the_normal_approximation_without_stalling() -> None:
    # scipy's discrete quantile search stalls at means like 1e299; above 1e12 the threshold
    # is mean + z * sqrt(phi * mean), in the scalar and the batched path alike.
    z = stats.norm.ppf(1.0 - 0.01)
    expected = 1e13 + z * math.sqrt(3.0 * 1e13)
    assert engine.nb_quantile(1e13, 3.0, 0.01) == pytest.approx(expected, rel=1e-12)
    batched = engine._nb_quantiles(np.array([1e13, 5.0]), np.array([3.0, 1.0]), 0.01)
    assert batched[0] == pytest.approx(expected, rel=1e-12)
    assert batched[1] == stats.poisson.ppf(0.99, 5.0)


def test_month_of_year_factor_is_chosen_by_count_level() -> None:
    # given the same sharp seasonal shape at 100 and at 2 cases a month
    params = FarringtonParams(**FOUR_LEVELS, fine_season_from=20.0, fine_season_alpha=0.003)
    for level, expected_model in ((100.0, "glm-month-of-year"), (2.0, "glm")):
        scenario = Scenario(level=level, trend=0.0, seasonality="two-harmonics", dispersion=1.5)
        counts = simulate(scenario, 96, np.random.default_rng(5)).counts.tolist()
        history = counts[:84]
        # when month 85 is assessed with the level switch on
        result = assess(history, counts[84], params)
        # then high counts get the month-of-year factor at its own alpha, low counts the default
        assert result.model == expected_model
        chosen = (
            params.month_of_year()
            if level > 20
            else FarringtonParams(**{**params.as_dict(), "fine_season_from": 0.0})
        )
        plain = assess(history, counts[84], chosen)
        assert plain.expected == pytest.approx(result.expected)
        assert plain.threshold == result.threshold
    # and the month-of-year factor follows the peak: its expected count for the peak month
    # of a noise-free high series is (almost) exact, the 4-level factor's is not
    mean = 100.0 * np.exp(np.cos(2 * np.pi * np.arange(97) / 12.0) * 1.2)
    exact = [int(round(value)) for value in mean]
    peak = 96  # a multiple of 12: the top of the cosine
    fine = assess(exact[:peak], exact[peak], params)
    coarse = assess(exact[:peak], exact[peak], FarringtonParams(**FOUR_LEVELS))
    assert fine.expected == pytest.approx(exact[peak], rel=0.01)
    assert abs(coarse.expected - exact[peak]) > 0.05 * exact[peak]


def test_fine_season_parameters_are_checked() -> None:
    with pytest.raises(ValueError, match="fine_season_from"):
        FarringtonParams(fine_season_from=-1.0)
    with pytest.raises(ValueError, match="fine_season_alpha"):
        FarringtonParams(fine_season_alpha=0.7)


@pytest.mark.parametrize(
    ("method", "phi", "upper"),
    # surveillance's own test of algo.farrington.threshold.noufaily (predFit = log 5,
    # predSeFit = log 2, its alpha = 0.05): upper bounds 26, 24 and 11
    [("muan", 1.5, 26.0), ("muan", 1.0, 24.0), ("nbPlugin", 1.5, 11.0)],
)
def test_thresholds_match_surveillance(method: str, phi: float, upper: float) -> None:
    # given the engine's one-sided alpha = surveillance's alpha / 2
    params = FarringtonParams(threshold_method=method, alpha=0.025)
    # when the threshold is computed from the same mean, its standard error and phi
    # then it is surveillance's upper bound
    assert engine.threshold(5.0, phi, math.log(2.0), params) == upper


def test_threshold_methods_widen_with_the_error_of_the_mean() -> None:
    # given one fitted mean, dispersion and alpha
    plugin, muan, predictive = (
        FarringtonParams(threshold_method=method, alpha=0.01)
        for method in ("nbPlugin", "muan", "predictive")
    )
    # when the mean is known exactly (se = 0), all three are the plug-in quantile
    exact = {engine.threshold(20.0, 2.0, 0.0, p) for p in (plugin, muan, predictive)}
    assert exact == {engine.nb_quantile(20.0, 2.0, 0.01)}
    # and when it is uncertain, muan and predictive rise above it, more so for a larger se
    for method in (muan, predictive):
        low = engine.threshold(20.0, 2.0, 0.05, method)
        high = engine.threshold(20.0, 2.0, 0.3, method)
        assert engine.nb_quantile(20.0, 2.0, 0.01) <= low < high
    # predictive is the negative binomial with the prediction variance phi mu + mu^2 se^2
    tau = 2.0 + 20.0 * 0.3**2
    assert engine.threshold(20.0, 2.0, 0.3, predictive) == engine.nb_quantile(20.0, tau, 0.01)


def test_standard_error_of_the_mean_matches_statsmodels() -> None:
    # given a seasonal history, assessed without trend and reweighting (one quasi-Poisson fit)
    counts = seasonal_counts(4, months=96)
    params = FarringtonParams(trend=False, reweight=False, threshold_method="muan")
    indices, levels = engine.seasonal_levels(96, params)
    y = np.array([counts[i] for i in indices], dtype=float)
    x = engine._design(levels, np.zeros(len(y)), trend=False, season=True)
    # when statsmodels fits the same GLM with the Pearson scale
    fit = sm.GLM(y, x, family=sm.families.Poisson()).fit(scale="X2")
    se = float(fit.bse[0])
    phi = max(float(fit.scale), 1.0)
    mean = math.exp(fit.params[0] + stats.norm.ppf(1 - 2 * params.alpha) * se)
    # then the engine's muan threshold is the quantile at the mean's upper quantile
    result = assess(counts, 0, params)
    assert result.threshold == engine.nb_quantile(mean, phi, params.alpha)
    assert result.threshold > engine.nb_quantile(result.expected, phi, params.alpha)


def test_threshold_parameters_are_checked() -> None:
    with pytest.raises(ValueError, match="threshold_method"):
        FarringtonParams(threshold_method="delta")
    with pytest.raises(ValueError, match="reweight_threshold"):
        FarringtonParams(reweight_threshold=0.0)


def test_growing_seasonal_peak_keeps_its_trend_without_the_extrapolation_check() -> None:
    # given a noise-free series growing 20 % a year with a sharp annual peak in month 96
    t = np.arange(97)
    mean = 50.0 * 1.2 ** (t / 12.0) * np.exp(1.2 * np.cos(2 * np.pi * t / 12.0))
    counts = [int(round(value)) for value in mean]
    peak = 96
    # when the peak month is assessed with and without the check (month-of-year factor)
    checked = assess(counts[:peak], counts[peak], FarringtonParams(trend_no_extrapolation=True))
    default = assess(counts[:peak], counts[peak], FarringtonParams())
    # then the check drops the trend (the peak exceeds every earlier count) and expects far
    # too little; without it the trend stays and the expected count is close
    assert not checked.trend_used
    assert checked.expected < 0.8 * counts[peak]
    assert default.trend_used
    assert default.expected == pytest.approx(counts[peak], rel=0.05)
    assert not default.alarm
