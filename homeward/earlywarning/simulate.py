"""Seeded monthly count series with injected outbreaks, in the manner of Noufaily et al. (2013).

The baseline of month ``t`` is negative binomial with mean

    mu(t) = exp(theta + beta * t + sum_{j=1..m} gamma1_j cos(2 pi j t / 12) + gamma2_j sin(...))

and variance ``phi * mu(t)`` (Poisson when ``phi == 1``), as the paper's weekly model with 12
instead of 52. ``theta`` is set so that the mean over the first three years is the scenario's
baseline level. An outbreak starting in month ``s`` has ``Poisson(k * sd(s))`` cases, ``sd(s) =
sqrt(phi * mu(s))`` the baseline standard deviation at its start, all in month ``s`` or spread over
a few months (multinomial with a decreasing profile, see :data:`SPREAD_PROFILES`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]

# Share of an outbreak's cases in each month from its start, by duration in months.
SPREAD_PROFILES: dict[int, tuple[float, ...]] = {
    1: (1.0,),
    2: (0.6, 0.4),
    3: (0.5, 0.3, 0.2),
}

# Seasonal shapes: (amplitude of cos, amplitude of sin) per harmonic, as Noufaily's scenarios.
SEASONALITY: dict[str, tuple[tuple[float, float], ...]] = {
    "none": (),
    "annual": ((0.6, 0.6),),
    "two-harmonics": ((0.6, 0.6), (0.4, 0.3)),
}


@dataclass(frozen=True)
class Scenario:
    """One kind of series.

    level
        Mean monthly count over the first three years (before trend and season).
    trend
        Relative growth per year (0.05 = +5 % a year), log-linear.
    seasonality
        A key of :data:`SEASONALITY`.
    dispersion
        ``phi``: variance / mean of the baseline (1 = Poisson).
    """

    level: float
    trend: float
    seasonality: str
    dispersion: float

    @property
    def name(self) -> str:
        return (
            f"mu={self.level:g} trend={self.trend:+.0%}/y season={self.seasonality} "
            f"phi={self.dispersion:g}"
        )


@dataclass
class Series:
    """A simulated series: counts, the baseline means, and which months carry outbreak cases."""

    counts: IntArray
    mean: FloatArray
    outbreak: npt.NDArray[np.bool_]
    starts: list[int] = field(default_factory=list)


def baseline_mean(scenario: Scenario, months: int) -> FloatArray:
    """The baseline mean ``mu(t)`` for ``t = 0 .. months - 1``."""
    t = np.arange(months, dtype=np.float64)
    log_mu = np.zeros(months) + math.log(1.0 + scenario.trend) * t / 12.0
    for harmonic, (cos_amp, sin_amp) in enumerate(SEASONALITY[scenario.seasonality], start=1):
        angle = 2.0 * math.pi * harmonic * t / 12.0
        log_mu += cos_amp * np.cos(angle) + sin_amp * np.sin(angle)
    shape = np.exp(log_mu)
    scale = scenario.level / float(shape[: min(36, months)].mean())
    return np.asarray(shape * scale, dtype=np.float64)


def draw_baseline(scenario: Scenario, mean: FloatArray, rng: np.random.Generator) -> IntArray:
    """Negative binomial counts with mean ``mean`` and variance ``phi * mean``."""
    if scenario.dispersion <= 1.0:
        return np.asarray(rng.poisson(mean), dtype=np.int64)
    size = mean / (scenario.dispersion - 1.0)
    return np.asarray(rng.negative_binomial(size, 1.0 / scenario.dispersion), dtype=np.int64)


def outbreak_cases(
    k: float, baseline_sd: float, duration: int, rng: np.random.Generator
) -> IntArray:
    """Cases of one outbreak by month: ``Poisson(k * sd)`` split over ``duration`` months."""
    total = int(rng.poisson(k * baseline_sd))
    profile = SPREAD_PROFILES[duration]
    return np.asarray(rng.multinomial(total, profile), dtype=np.int64)


def simulate(
    scenario: Scenario,
    months: int,
    rng: np.random.Generator,
    *,
    past_outbreaks_per_year: float = 0.0,
    past_sizes: tuple[float, ...] = (2.0, 3.0, 5.0, 10.0),
    outbreak_free_from: int | None = None,
) -> Series:
    """A baseline series with random outbreaks of random size (the history a unit carries).

    ``past_outbreaks_per_year`` outbreaks per year on average (Poisson) start in months before
    ``outbreak_free_from`` (all months if None), of a size drawn from ``past_sizes`` (times the
    baseline SD) and a duration of 1-3 months.
    """
    mean = baseline_mean(scenario, months)
    counts = draw_baseline(scenario, mean, rng)
    outbreak = np.zeros(months, dtype=bool)
    starts: list[int] = []
    limit = months if outbreak_free_from is None else outbreak_free_from
    if past_outbreaks_per_year > 0 and limit > 0:
        n_outbreaks = int(rng.poisson(past_outbreaks_per_year * limit / 12.0))
        for _ in range(n_outbreaks):
            start = int(rng.integers(0, limit))
            duration = int(rng.integers(1, 4))
            size = float(rng.choice(past_sizes))
            sd = math.sqrt(scenario.dispersion * mean[start])
            cases = outbreak_cases(size, sd, duration, rng)
            inject(counts, outbreak, start, cases)
            starts.append(start)
    return Series(counts=counts, mean=mean, outbreak=outbreak, starts=sorted(starts))


def inject(counts: IntArray, outbreak: npt.NDArray[np.bool_], start: int, cases: IntArray) -> None:
    """Add an outbreak's cases from month ``start`` on (cut at the end of the series)."""
    for offset, extra in enumerate(cases):
        month = start + offset
        if month >= len(counts):
            break
        counts[month] += int(extra)
        outbreak[month] = True
