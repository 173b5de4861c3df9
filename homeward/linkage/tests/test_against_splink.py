"""The engine's Fellegi–Sunter EM and scoring against Splink, the reference (issue 14).

Splink (DuckDB backend, in memory, pinned in the dev lock) is given exactly the engine's
comparison vectors: the (report, found) pairs that the engine's own index blocks and
compares for the seeded generator's small world, one Splink record pair per pair (two
records sharing a ``pair_id``, blocked on it), each comparison's level carried as a
column and each Splink comparison defined by custom SQL levels ``"<name>_lvl_l" = k``
(level 0 is Splink's null level). u is fixed to the same u in both, m starts from the
same domain prior, λ from the same value, and both run the same number of iterations
(Splink's ``em_convergence`` is set so low that it never stops early; ours with
``tolerance=0``). Our Dirichlet prior is off (``prior_strength=0``): Splink has none.

What is asserted:

* **The recursion is Splink's.** With our m floor lowered to 1e-300 (Splink has no
  floor), m per level, λ and the match weights log2(m/u) agree after one iteration and
  after forty to 1e-9 absolute (m, λ) and 1e-6 bits (weights of levels with m ≥ 1e-6);
  they agree to ~4e-15 in practice. The same holds when the training blocking rule also
  conditions on sex and age: Splink deactivates those comparisons, as our
  ``active=False`` does (``train`` blocks on sex and age).
* **The floor is the one difference (a finding, kept on purpose).** With the engine's
  default floor (``MIN_PROBABILITY`` = 1e-6 on every m, in the E and the M step) the two
  agree exactly until Splink first drives some level's m below 1e-6 (iteration 11 here);
  after that Splink's m of such a level goes on decaying towards 0 (sex "different":
  1e-13 after 40 iterations, 1e-39 after 60, 1e-243 after 200: a veto), ours stays at
  1e-6, and the other parameters drift apart slowly (m by ≈2e-6 after 40 iterations,
  ≈3e-3 after 200 on these data). The test asserts the exact agreement before that
  iteration, the same E step in it, and that afterwards the levels Splink took below
  1e-6 sit on the floor in ours while the rest stays within 1e-4.
* **Scoring.** With the same m, u and λ, Splink's ``predict`` gives each pair the match
  weight and probability that the engine's served weights (:meth:`Model.weights`, as
  :meth:`FoundIndex.score` sums them) give, to 1e-9, including a term-frequency
  adjustment on the exact-name level (Splink: ``(u / max(tf, tf_minimum_u_value))`` to
  the power ``tf_adjustment_weight``; ours: :meth:`Model.tf_adjustment`), except that
  the engine's near-hard floors (``NEAR_HARD_FLOORS``: sex "different" at least 0.01,
  …) raise some m: the difference on those pairs is asserted to be exactly
  log2(floor / m).

Level "time: before" never occurs (such pairs are never candidates): Splink reports it
"not observed", ours leaves it at the floor; it is excluded from the m comparison.
"""

from __future__ import annotations

import math
import socket
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
import pytest

from homeward.linkage.columns import encode_report
from homeward.linkage.comparisons import (
    COMPARISON_INDEX,
    COMPARISONS,
    N_COMPARISONS,
    NEAR_HARD_FLOORS,
)
from homeward.linkage.generate import Generator
from homeward.linkage.index import FoundIndex
from homeward.linkage.model import (
    MIN_PROBABILITY,
    EMResult,
    Model,
    estimate_u,
    expectation_maximisation,
    pattern_counts,
    prior_m,
    prior_model,
)
from homeward.linkage.records import found_from_fields, report_from_fields

splink = pytest.importorskip("splink", reason="splink (the reference, dev lock) is not installed")
duckdb = pytest.importorskip("duckdb", reason="duckdb (splink's backend) is not installed")

LAMBDA_START = 0.02
ITERATIONS = 40
NO_FLOOR = 1e-300
M_TOLERANCE = 1e-9
WEIGHT_TOLERANCE_BITS = 1e-6
NOT_OBSERVED = {("time", "before")}

Float = npt.NDArray[np.float64]


