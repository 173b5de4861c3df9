"""The learned offsets of the per-level weights (homeward.linkage.discriminative)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from homeward.linkage.comparisons import (
    COMPARISON_INDEX,
    COMPARISONS,
    LOSS_AGE_CLASSES,
    LOSS_AGE_FREE_LEVELS,
    N_COMPARISONS,
)
from homeward.linkage.discriminative import (
    CandidateSets,
    candidate_sets,
    concatenate,
    fit_offsets,
    with_offsets,
)
from homeward.linkage.index import FoundIndex
from homeward.linkage.model import Model, default_model

from .test_search import _small_world

TIME = COMPARISON_INDEX["time"]
NAME = COMPARISON_INDEX["name"]


def _sets(n_reports: int, loss_age: int = 3) -> CandidateSets:
    """Each report: the true pair found within a year (level 2), and ten others found
    within a month (level 1) whose Fellegi–Sunter weight is one bit higher."""
    gamma = np.zeros((n_reports * 11, N_COMPARISONS), np.int8)
    weight = np.zeros(n_reports * 11)
    starts = np.arange(n_reports) * 11
    gamma[:, TIME] = 1
    gamma[starts, TIME] = 2
    weight[:] = 1.0
    weight[starts] = 0.0
    return CandidateSets(
        gamma=gamma, weight=weight, starts=starts, loss_age=np.full(n_reports, loss_age)
    )


def test_offsets_correct_a_level_that_outranks_the_true_pairs() -> None:
    offsets, summary = fit_offsets(_sets(200), l2=1.0)
    assert summary["loss_after"] < summary["loss_before"]
    table = offsets[TIME]
    assert table.shape == (len(LOSS_AGE_CLASSES), COMPARISONS[TIME].n_levels)
    # the level of the true pairs now weighs more than the chance agreement
    assert table[3, 2] - table[3, 1] > 1.0
    for offset in offsets:
        assert not offset[:, 0].any()  # null levels stay at 0


def test_the_penalty_pulls_the_offsets_towards_fellegi_sunter() -> None:
    weak, _ = fit_offsets(_sets(20), l2=1.0)
    strong, _ = fit_offsets(_sets(20), l2=100.0)
    gap = lambda t: t[3, 2] - t[3, 1]  # noqa: E731
    assert 0 < gap(strong[TIME]) < gap(weak[TIME])


def test_an_agreeing_name_moves_with_the_age_at_loss_as_a_whole() -> None:
    """Within a class, the agreeing name levels keep the order of their global weights:
    an exact full name never falls below its pinyin spelling because of the age."""
    sets = _sets(100, loss_age=1)
    gamma = sets.gamma.copy()
    exact = COMPARISONS[NAME].levels.index("exact")
    gamma[sets.starts[:50], NAME] = exact
    both = concatenate([replace(sets, gamma=gamma), _sets(100, loss_age=4)])
    offsets, _ = fit_offsets(both, l2=1.0)
    free = [COMPARISONS[NAME].levels.index(level) for level in LOSS_AGE_FREE_LEVELS["name"]]
    differences = offsets[NAME][:, free] - offsets[NAME][0, free]
    assert np.allclose(differences, differences[:, :1])


def test_a_model_with_offsets_ranks_with_its_class_tables_and_survives_json() -> None:
    reports, people, truth = _small_world()
    model = default_model()
    index = FoundIndex.build(people, model)
    fitted = with_offsets(model, [(reports, index, truth)], keep=50)
    assert "offsets" in fitted.provenance
    again = Model.from_json(fitted.to_json())
    for k in range(len(LOSS_AGE_CLASSES)):
        for a, b in zip(again.weights(k), fitted.weights(k), strict=True):
            assert np.allclose(a, b, atol=1e-4)
    plain = replace(fitted, offsets=[])
    for ci, w in enumerate(fitted.weights(2)):
        expected = plain.weights()[ci] + fitted.offsets[ci][2]
        expected[0] = 0.0
        assert np.allclose(w, expected)
    index.set_model(again)
    for r in reports[:30]:
        for candidate in index.search(r, top=3):
            assert sum(candidate.contributions) == pytest.approx(candidate.weight)

    # the labelled reports' true pairs rank no worse than without the offsets
    def mean_rank(m: Model) -> float:
        index.set_model(m)
        sets = candidate_sets(index, reports, truth, keep=50)
        ends = np.append(sets.starts[1:], len(sets.weight))
        return float(
            np.mean([(sets.weight[a + 1 : b] > sets.weight[a]).sum() for a, b in
                     zip(sets.starts, ends, strict=True)])
        )  # fmt: skip

    assert mean_rank(again) <= mean_rank(plain)


def test_a_model_fitted_on_known_pairs_drops_the_offsets_of_its_start() -> None:
    from homeward.linkage.train import fit_from_truth

    reports, people, truth = _small_world()
    start = default_model()
    index = FoundIndex.build(people, start)
    offsets = [np.ones((len(LOSS_AGE_CLASSES), c.n_levels)) for c in COMPARISONS]
    fitted = fit_from_truth(
        reports, index, truth, start=replace(start, offsets=offsets), random_pairs=20_000
    )
    assert fitted.offsets == []


def test_the_bundled_model_ships_its_offsets_with_their_provenance() -> None:
    model = default_model()
    assert len(model.offsets) == N_COMPARISONS
    assert model.provenance["offsets"]["l2"] > 0
    # bits, not a rescaling of the model: offsets stay small beside the weights
    assert max(float(np.abs(o).max()) for o in model.offsets) < 6.0
