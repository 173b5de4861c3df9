"""Early warning (issue 16): false alarms and detection of the improved Farrington algorithm.

Simulated monthly series in the manner of Noufaily et al. (2013), see
``homeward/earlywarning/simulate.py``: negative binomial baselines at 1-100 cases a month,
with and without trend, three kinds of seasonality, two dispersions; past outbreaks in the
history (0.5 a year, 2-10 baseline SD, 1-3 months), then

* false-alarm rate: share of outbreak-free unit-months (months 37-120 of ten-year series)
  with an alarm;
* detection: an outbreak of k baseline SD (k = 2, 3, 5, 10) starting in a random month of
  years 8-10, all in that month, assessed in that month from the months before it (the
  issue's "3 baseline SD within the month it starts"); and a 3-SD outbreak spread as Noufaily
  et al. (2013) spread theirs over weeks (each case 7 x LogNormal(0, 0.5) days after a start
  day uniform in the month, so ~74 % of the cases fall in the start month and the rest in the
  next): detected in its start month, and by the next month; with the oracle's figure.

    python bench/earlywarning_bench.py                # report on seed 2 with the defaults
    python bench/earlywarning_bench.py --tune         # compare parameter sets on seed 1
    python bench/earlywarning_bench.py --quick        # fewer series (a smoke run)

Prints the machine, the load average before and after, wall and CPU time, series per second.
"""

from __future__ import annotations

import argparse
import dataclasses
import itertools
import math
import os
import platform
import resource
import sys
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from homeward.earlywarning import FarringtonParams, detect  # noqa: E402
from homeward.earlywarning.farrington import assess_many, nb_quantile  # noqa: E402
from homeward.earlywarning.simulate import (  # noqa: E402
    Scenario,
    inject,
    noufaily_monthly_cases,
    outbreak_cases,
    simulate,
)

MONTHS = 120
DETECT_FROM = 84  # outbreaks to detect start in years 8-10
PAST_OUTBREAKS_PER_YEAR = 0.5
SIZES = (2.0, 3.0, 5.0, 10.0)
TUNING_SEED = 1
REPORT_SEED = 2
# The oracle's alpha: a fixed nominal level (about 0.7 % false alarms, under the 1 % target),
# so that engine configurations with different alphas are compared with the same ceiling.
ORACLE_ALPHA = 0.008

LEVELS = (1.0, 5.0, 20.0, 100.0)
TRENDS = (0.0, 0.10)
SEASONS = ("none", "annual", "two-harmonics")
DISPERSIONS = (1.5, 4.0)


def scenarios() -> list[Scenario]:
    return [
        Scenario(level=level, trend=trend, seasonality=season, dispersion=dispersion)
        for level, trend, season, dispersion in itertools.product(
            LEVELS, TRENDS, SEASONS, DISPERSIONS
        )
    ]


@dataclass
class Result:
    scenario: Scenario
    far_alarms: int
    far_months: int
    detected: dict[float, int]
    oracle_far_alarms: int
    oracle_detected: dict[float, int]
    trials: int
    spread_first: int
    spread_any: int
    oracle_spread_first: int
    series: int
    assess_seconds: float
    detect_seconds: float

    @property
    def far(self) -> float:
        return self.far_alarms / self.far_months if self.far_months else math.nan

    def pod(self, k: float) -> float:
        return self.detected[k] / self.trials if self.trials else math.nan

    @property
    def oracle_far(self) -> float:
        return self.oracle_far_alarms / self.far_months if self.far_months else math.nan

    def oracle_pod(self, k: float) -> float:
        return self.oracle_detected[k] / self.trials if self.trials else math.nan


def oracle(scenario: Scenario, mean: float, alpha: float) -> float:
    """The threshold of a detector that knows the true baseline: the 1 - alpha quantile of the
    true negative binomial. No method using only the month's count can beat its trade-off."""
    return nb_quantile(float(mean), scenario.dispersion, alpha)


