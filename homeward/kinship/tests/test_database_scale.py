"""Decisions at database scale and the sharded scan (issue 18).

* A single-parent hit of a database search is judged with the database's size: the
  expected number of unrelated candidates at its LR, the posterior with a prior of one
  in N, and SUPPORTS only above LR >= 10,000 x N. Couples keep the casework rule.
* A scan split into row ranges (shards), each scanned on its own and merged, returns
  exactly the rows and scores of the single scan.
* Index files are private (0600/0700), written under unique temporary names, and a
  store swaps generations atomically.
"""

from __future__ import annotations

import itertools
import math
import threading
from pathlib import Path

import numpy as np
import pytest

from homeward.kinship.accuracy import fixed_labels
from homeward.kinship.chance import ChanceDistribution, database_posterior
from homeward.kinship.decisions import Decision
from homeward.kinship.frequencies import FrequencyTable
from homeward.kinship.index import ReferenceIndex
from homeward.kinship.io import IndexStore, file_mode, read_manifest, write_manifest
from homeward.kinship.search import (
    ParentQuery,
    ScanPart,
    merge_parts,
    plan_search,
    scan_rows,
    score_all,
    search,
    shard_bounds,
)
from homeward.kinship.simulate import PANELS, random_index_codes, simulate_families

LOCI = PANELS[19]


def _single_parents(
    table: FrequencyTable, n: int, seed: int, path: Path | None = None
) -> ReferenceIndex:
    """``n`` unrelated single parents (father column only), as registered singles are."""
    index = ReferenceIndex.create(LOCI, table=table, path=path, label_width=12)
    ids = fixed_labels("P", 0, n)
    index.append_arrays(
        "families",
        {
            "father": random_index_codes(index, table, n, seed),
            "mother": np.zeros((len(LOCI), n), dtype=np.uint16),
            "labels": np.stack([ids, ids, np.full(n, b"", dtype="S12")], axis=1),
        },
    )
    return index


def test_the_convolution_bounds_the_exact_tail_from_above() -> None:
    rng = np.random.default_rng(3)
    loci = []
    for _ in range(3):
        values = rng.normal(0.0, 1.0, 6)
        weights = rng.random(6)
        loci.append((values, weights / weights.sum()))
    distribution = ChanceDistribution.from_loci(loci)
    for x in np.linspace(-3.0, 3.0, 61):
        exact = sum(
            loci[0][1][i] * loci[1][1][j] * loci[2][1][k]
            for i, j, k in itertools.product(range(6), repeat=3)
            if loci[0][0][i] + loci[1][0][j] + loci[2][0][k] >= x
        )
        slack = sum(
            loci[0][1][i] * loci[1][1][j] * loci[2][1][k]
            for i, j, k in itertools.product(range(6), repeat=3)
            if loci[0][0][i] + loci[1][0][j] + loci[2][0][k] >= x - 3 * 0.002 - 1e-9
        )
        value = distribution.exceedance(float(x))
        assert exact - 1e-12 <= value <= slack + 1e-12


def test_expected_chance_hits_match_what_a_simulated_database_shows(
    china: FrequencyTable,
) -> None:
    n = 200_000
    index = _single_parents(china, n, seed=11)
    child = simulate_families(china, 1, seed=12, loci=LOCI).profile("child", 0, "C")
    scores = score_all(index, child, "child-to-parents", table=china).astype(np.float64)
    plan = plan_search(index, child, "child-to-parents", table=china)
    from homeward.kinship.chance import ChanceCalculator
    from homeward.kinship.likelihood import KinshipParams

    chance = ChanceCalculator(index, china, KinshipParams(), child, plan.direction, plan.used)
    for threshold in (1.0, 2.0, 3.0):
        observed = int(np.count_nonzero(scores >= threshold))
        expected = n * chance.exceedance("father", threshold)
        # An upper bound that is not loose: within Poisson noise above, and not more
        # than a factor of two (plus noise) above what the database shows.
        assert observed <= expected + 4 * math.sqrt(expected) + 3
        assert expected <= 2 * observed + 20
        assert expected <= n / 10**threshold  # Markov


def test_a_single_parent_database_hit_needs_lr_above_10000_times_n(
    china: FrequencyTable,
) -> None:
    """The issue's example: an unrelated single parent at LR 2.8e7 among a million is a
    lead with its chance count, never SUPPORTS; the bar is 10,000 x N."""
    from homeward.kinship.chance import judge_database_hit
    from homeward.kinship.decisions import DecisionRules, decide
    from homeward.kinship.results import KinshipResult, Provenance

    def hit(log10_lr: float, shape: str) -> KinshipResult:
        decision = decide(log10_lr, 0, 19, shape, DecisionRules())  # type: ignore[arg-type]
        return KinshipResult(
            shape,  # type: ignore[arg-type]
            {},
            (),
            log10_lr,
            0,
            19,
            0.99999,
            True,
            decision,
            Provenance("x", {}, "", "", ()),
        )

    rules = DecisionRules()
    lead = judge_database_hit(hit(math.log10(2.8e7), "duo"), 1_000_000, rules, 3e-7)
    assert lead.decision == Decision.INCONCLUSIVE and lead.single_parent
    assert lead.support_bar_log10 == pytest.approx(10.0)
    assert lead.expected_chance_hits == pytest.approx(0.3)
    assert lead.posterior == pytest.approx(2.8e7 / (2.8e7 + 1e6))
    strong = judge_database_hit(hit(10.5, "duo"), 1_000_000, rules, 1e-12)
    assert strong.decision == Decision.SUPPORTS and strong.posterior > 0.9999
    couple = judge_database_hit(hit(4.5, "couple"), 1_000_000, rules, 1e-9)
    assert couple.decision == Decision.SUPPORTS and couple.support_bar_log10 == 4.0
    assert database_posterior(4.0, 1) == pytest.approx(10_000 / 10_001)


