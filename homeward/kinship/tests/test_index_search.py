"""Reference index: persistence, incremental append, memory-mapped load, and the
vectorised search against the slow per-profile reference."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

from homeward.kinship.frequencies import FrequencyTable
from homeward.kinship.index import (
    MISSING,
    FamilyRecord,
    LutCache,
    ReferenceIndex,
    ReferenceIndexError,
    decode_table,
    encode_pairs,
    genotype_code,
)
from homeward.kinship.likelihood import KinshipParams
from homeward.kinship.mutation import MutationModel
from homeward.kinship.profiles import Profile
from homeward.kinship.search import (
    Direction,
    ParentQuery,
    reference_scores,
    score_all,
    search,
)
from homeward.kinship.simulate import GOLDENEYE_20A, PANELS, simulate_families

LOCI = PANELS[21]


def _population(
    table: FrequencyTable, n: int = 40, seed: int = 11
) -> tuple[ReferenceIndex, list[FamilyRecord], list[Profile]]:
    """An in-memory index with couples, single parents (with untyped loci) and children."""
    pop = simulate_families(table, n, seed=seed, loci=LOCI, unrelated=n)
    rng = np.random.default_rng(seed)
    families = []
    for i in range(n):
        father = pop.profile("father", i, f"F{i}")
        mother = pop.profile("mother", i, f"M{i}")
        kind = i % 4
        if kind == 1:
            mother = _drop(mother, rng, 4)
        elif kind == 2:
            father = None  # type: ignore[assignment]
        elif kind == 3:
            mother = None  # type: ignore[assignment]
        families.append(FamilyRecord(f"FAM{i}", father, mother))
    children = [pop.profile("child", i, f"C{i}") for i in range(n)]
    children += [_drop(p, rng, 3) for p in pop.profiles("unrelated", "U")]
    index = ReferenceIndex.create(LOCI, table=table)
    index.add_families(families)
    index.add_children(children)
    return index, families, children


def _drop(profile: Profile, rng: np.random.Generator, k: int) -> Profile:
    keep = dict(profile.genotypes)
    for name in rng.choice(sorted(keep), size=k, replace=False):
        del keep[str(name)]
    return Profile(profile.sample_id, keep)


# --- coding ------------------------------------------------------------------------------


def test_genotype_codes_round_trip() -> None:
    first, second = decode_table(30)
    codes = encode_pairs(first, second)
    assert codes.tolist() == list(range(1, first.size + 1))
    assert encode_pairs(second, first).tolist() == codes.tolist()  # order-free
    assert encode_pairs([-1], [3]).tolist() == [MISSING]
    assert genotype_code(4, 2) == genotype_code(2, 4)


def test_encode_decode_profiles(china: FrequencyTable) -> None:
    index = ReferenceIndex.create(GOLDENEYE_20A, table=china)
    assert index.alleles("vWA")[0] in {"14", "16", "17"}  # most frequent first
    profile = Profile.build("X1", {"vWA": "17/14", "TH01": "9.3/6", "FGA": "41/22"})
    index.add_children([profile])
    decoded = index.profile("children", 0)
    assert decoded is not None
    assert dict(decoded.genotypes) == dict(profile.genotypes)
    assert "41" in index.alleles("FGA")  # an unseen allele was appended
    assert index.label("children", 0) == "X1"


# --- persistence ---------------------------------------------------------------------------


def test_persistence_append_and_mmap(tmp_path: Path, china: FrequencyTable) -> None:
    path = tmp_path / "idx"
    pop = simulate_families(china, 30, seed=5, loci=LOCI)
    index = ReferenceIndex.create(LOCI, table=china, path=path)
    index.add_children(pop.profiles("child")[:10])
    index.add_families(
        [
            FamilyRecord(f"FAM{i}", pop.profile("father", i), pop.profile("mother", i))
            for i in range(20)
        ]
    )
    with pytest.raises(FileExistsError):
        ReferenceIndex.create(LOCI, table=china, path=path)

    reopened = ReferenceIndex.open(path)
    assert reopened.n_children == 10 and reopened.n_families == 20
    arrays = reopened.segments("families")[0]
    assert isinstance(arrays["father"], np.memmap) and arrays["father"].dtype == np.uint16
    assert arrays["father"].shape == (len(LOCI), 20)
    assert not arrays["father"].flags.writeable
    before = reopened.profile("families", 7, "father")
    assert before is not None and dict(before.genotypes) == dict(pop.profile("father", 7).genotypes)

    # A large append writes a new segment and leaves the old files untouched.
    big = np.zeros((len(LOCI), 70_000), dtype=np.uint16)
    big[0] = 1
    labels = np.array([f"B{i}" for i in range(70_000)])
    reopened.append_arrays("children", {"codes": big, "labels": labels})
    old_files = sorted((path / "children").iterdir())
    mtimes = {f.name: (f / "codes.npy").stat().st_mtime_ns for f in old_files}
    reopened.add_children(pop.profiles("child")[10:11])  # after a large tail: new segment
    reopened.add_children(pop.profiles("child")[11:12])  # small tail: merged, rewritten
    again = ReferenceIndex.open(path)
    assert again.n_children == 10 + 70_000 + 2
    assert again.label("children", 70_011) == "C0000011"
    manifest = json.loads((path / "manifest.json").read_text())
    assert manifest["children"]["rows"] == 70_012
    names = [s["name"] for s in manifest["children"]["segments"]]
    assert [s["rows"] for s in manifest["children"]["segments"]] == [10, 70_000, 2]
    for name in names[:2]:  # earlier segments were not rewritten
        assert (path / "children" / name / "codes.npy").stat().st_mtime_ns == mtimes[name]
    assert sorted(f.name for f in (path / "children").iterdir()) == sorted(names)

    # Compaction merges segments and removes the stale files.
    again.compact()
    compacted = ReferenceIndex.open(path, mmap=False)
    assert len(compacted.segments("children")) == 1
    assert len(list((path / "children").iterdir())) == 1
    assert compacted.n_children == 70_012
    p11 = compacted.profile("children", 70_011)
    assert p11 is not None and dict(p11.genotypes) == dict(pop.profile("child", 11).genotypes)


def test_append_rejects_bad_rows(china: FrequencyTable) -> None:
    index = ReferenceIndex.create(LOCI, table=china, label_width=4)
    with pytest.raises(ReferenceIndexError, match="longer than 4 bytes"):
        index.add_children([Profile("TOO-LONG", {})])
    with pytest.raises(ReferenceIndexError, match="neither parent"):
        index.add_families([FamilyRecord("F")])
    with pytest.raises(ReferenceIndexError, match="uint16"):
        index.append_arrays(
            "children", {"codes": np.zeros((2, 1), dtype=np.uint16), "labels": np.array(["a"])}
        )
    codes = np.full((len(LOCI), 1), 60_000, dtype=np.uint16)
    with pytest.raises(ReferenceIndexError, match="beyond"):
        index.append_arrays("children", {"codes": codes, "labels": np.array(["a"])})


# --- search: fast vs reference ----------------------------------------------------------


@pytest.mark.parametrize(
    "params",
    [
        KinshipParams(),
        KinshipParams(theta=0.02),
        KinshipParams(mutation=MutationModel("none")),
        KinshipParams(theta=0.01, mutation=MutationModel("stepwise")),
    ],
    ids=["simple", "theta", "none", "stepwise"],
)
def test_fast_scores_match_reference(china: FrequencyTable, params: KinshipParams) -> None:
    index, families, children = _population(china)
    for child in (children[3], children[45]):
        fast = score_all(index, child, Direction.CHILD_TO_PARENTS, table=china, params=params)
        slow = reference_scores(index, child, "child-to-parents", table=china, params=params)
        _assert_scores(fast, slow)
    queries = [
        ParentQuery(families[0].father, families[0].mother),
        ParentQuery(father=families[3].father),
        ParentQuery(mother=families[5].mother),
    ]
    for query in queries:
        fast = score_all(index, query, "parents-to-children", table=china, params=params)
        slow = reference_scores(index, query, "parents-to-children", table=china, params=params)
        _assert_scores(fast, slow)


def _assert_scores(fast: np.ndarray, slow: np.ndarray) -> None:
    assert fast.dtype == np.float32 and fast.shape == slow.shape
    finite = np.isfinite(slow)
    np.testing.assert_array_equal(np.isfinite(fast), finite)
    np.testing.assert_allclose(fast[finite], slow[finite], atol=1e-4, rtol=0)


def test_search_ranks_the_true_family_first(china: FrequencyTable) -> None:
    index, families, children = _population(china)
    result = search(index, children[0], "child-to-parents", 5, table=china)
    top = result.hits[0]
    assert top.reference_id == "FAM0" and top.rank == 1
    assert top.father_id == "F0" and top.mother_id == "M0"
    assert top.result.shape == "couple"
    assert top.log10_lr == pytest.approx(top.score, abs=1e-4)
    assert [h.log10_lr for h in result.hits] == sorted(
        (h.log10_lr for h in result.hits), reverse=True
    )
    assert len(top.result.loci) == top.result.loci_compared == 21
    assert result.scanned == index.n_families == result.provenance.index_size
    assert result.provenance.table_digest == china.digest
    assert set(result.provenance.loci_used) == set(LOCI)
    assert result.over_support >= 1
    # A single registered father is found by a duo.
    single = search(index, children[3], "child-to-parents", 1, table=china).hits[0]
    assert single.reference_id == "FAM3" and single.result.shape == "duo"
    assert single.mother_id is None
    # Parents to children.
    back = search(
        index,
        ParentQuery(families[0].father, families[0].mother),
        "parents-to-children",
        3,
        table=china,
    )
    assert back.hits[0].reference_id == "C0"
    assert back.hits[0].father_id is None and back.hits[0].result.shape == "couple"
    mother_only = search(
        index, ParentQuery(mother=families[2].mother), Direction.PARENTS_TO_CHILDREN, 1, table=china
    )
    assert mother_only.hits[0].reference_id == "C2"
    assert mother_only.hits[0].result.samples["mother"] == "M2"


def test_top_k_equals_full_sort(china: FrequencyTable) -> None:
    index, _, children = _population(china, n=60)
    scores = score_all(index, children[7], "child-to-parents", table=china)
    for workers, chunk in ((1, 7), (2, 5), (2, 4096)):
        result = search(
            index,
            children[7],
            "child-to-parents",
            10,
            table=china,
            workers=workers,
            chunk_rows=chunk,
        )
        expected = np.lexsort((np.arange(scores.size), -scores))[:10]
        assert sorted(h.row for h in result.hits) == sorted(expected.tolist())
        assert result.over_support == int(np.count_nonzero(scores >= np.float32(4.0)))


def test_search_options_and_errors(china: FrequencyTable) -> None:
    index, families, children = _population(china)
    restricted = search(index, children[0], "child-to-parents", 2, table=china, loci=GOLDENEYE_20A)
    assert restricted.provenance.loci_used == GOLDENEYE_20A
    assert restricted.hits[0].result.loci_compared == 19
    assert "D1S1656" not in {row.locus for row in restricted.hits[0].result.loci}
    with pytest.raises(ValueError, match="not in the index"):
        search(index, children[0], "child-to-parents", table=china, loci=["SE33x"])
    with pytest.raises(TypeError):
        search(index, children[0], "parents-to-children", table=china)
    with pytest.raises(TypeError):
        search(index, ParentQuery(), "parents-to-children", table=china)
    # A query allele unseen in the index and the table gets the floor and still works.
    odd = dict(children[0].genotypes)
    odd["vWA"] = ("17", "31")
    result = search(index, Profile("Q", odd), "child-to-parents", 3, table=china)
    assert "31" in index.alleles("vWA")
    fast = score_all(index, Profile("Q", odd), "child-to-parents", table=china)
    slow = reference_scores(index, Profile("Q", odd), "child-to-parents", table=china)
    _assert_scores(fast, slow)
    assert math.isfinite(result.hits[0].log10_lr)
    assert result.as_dict()["hits"][0]["rank"] == 1


def test_search_skips_loci_the_table_excludes(china: FrequencyTable) -> None:
    index = ReferenceIndex.create((*GOLDENEYE_20A, "SE33"), table=china)
    pop = simulate_families(china, 2, seed=1, loci=GOLDENEYE_20A)
    child = Profile("C", {**pop.profile("child", 0).genotypes, "SE33": ("20", "21")})
    index.add_families([FamilyRecord("FAM0", pop.profile("father", 0), pop.profile("mother", 0))])
    result = search(index, child, "child-to-parents", 1, table=china)
    assert "SE33" in result.provenance.loci_skipped
    assert "0.954" in result.provenance.loci_skipped["SE33"]
    assert "SE33" not in result.provenance.loci_used


def test_lookup_table_cache_is_bounded(china: FrequencyTable) -> None:
    cache = LutCache(max_bytes=100)
    for i in range(10):
        cache.put(i, str(i), 30)
    assert cache.nbytes <= 100 and cache.get(0) is None and cache.get(9) == "9"
    index, _, children = _population(china, n=8)
    index.cache.max_bytes = 2 * 2**20
    for child in children:
        search(index, child, "child-to-parents", 1, table=china)
    assert index.cache.nbytes <= 2 * 2**20


def test_query_loci_outside_the_index_are_reported(china: FrequencyTable) -> None:
    index, _, children = _population(china, n=4)
    child = Profile("Q", {**children[0].genotypes, "D6S1017": ("9", "10")})
    result = search(index, child, "child-to-parents", 1, table=china)
    assert result.provenance.loci_skipped["D6S1017"] == "not in the index"