def _rng(seed: int, index: int, part: int) -> np.random.Generator:
    return np.random.default_rng([seed, index, part])


def run_scenario(
    args: tuple[int, Scenario, int, int, int, FarringtonParams, float],
) -> Result:
    seed, scenario, index, n_series, n_trials, params, oracle_alpha = args
    started = time.process_time()
    far_alarms = far_months = oracle_far = 0
    detect_seconds = 0.0
    rng = _rng(seed, index, 0)
    for _ in range(n_series):
        series = simulate(scenario, MONTHS, rng, past_outbreaks_per_year=PAST_OUTBREAKS_PER_YEAR)
        detect_started = time.process_time()
        assessments = detect(series.counts.tolist(), params)
        detect_seconds += time.process_time() - detect_started
        for month, assessment in enumerate(assessments):
            if assessment is None or series.outbreak[month]:
                continue
            far_months += 1
            far_alarms += int(assessment.alarm)
            oracle_far += int(
                series.counts[month] > oracle(scenario, series.mean[month], oracle_alpha)
            )
    detected = dict.fromkeys(SIZES, 0)
    oracle_detected = dict.fromkeys(SIZES, 0)
    rng = _rng(seed, index, 1)
    for k in SIZES:
        histories, observed = [], []
        for _ in range(n_trials):
            start = int(rng.integers(DETECT_FROM, MONTHS))
            series = simulate(
                scenario,
                start + 1,
                rng,
                past_outbreaks_per_year=PAST_OUTBREAKS_PER_YEAR,
                outbreak_free_from=start,
            )
            sd = math.sqrt(scenario.dispersion * series.mean[start])
            inject(series.counts, series.outbreak, start, outbreak_cases(k, sd, 1, rng))
            counts = series.counts.tolist()
            histories.append(counts[:start])
            observed.append(counts[start])
            oracle_detected[k] += int(
                counts[start] > oracle(scenario, series.mean[start], oracle_alpha)
            )
        detected[k] = sum(result.alarm for result in assess_many(histories, observed, params))
    rng = _rng(seed, index, 3)  # stream 2 was the former 50/30/20 spread
    histories, observed = [], []
    oracle_spread_first = 0
    for _ in range(n_trials):
        start = int(rng.integers(DETECT_FROM, MONTHS - 1))
        series = simulate(
            scenario,
            start + 2,
            rng,
            past_outbreaks_per_year=PAST_OUTBREAKS_PER_YEAR,
            outbreak_free_from=start,
        )
        sd = math.sqrt(scenario.dispersion * series.mean[start])
        inject(series.counts, series.outbreak, start, noufaily_monthly_cases(3.0, sd, rng))
        counts = series.counts.tolist()
        oracle_spread_first += int(
            counts[start] > oracle(scenario, series.mean[start], oracle_alpha)
        )
        for month in range(start, start + 2):
            histories.append(counts[:month])
            observed.append(counts[month])
    spread = [result.alarm for result in assess_many(histories, observed, params)]
    spread_first = sum(spread[0::2])
    spread_any = sum(any(spread[trial : trial + 2]) for trial in range(0, len(spread), 2))
    return Result(
        scenario=scenario,
        far_alarms=far_alarms,
        far_months=far_months,
        detected=detected,
        oracle_far_alarms=oracle_far,
        oracle_detected=oracle_detected,
        trials=n_trials,
        spread_first=spread_first,
        spread_any=spread_any,
        oracle_spread_first=oracle_spread_first,
        series=n_series,
        assess_seconds=time.process_time() - started,
        detect_seconds=detect_seconds,
    )