def test_a_search_among_single_parents_shows_chance_hits_and_no_false_supports(
    china: FrequencyTable,
) -> None:
    n = 200_000
    index = _single_parents(china, n, seed=21)
    population = simulate_families(china, 20, seed=22, loci=LOCI)
    supports = 0
    for i in range(20):
        result = search(
            index, population.profile("child", i, f"C{i}"), "child-to-parents", 5, table=china
        )
        for found in result.hits:
            assert found.judgement is not None
            assert found.judgement.database_size == n
            assert found.judgement.expected_chance_hits >= 0.0
            assert found.as_dict()["database"]["expected_chance_hits"] is not None
            supports += found.decision == Decision.SUPPORTS
            if found.result.decision == Decision.SUPPORTS:
                assert found.log10_lr < found.judgement.support_bar_log10  # unrelated
    assert supports == 0


def test_the_true_couple_still_supports_at_database_scale(china: FrequencyTable) -> None:
    n = 50_000
    index = ReferenceIndex.create(PANELS[21], table=china, label_width=12)
    ids = fixed_labels("F", 0, n)
    index.append_arrays(
        "families",
        {
            "father": random_index_codes(index, china, n, 31),
            "mother": random_index_codes(index, china, n, 32),
            "labels": np.stack([ids, ids, ids], axis=1),
        },
    )
    population = simulate_families(china, 1, seed=33, loci=PANELS[21])
    from homeward.kinship.index import FamilyRecord

    index.add_families(
        [
            FamilyRecord(
                "TRUE",
                population.profile("father", 0, "TF"),
                population.profile("mother", 0, "TM"),
            )
        ]
    )
    result = search(index, population.profile("child", 0, "C"), "child-to-parents", 3, table=china)
    best = result.hits[0]
    assert best.reference_id == "TRUE" and best.decision == Decision.SUPPORTS
    assert best.judgement is not None and not best.judgement.single_parent
    assert best.judgement.expected_chance_hits < 1e-6


@pytest.mark.parametrize("direction", ["child-to-parents", "parents-to-children"])
def test_a_sharded_scan_returns_exactly_the_single_scan(
    china: FrequencyTable, tmp_path: Path, direction: str
) -> None:
    n = 150_000
    index = ReferenceIndex.create(PANELS[21], table=china, path=tmp_path / "idx", label_width=12)
    for seed in range(3):  # three segments
        ids = fixed_labels("R", seed * n, n)
        if direction == "child-to-parents":
            index.append_arrays(
                "families",
                {
                    "father": random_index_codes(index, china, n, 40 + seed),
                    "mother": random_index_codes(index, china, n, 50 + seed),
                    "labels": np.stack([ids, ids, ids], axis=1),
                },
            )
        else:
            index.append_arrays(
                "children", {"codes": random_index_codes(index, china, n, 60 + seed), "labels": ids}
            )
    opened = ReferenceIndex.open(tmp_path / "idx")
    population = simulate_families(china, 1, seed=70, loci=PANELS[21])
    query = (
        population.profile("child", 0, "C")
        if direction == "child-to-parents"
        else ParentQuery(father=population.profile("father", 0, "F"))
    )
    single = search(opened, query, direction, 100, table=china, workers=1)
    plan = plan_search(opened, query, direction, table=china)
    reference = scan_rows(opened, plan, top_k=100, workers=2)
    for shards in (1, 2, 3, 4, 7):
        parts = [
            ScanPart.from_payload(
                scan_rows(opened, plan, top_k=100, start=a, stop=b, workers=1).as_payload()
            )
            for a, b in shard_bounds(opened.size(plan.kind), shards)
        ]
        rows, scores, over = merge_parts(parts, 100)
        np.testing.assert_array_equal(rows, reference.rows)
        np.testing.assert_array_equal(scores, reference.scores)
        assert over == reference.over_support == single.over_support
    assert sorted(h.row for h in single.hits) == sorted(reference.rows.tolist())


def test_index_files_are_private(china: FrequencyTable, tmp_path: Path) -> None:
    root = tmp_path / "idx"
    index = _single_parents(china, 1_000, seed=1, path=root)
    index.add_children([simulate_families(china, 1, seed=2, loci=LOCI).profile("child", 0, "C")])
    paths = [root, *root.rglob("*")]
    assert any(p.suffix == ".npy" for p in paths)
    for path in paths:
        assert file_mode(path) == (0o700 if path.is_dir() else 0o600), path


def test_two_writers_never_share_a_temporary_manifest(tmp_path: Path) -> None:
    errors: list[BaseException] = []

    def write(i: int) -> None:
        try:
            for j in range(30):
                write_manifest(tmp_path, {"writer": i, "round": j})
        except BaseException as error:  # collected and asserted below
            errors.append(error)

    threads = [threading.Thread(target=write, args=(i,)) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert read_manifest(tmp_path)["round"] == 29
    assert [p.name for p in tmp_path.iterdir()] == ["manifest.json"]


def test_a_store_publishes_a_new_generation_atomically(
    china: FrequencyTable, tmp_path: Path
) -> None:
    store = IndexStore(tmp_path / "store")
    with store.lock():
        first = store.new_generation()
        _single_parents(china, 10, seed=1, path=first / "index")
        store.publish(first)
    opened = ReferenceIndex.open(first / "index")
    with store.lock():
        second = store.new_generation()
        _single_parents(china, 20, seed=2, path=second / "index")
        store.publish(second)
    assert store.current() == second and not first.exists()
    assert opened.size("families") == 10  # the old generation stays readable once mapped
    assert file_mode(store.root) == 0o700 and file_mode(store.root / "CURRENT") == 0o600