@pytest.fixture(autouse=True)
def _offline(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Splink must not reach the network (CI has none): any connection fails the test."""

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("the Splink comparison tried to open a network connection")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    yield


@lru_cache(maxsize=1)
def _gamma() -> npt.NDArray[np.int8]:
    """The engine's comparison vectors of every candidate pair of a small seeded world
    (the blocks of 150 reports among 1,200 found persons, as test_search's)."""
    data = Generator(11).dataset(reports=150, found=1200)
    index = FoundIndex.build([found_from_fields(f) for f in data.found], prior_model())
    parts = []
    for fields in data.reports:
        q = encode_report(report_from_fields(fields))
        rows = index.block_rows(q)
        if len(rows):
            gamma, _tf, ok = index.levels(q, rows)
            parts.append(gamma[ok])
    return np.concatenate(parts)


@lru_cache(maxsize=1)
def _u() -> list[Float]:
    return estimate_u(_gamma())


def _db_api() -> Any:
    # In memory; DuckDB must not fetch an extension either.
    connection = duckdb.connect(":memory:", config={"autoinstall_known_extensions": False})
    return splink.DuckDBAPI(connection=connection)


def _records() -> Any:
    gamma = _gamma()
    n = len(gamma)
    columns = {
        f"{c.name}_lvl": np.repeat(gamma[:, ci].astype(np.int64), 2)
        for ci, c in enumerate(COMPARISONS)
    }
    return pd.DataFrame(
        {"unique_id": np.arange(2 * n), "pair_id": np.repeat(np.arange(n), 2), **columns}
    )


def _comparison(ci: int, m: Sequence[Float], u: Sequence[Float]) -> dict[str, Any]:
    c = COMPARISONS[ci]
    column = f"{c.name}_lvl_l"
    levels: list[dict[str, Any]] = [
        {"sql_condition": f'"{column}" = 0', "label_for_charts": "null", "is_null_level": True}
    ]
    for k in range(1, c.n_levels):
        levels.append(
            {
                "sql_condition": f'"{column}" = {k}',
                "label_for_charts": c.levels[k],
                "m_probability": float(m[ci][k]),
                "u_probability": float(u[ci][k]),
            }
        )
    return {"output_column_name": c.name, "comparison_levels": levels}


def _settings(
    m: Sequence[Float], u: Sequence[Float], lam: float, iterations: int
) -> dict[str, Any]:
    return {
        "link_type": "dedupe_only",
        "probability_two_random_records_match": lam,
        "comparisons": [_comparison(ci, m, u) for ci in range(N_COMPARISONS)],
        "blocking_rules_to_generate_predictions": ["l.pair_id = r.pair_id"],
        "max_iterations": iterations,
        "em_convergence": 1e-300,  # never stops early: a fixed number of iterations
    }


@dataclass(frozen=True)
class SplinkRun:
    m: list[Float]  # per comparison, our level order; nan where not observed
    lam: float


def _from_core_settings(core: Any) -> SplinkRun:
    m = [np.full(c.n_levels, np.nan) for c in COMPARISONS]
    for cc in core.comparisons:
        ci = COMPARISON_INDEX[cc.output_column_name]
        for cl in cc.comparison_levels:
            if cl.is_null_level:
                continue
            k = COMPARISONS[ci].levels.index(cl.label_for_charts)
            if (COMPARISONS[ci].name, COMPARISONS[ci].levels[k]) not in NOT_OBSERVED:
                m[ci][k] = float(cl.m_probability)
    return SplinkRun(m=m, lam=float(core.probability_two_random_records_match))


@lru_cache(maxsize=4)
def _splink_em(block_on: tuple[str, ...], iterations: int) -> tuple[SplinkRun, ...]:
    """Splink's EM (u fixed) from the prior m and LAMBDA_START: the parameters after
    each iteration (index 0: the start)."""
    linker = splink.Linker(
        _records(), _settings(prior_m(), _u(), LAMBDA_START, iterations), db_api=_db_api()
    )
    rule = " and ".join(["l.pair_id = r.pair_id", *(f"l.{c}_lvl = r.{c}_lvl" for c in block_on)])
    session = linker.training.estimate_parameters_using_expectation_maximisation(
        rule, fix_u_probabilities=True, estimate_without_term_frequencies=True
    )
    history = session._core_model_settings_history  # one entry per iteration, and the start
    assert len(history) == iterations + 1
    assert {cc.output_column_name for cc in session.core_model_settings.comparisons} == {
        c.name for c in COMPARISONS if c.name not in block_on
    }, "Splink deactivates exactly the comparisons the training rule conditions on"
    return tuple(_from_core_settings(core) for core in history)


def _ours(iterations: int, *, floor: float, block_on: tuple[str, ...] = ()) -> EMResult:
    patterns, counts = pattern_counts(_gamma())
    return expectation_maximisation(
        patterns,
        counts,
        m_start=prior_m(),
        u=_u(),
        active=[c.name not in block_on for c in COMPARISONS],
        lambda_start=LAMBDA_START,
        prior_strength=0.0,
        max_iterations=iterations,
        tolerance=0.0,
        min_probability=floor,
    )


def _m_gap(ours: Sequence[Float], reference: SplinkRun, *, above: float = 0.0) -> float:
    """The largest |m ours - m Splink| over the levels Splink estimated (and, with
    ``above``, whose Splink m is at least that)."""
    gap = 0.0
    for ci in range(N_COMPARISONS):
        theirs = reference.m[ci][1:]
        mask = ~np.isnan(theirs) & (np.nan_to_num(theirs) >= above)
        if mask.any():
            gap = max(gap, float(np.abs(ours[ci][1:][mask] - theirs[mask]).max()))
    return gap


def _weights(m: Sequence[Float], u: Sequence[Float]) -> list[Float]:
    return [np.log2(m[ci][1:] / u[ci][1:]) for ci in range(N_COMPARISONS)]


def test_the_engine_yields_pairs_on_every_comparison_level_but_one() -> None:
    gamma = _gamma()
    assert len(gamma) > 20_000
    for ci, c in enumerate(COMPARISONS):
        seen = np.bincount(gamma[:, ci], minlength=c.n_levels)[1:] > 0
        expected = [(c.name, level) not in NOT_OBSERVED for level in c.levels[1:]]
        assert seen.tolist() == expected, c.name


@pytest.mark.parametrize("iterations", [1, ITERATIONS])
def test_em_without_its_floor_is_splinks_recursion(iterations: int) -> None:
    reference = _splink_em((), ITERATIONS)[iterations]
    ours = _ours(iterations, floor=NO_FLOOR)
    assert ours.iterations == iterations
    assert abs(ours.match_probability - reference.lam) < M_TOLERANCE
    assert _m_gap(ours.m, reference) < M_TOLERANCE
    u = _u()
    for ci in range(N_COMPARISONS):
        theirs = reference.m[ci][1:]
        comparable = ~np.isnan(theirs) & (theirs >= MIN_PROBABILITY)
        w_ours = _weights(ours.m, u)[ci][comparable]
        w_theirs = np.log2(theirs[comparable] / u[ci][1:][comparable])
        np.testing.assert_allclose(w_ours, w_theirs, rtol=0, atol=WEIGHT_TOLERANCE_BITS)
    # and EM went somewhere: λ moved well away from its start
    assert abs(reference.lam - LAMBDA_START) > 0.005


def test_em_leaves_out_what_the_training_rule_conditions_on_as_splink_does() -> None:
    block_on = ("sex", "age")
    iterations = 10
    reference = _splink_em(block_on, iterations)[iterations]
    ours = _ours(iterations, floor=NO_FLOOR, block_on=block_on)
    assert abs(ours.match_probability - reference.lam) < M_TOLERANCE
    for name in block_on:  # not estimated: the start
        ci = COMPARISON_INDEX[name]
        np.testing.assert_array_equal(ours.m[ci], prior_m()[ci])
        assert np.isnan(reference.m[ci][1:]).all() or np.allclose(
            reference.m[ci][1:], prior_m()[ci][1:]
        )
        reference.m[ci][:] = np.nan
    assert _m_gap(ours.m, reference) < M_TOLERANCE


def test_em_with_the_default_floor_parts_from_splink_only_where_splink_goes_below_it() -> None:
    history = _splink_em((), ITERATIONS)
    below = [
        i
        for i, run in enumerate(history)
        if min(float(np.nanmin(m[1:])) for m in run.m) < MIN_PROBABILITY
    ]
    assert below, "on these data Splink drives some m below 1e-6 within the iterations run"
    first = below[0]
    assert first > 1
    # Until then the floor never binds: the same numbers.
    ours = _ours(first - 1, floor=MIN_PROBABILITY)
    assert abs(ours.match_probability - history[first - 1].lam) < M_TOLERANCE
    assert _m_gap(ours.m, history[first - 1]) < M_TOLERANCE
    # In the iteration where it first binds, the E step is still the same (λ and every
    # level above the floor agree); the levels below it are 1e-6 in ours.
    ours = _ours(first, floor=MIN_PROBABILITY)
    assert abs(ours.match_probability - history[first].lam) < M_TOLERANCE
    assert _m_gap(ours.m, history[first], above=MIN_PROBABILITY) < M_TOLERANCE
    assert _m_gap(ours.m, history[first]) <= MIN_PROBABILITY
    # After: every level Splink has taken below the floor sits on it in ours...
    ours = _ours(ITERATIONS, floor=MIN_PROBABILITY)
    final = history[ITERATIONS]
    floored = 0
    for ci in range(N_COMPARISONS):
        theirs = final.m[ci][1:]
        low = ~np.isnan(theirs) & (theirs < MIN_PROBABILITY / 2)
        floored += int(low.sum())
        assert (ours.m[ci][1:] >= MIN_PROBABILITY).all()
        np.testing.assert_allclose(ours.m[ci][1:][low], MIN_PROBABILITY, rtol=0.5)
    assert floored > 0
    # ...and the rest has drifted only a little (Splink's veto and our floor differ on a
    # few hundred pairs at most).
    assert _m_gap(ours.m, final) < 1e-4
    assert abs(ours.match_probability - final.lam) < 1e-4


def test_match_weights_and_probabilities_are_splinks_with_tf_and_the_engine_floors() -> None:
    ours_em = _ours(ITERATIONS, floor=MIN_PROBABILITY)
    u = _u()
    model = Model(m=ours_em.m, u=u)  # served weights: floors and near-hard floors
    lam = ours_em.match_probability
    name = COMPARISON_INDEX["name"]
    gamma = _gamma()
    rng = np.random.default_rng(0)
    # Every pair gets a name "value" whose frequency drives the TF adjustment on level 1
    # (full name the same); some frequencies fall below tf_min.
    frequencies = np.asarray([0.5, 0.05, 3e-3, 2e-4, 5e-5])
    value = rng.integers(0, len(frequencies), len(gamma))

    settings = _settings(ours_em.m, u, lam, 1)
    exact = settings["comparisons"][name]["comparison_levels"][1]
    exact.update(
        tf_adjustment_column="name_value",
        tf_adjustment_weight=model.tf_weight,
        tf_minimum_u_value=model.tf_min,
        disable_tf_exact_match_detection=True,  # the level's own u, as ours
    )
    records = _records()
    records["name_value"] = np.repeat(value, 2).astype(str)
    linker = splink.Linker(records, settings, db_api=_db_api())

    linker.table_management.register_term_frequency_lookup(
        pd.DataFrame(
            {
                "name_value": [str(i) for i in range(len(frequencies))],
                "tf_name_value": frequencies,
            }
        ),
        "name_value",
    )
    predicted = linker.inference.predict().as_pandas_dataframe()
    predicted = predicted.sort_values("unique_id_l")
    pair = (predicted["unique_id_l"].to_numpy() // 2).astype(np.intp)
    assert len(pair) == len(gamma)

    weights = model.weights()
    tf = np.zeros(len(gamma))
    exact_rows = gamma[:, name] == 1
    for i in np.flatnonzero(exact_rows):
        tf[i] = model.tf_adjustment(name, 1, float(frequencies[value[i]]))
    ours_bits = tf.copy()
    floor_bits = np.zeros(len(gamma))
    for ci, c in enumerate(COMPARISONS):
        ours_bits += weights[ci][gamma[:, ci]]
        for (comparison, level), floor in NEAR_HARD_FLOORS.items():
            if comparison == c.name:
                k = c.levels.index(level)
                m = max(float(ours_em.m[ci][k]), MIN_PROBABILITY)
                floor_bits[gamma[:, ci] == k] += max(math.log2(floor / m), 0.0)
    prior_bits = math.log2(lam / (1 - lam))
    ours_weight = (prior_bits + ours_bits)[pair]
    theirs_weight = predicted["match_weight"].to_numpy()
    assert exact_rows.sum() > 20 and (floor_bits > 0).sum() > 20
    np.testing.assert_allclose(ours_weight - floor_bits[pair], theirs_weight, rtol=0, atol=1e-9)
    # Where no near-hard floor binds, the probabilities are the same too.
    clear = floor_bits[pair] == 0
    ours_p = 1.0 / (1.0 + np.exp2(-ours_weight[clear]))
    np.testing.assert_allclose(
        ours_p, predicted["match_probability"].to_numpy()[clear], rtol=0, atol=1e-9
    )