def evaluate(
    seed: int,
    params: FarringtonParams,
    n_series: int,
    n_trials: int,
    jobs: int,
    levels: Sequence[float] = LEVELS,
    oracle_alpha: float | None = None,
) -> list[Result]:
    # Indices (random streams) are those of the full grid, so a subset gives the same figures.
    alpha = ORACLE_ALPHA if oracle_alpha is None else oracle_alpha
    tasks = [
        (seed, scenario, index, n_series, n_trials, params, alpha)
        for index, scenario in enumerate(scenarios())
        if scenario.level in levels
    ]
    if jobs <= 1:
        return [run_scenario(task) for task in tasks]
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        return list(pool.map(run_scenario, tasks))


def summary(results: Sequence[Result]) -> dict[str, float]:
    far_alarms = sum(result.far_alarms for result in results)
    far_months = sum(result.far_months for result in results)
    return {
        "far": far_alarms / far_months,
        "far_max": max(result.far for result in results),
        "scenarios_far_ok": sum(result.far <= 0.01 for result in results) / len(results),
        "pod3": sum(result.pod(3.0) for result in results) / len(results),
        "scenarios_pod3_ok": sum(result.pod(3.0) >= 0.8 for result in results) / len(results),
        "pod3_level_ge5": float(
            np.mean([result.pod(3.0) for result in results if result.scenario.level >= 5])
        )
        if any(result.scenario.level >= 5 for result in results)
        else math.nan,
        "oracle_far": sum(result.oracle_far_alarms for result in results) / far_months,
        "oracle_pod3": sum(result.oracle_pod(3.0) for result in results) / len(results),
        "pod2": sum(result.pod(2.0) for result in results) / len(results),
        "pod5": sum(result.pod(5.0) for result in results) / len(results),
        "pod10": sum(result.pod(10.0) for result in results) / len(results),
        "spread_first": sum(r.spread_first / r.trials for r in results) / len(results),
        "spread_any": sum(r.spread_any / r.trials for r in results) / len(results),
        "oracle_spread_first": sum(r.oracle_spread_first / r.trials for r in results)
        / len(results),
    }


def table(results: Sequence[Result]) -> str:
    lines = [
        "| baseline/month | trend | season | φ | false alarms | k=2 | **k=3** | k=5 | k=10 "
        "| 3 SD Noufaily-spread: start month / by next | oracle: false alarms, k=3 "
        "| oracle: Noufaily-spread start month |",
        "|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for result in results:
        scenario = result.scenario
        lines.append(
            f"| {scenario.level:g} | {scenario.trend:+.0%}/y | {scenario.seasonality} "
            f"| {scenario.dispersion:g} | {result.far:.2%} | {result.pod(2.0):.0%} "
            f"| **{result.pod(3.0):.0%}** | {result.pod(5.0):.0%} | {result.pod(10.0):.0%} "
            f"| {result.spread_first / result.trials:.0%} / {result.spread_any / result.trials:.0%} "
            f"| {result.oracle_far:.2%}, {result.oracle_pod(3.0):.0%} "
            f"| {result.oracle_spread_first / result.trials:.0%} |"
        )
    return "\n".join(lines)


def by_level(results: Sequence[Result]) -> str:
    lines = [
        "| baseline/month | false alarms (pooled) | worst scenario | 3 SD in its month | 2 SD "
        "| 5 SD | 10 SD | oracle: false alarms, 3 SD | 3 SD Noufaily-spread: start month "
        "/ by next (oracle start month) |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for level in LEVELS:
        group = [result for result in results if result.scenario.level == level]
        if not group:
            continue
        stats = summary(group)
        lines.append(
            f"| {level:g} | {stats['far']:.2%} | {stats['far_max']:.2%} | {stats['pod3']:.0%} "
            f"| {stats['pod2']:.0%} | {stats['pod5']:.0%} | {stats['pod10']:.0%} "
            f"| {stats['oracle_far']:.2%}, {stats['oracle_pod3']:.0%} "
            f"| {stats['spread_first']:.0%} / {stats['spread_any']:.0%} "
            f"({stats['oracle_spread_first']:.0%}) |"
        )
    return "\n".join(lines)


def machine() -> str:
    cpus = os.cpu_count()
    model = "unknown CPU"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return f"{platform.node()} ({cpus} cores, {model}), Python {platform.python_version()}"


def loadavg() -> str:
    path = Path("/proc/loadavg")
    return path.read_text().strip() if path.exists() else "n/a"


def cpu_seconds() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _overrides(named: dict[str, str]) -> dict[str, object]:
    """``name=value`` tokens of a config as FarringtonParams fields (typed by the default)."""
    defaults = FarringtonParams()
    values: dict[str, object] = {}
    for name, text in named.items():
        default = getattr(defaults, name)  # AttributeError names an unknown field
        if isinstance(default, bool):
            values[name] = text.lower() in ("1", "true", "yes")
        elif isinstance(default, int):
            values[name] = int(text)
        elif isinstance(default, float):
            values[name] = float(text)
        else:
            values[name] = text
    return values


def tuning_grid(configs: str | None = None) -> list[FarringtonParams]:
    """Monthly adaptations of the weekly recommendation (b = 5, w = 3 of 52, 10 levels).

    ``configs``: "w,levels,b,excluded,alpha[,fine_from[,fine_alpha]][,field=value...];..."
    instead of the default grid (fine_from: month-of-year factor from that mean count on;
    field=value: any other FarringtonParams field, e.g. threshold_method=muan)."""
    if configs:
        chosen = []
        for text in configs.split(";"):
            parts = text.split(",")
            named = dict(part.split("=", 1) for part in parts if "=" in part)
            window, levels, years_back, excluded, alpha, *fine = [
                part for part in parts if "=" not in part
            ]
            params = FarringtonParams(
                window=int(window),
                n_levels=int(levels),
                years_back=int(years_back),
                past_periods_excluded=int(excluded),
                alpha=float(alpha),
                fine_season_from=float(fine[0]) if fine else 0.0,
                fine_season_alpha=float(fine[1]) if len(fine) > 1 else None,
            )
            chosen.append(dataclasses.replace(params, **_overrides(named)))
        return chosen
    shapes = [  # (window, levels, years back, months excluded, alpha)
        (1, 4, 3, 3, 0.01),
        (1, 4, 3, 3, 0.02),
        (1, 4, 5, 3, 0.01),
        (0, 4, 5, 3, 0.01),
        (0, 7, 5, 3, 0.01),
        (0, 12, 5, 3, 0.01),
        (1, 10, 5, 3, 0.01),
        (1, 5, 5, 1, 0.01),
    ]
    return [
        FarringtonParams(
            window=window,
            n_levels=levels,
            years_back=years_back,
            past_periods_excluded=excluded,
            alpha=alpha,
        )
        for window, levels, years_back, excluded, alpha in shapes
    ]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--tune", action="store_true", help="compare parameter sets (seed 1)")
    parser.add_argument("--series", type=int, default=20, help="10-year series per scenario")
    parser.add_argument("--trials", type=int, default=50, help="outbreaks per size and scenario")
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument(
        "--configs", help='"w,levels,b,excluded,alpha;..." (tuning; a report uses the first)'
    )
    parser.add_argument(
        "--levels", help="only these baseline levels, e.g. 20,100 (the same random streams)"
    )
    parser.add_argument("--by-level", action="store_true", help="tuning: per-level tables")
    parser.add_argument("--fitter", choices=("numpy", "statsmodels"), default="numpy")
    parser.add_argument(
        "--oracle-alpha", type=float, help=f"the oracle's alpha (default {ORACLE_ALPHA})"
    )
    args = parser.parse_args(argv)
    if args.quick:
        args.series, args.trials = 3, 10
    seed = args.seed if args.seed is not None else (TUNING_SEED if args.tune else REPORT_SEED)
    print(f"machine: {machine()}")
    print(f"load average before: {loadavg()}")
    wall, cpu = time.perf_counter(), cpu_seconds()
    if args.tune:
        print(
            f"tuning on seed {seed}: {args.series} series x {len(scenarios())} scenarios, "
            f"{args.trials} outbreaks per size"
        )
        print(
            "| alpha | b | w | levels | excluded | month-of-year from (alpha) | threshold "
            "| limit | FAR pooled | FAR worst | scen. FAR<=1% "
            "| POD3 mean | POD3 (mu>=5) | scen. POD3>=80% | oracle FAR, POD3 "
            "| Noufaily-spread 3 SD: start / by next (oracle) |"
        )
        print("|---:|---:|---:|---:|---:|---|---|---|---:|---:|---:|---:|---:|---:|---|---|")
        for params in tuning_grid(args.configs):
            levels = [float(v) for v in args.levels.split(",")] if args.levels else LEVELS
            results = evaluate(
                seed, params, args.series, args.trials, args.jobs, levels, args.oracle_alpha
            )
            stats = summary(results)
            print(
                f"| {params.alpha} | {params.years_back} | {params.window} | {params.n_levels} "
                f"| {params.past_periods_excluded} "
                f"| {params.fine_season_from:g} ({params.fine_season_alpha}) "
                f"| {params.threshold_method} "
                f"| {params.min_recent_cases} in {params.recent_periods} "
                f"| {stats['far']:.2%} | {stats['far_max']:.2%} "
                f"| {stats['scenarios_far_ok']:.0%} | {stats['pod3']:.0%} "
                f"| {stats['pod3_level_ge5']:.0%} | {stats['scenarios_pod3_ok']:.0%} "
                f"| {stats['oracle_far']:.2%}, {stats['oracle_pod3']:.0%} "
                f"| {stats['spread_first']:.0%} / {stats['spread_any']:.0%} "
                f"({stats['oracle_spread_first']:.0%}) |",
                flush=True,
            )
            if args.by_level:
                print(by_level(results), flush=True)
    else:
        base = tuning_grid(args.configs)[0] if args.configs else FarringtonParams()
        params = dataclasses.replace(base, fitter=args.fitter)
        print(f"report on seed {seed} with {params}")
        levels = [float(v) for v in args.levels.split(",")] if args.levels else LEVELS
        results = evaluate(
            seed, params, args.series, args.trials, args.jobs, levels, args.oracle_alpha
        )
        print(table(results))
        print()
        print(by_level(results))
        stats = summary(results)
        print()
        print(
            f"all scenarios: false alarms {stats['far']:.2%} pooled (worst {stats['far_max']:.2%}, "
            f"{stats['scenarios_far_ok']:.0%} of scenarios <= 1%); 3-SD outbreak detected in "
            f"its month {stats['pod3']:.0%} on average ({stats['scenarios_pod3_ok']:.0%} of "
            f"scenarios >= 80%; {stats['pod3_level_ge5']:.0%} at >= 5 cases a month); oracle "
            f"{stats['oracle_pod3']:.0%} at {stats['oracle_far']:.2%} false alarms. "
            f"Noufaily-spread 3 SD: {stats['spread_first']:.0%} in its start month, "
            f"{stats['spread_any']:.0%} by the next (oracle {stats['oracle_spread_first']:.0%} "
            f"in the start month)"
        )
        n_series = len(results) * args.series
        detect_cpu = sum(result.detect_seconds for result in results)
        total_cpu = sum(result.assess_seconds for result in results)
        print(
            f"speed: detect() on {n_series} ten-year series (84 months assessed each) took "
            f"{detect_cpu:.1f} s CPU: {n_series / detect_cpu:.1f} series/s per core, "
            f"{n_series * 84 / detect_cpu:.0f} assessments/s; whole evaluation "
            f"{total_cpu:.1f} s CPU in the workers"
        )
    elapsed_wall, elapsed_cpu = time.perf_counter() - wall, cpu_seconds() - cpu
    print(f"wall {elapsed_wall:.1f} s, CPU {elapsed_cpu:.1f} s ({args.jobs} worker(s))")
    print(f"load average after: {loadavg()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
