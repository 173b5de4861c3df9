"""The search: the vectorised levels against the reference, blocking, bands, ranking."""

from __future__ import annotations

from dataclasses import replace
from functools import lru_cache

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from homeward.linkage.columns import encode_found, encode_report
from homeward.linkage.comparisons import COMPARISON_INDEX as COMPARISONS_BY_NAME
from homeward.linkage.comparisons import COMPARISONS, INTERACTIONS, compare_pair
from homeward.linkage.generate import Generator
from homeward.linkage.index import FoundIndex
from homeward.linkage.model import default_model, prior_model
from homeward.linkage.records import (
    FieldError,
    Found,
    Report,
    found_from_fields,
    report_from_fields,
)

ALL_INTERACTIONS = {f"{first}|{second}" for first, second in INTERACTIONS}


@lru_cache(maxsize=1)
def _small_world() -> tuple[list[Report], list[Found], dict[str, str]]:
    data = Generator(11).dataset(reports=150, found=1200)
    reports = [report_from_fields(r) for r in data.reports]
    found = [found_from_fields(f) for f in data.found]
    return reports, found, data.truth


@lru_cache(maxsize=1)
def _index() -> FoundIndex:
    _reports, found, _truth = _small_world()
    return FoundIndex.build(found, prior_model())


@lru_cache(maxsize=1)
def _background() -> list[Found]:
    """Unrelated found persons, so that term frequencies are those of a real table."""
    data = Generator(5).dataset(reports=10, found=400, no_match_share=1.0, decoys_per_report=0)
    return [found_from_fields(f) for f in data.found]


def index_with(people: list[Found]) -> FoundIndex:
    return FoundIndex.build([*people, *_background()], default_model())


def report(**fields: str) -> Report:
    return report_from_fields({"report_id": "R", **fields})


def found(found_id: str = "F", **fields: str) -> Found:
    return found_from_fields({"found_id": found_id, **fields})


# --- the fast path is the reference ------------------------------------------------------


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    report_index=st.integers(0, 149), rows=st.lists(st.integers(0, 1199), min_size=1, max_size=40)
)
def test_vectorised_levels_equal_the_reference(report_index: int, rows: list[int]) -> None:
    reports, _found, _truth = _small_world()
    index = _index()
    r = reports[report_index]
    row_array = np.asarray(rows, dtype=np.intp)
    gamma, _tf, _ok = index.levels(encode_report(r), row_array)
    by_id = {f.id: f for f in _small_world()[1]}
    for j, row in enumerate(rows):
        expected = compare_pair(r, by_id[str(index.cols.ids[row])])
        assert tuple(int(x) for x in gamma[j]) == expected, (r.id, index.cols.ids[row])


def test_every_true_pair_of_the_generator_agrees_with_the_reference() -> None:
    reports, found_records, truth = _small_world()
    index = _index()
    by_id = {f.id: f for f in found_records}
    for r in reports:
        if r.id not in truth:
            continue
        row = index.row_of[truth[r.id]]
        gamma, _tf, _ok = index.levels(encode_report(r), np.asarray([row]))
        assert tuple(int(x) for x in gamma[0]) == compare_pair(r, by_id[truth[r.id]])


def test_the_index_does_not_depend_on_the_order_of_the_found_persons() -> None:
    reports, found_records, _truth = _small_world()
    shuffled = list(reversed(found_records))
    a = FoundIndex.build(found_records, prior_model())
    b = FoundIndex.build(shuffled, prior_model())
    for r in reports[:20]:
        left = [(c.found_id, round(c.weight, 9)) for c in a.search(r, top=5)]
        right = [(c.found_id, round(c.weight, 9)) for c in b.search(r, top=5)]
        assert sorted(left, key=lambda x: (-x[1], x[0])) == sorted(
            right, key=lambda x: (-x[1], x[0])
        )


# --- names -------------------------------------------------------------------------


def test_an_officials_pinyin_of_a_polyphonic_surname_meets_the_characters() -> None:
    r = report(name="单小明", sex="男", birth_year="1994")
    typed = found(name_pinyin="Shan Xiaoming", sex="男", est_age_low="30", est_age_high="32",
                  age_method="骨龄", found_date="2025-06-01")  # fmt: skip
    assert compare_pair(r, typed)[0] == COMPARISONS[0].levels.index("pinyin_full")


def test_dialect_spelling_meets_the_name() -> None:
    r = report(name="陈宁", sex="女")
    typed = found(name_pinyin="Cen Lin", sex="女")
    assert compare_pair(r, typed)[0] == COMPARISONS[0].levels.index("pinyin_full")


def test_traditional_characters_meet_simplified() -> None:
    r = report(name="張偉")
    assert compare_pair(r, found(name="张伟"))[0] == COMPARISONS[0].levels.index("exact")


def test_given_name_under_a_new_surname() -> None:
    r = report(name="王小明")
    assert compare_pair(r, found(name="李小明"))[0] == COMPARISONS[0].levels.index("given_exact")


def test_a_remembered_nickname_meets_the_family_nickname() -> None:
    r = report(nickname="幺娃")
    assert compare_pair(r, found(name_remembered="幺娃"))[0] == COMPARISONS[0].levels.index(
        "nickname_exact"
    )
    r = report(nickname="强娃")
    assert compare_pair(r, found(name_remembered="小强"))[0] == COMPARISONS[0].levels.index(
        "nickname_core"
    )
    assert compare_pair(r, found(name_pinyin="Li Qiang"))[0] == COMPARISONS[0].levels.index(
        "nickname_core"
    )


def test_a_nickname_core_met_only_in_the_current_name_is_its_own_weaker_level() -> None:
    # 李强 may be the buyers' name: agreeing with 强娃 there is not the person's memory.
    r = report(nickname="强娃", sex="男")
    name = COMPARISONS_BY_NAME["name"]
    levels = COMPARISONS[name].levels
    assert compare_pair(r, found(name="李强"))[name] == levels.index("nickname_core_current")
    assert compare_pair(r, found(name="李强", name_remembered="强娃"))[name] == levels.index(
        "nickname_exact"
    )
    weights = default_model().weights()[name]
    assert weights[levels.index("nickname_core_current")] < weights[levels.index("nickname_core")]


def test_common_surnames_say_less_than_rare_ones() -> None:
    """Term-frequency adjustment: a shared 王 weighs less than a shared 覃."""
    people = [found(f"W{i}", name=f"王{c}") for i, c in enumerate("一二三四五六七八九十")]
    people += [found("Q", name="覃林"), found("X", name="张某")]
    index = index_with(people)
    wang = index.search(report(name="王军"), top=500)
    qin = index.search(report(name="覃军"), top=500)
    weight_wang = max(c.weight for c in wang if c.found_id.startswith("W") and len(c.found_id) == 2)
    weight_qin = next(c.weight for c in qin if c.found_id == "Q")
    assert weight_qin > weight_wang + 1.0


# --- the name-free path ------------------------------------------------------------------


def test_a_renamed_child_who_remembers_nothing_still_ranks_first() -> None:
    """Sex, age, time order, place, a mark: no name at all."""
    family = report(
        name="刘洋", sex="男", birth_date="1995-03-10", missing_date="1998-05",
        district_code="500101", marks="左肩有块胎记", blood_type="A",
        home_features="门前有条小河，河边有竹林",
    )  # fmt: skip
    candidates = [
        found("TRUE", name="陈建国", sex="男", est_age_low="30", est_age_high="32",
              age_method="骨龄", found_date="2026-01-10", found_province_code="35",
              marks="胎记（左肩）", blood_type="A", landmarks_remembered="记得河边的竹子"),
        found("GIRL", name="陈建华", sex="女", est_age_low="30", est_age_high="32",
              age_method="骨龄", found_date="2026-01-10", marks="胎记（左肩）"),
        found("OLD", name="王刚", sex="男", est_age_low="50", est_age_high="55",
              age_method="目测", found_date="2026-01-10", marks="胎记，左肩"),
        found("EARLY", name="张涛", sex="男", est_age_low="1", est_age_high="2",
              age_method="目测", found_date="1996-01-10", marks="胎记，左肩"),
        found("PLAIN", name="赵磊", sex="男", est_age_low="29", est_age_high="33",
              age_method="目测", found_date="2025-01-10"),
    ]  # fmt: skip
    index = index_with(candidates)
    ranked = [c.found_id for c in index.search(family, top=50)]
    assert ranked[0] == "TRUE"
    # found before the loss is never a candidate, nor (unless a name is shared) the other
    # sex, nor a man twenty years older (outside the age block)
    assert "EARLY" not in ranked
    assert "GIRL" not in ranked
    assert "OLD" not in ranked


def test_a_record_of_the_wrong_sex_is_still_reached_through_its_name() -> None:
    """Sex is a near-hard constraint: a mistyped sex costs weight, it does not hide an
    exact name."""
    family = report(name="刘洋", sex="男", birth_year="1995", missing_date="1998-05")
    people = [found("WRONG", name="刘洋", sex="女", found_date="1998-06-01", est_age_low="3",
                    est_age_high="4", age_method="骨龄")]  # fmt: skip
    index = FoundIndex.build(people, prior_model())
    candidates = index.search(family)
    assert [c.found_id for c in candidates] == ["WRONG"]
    assert (
        candidates[0].contributions[
            COMPARISONS.index(next(c for c in COMPARISONS if c.name == "sex"))
        ]
        < 0
    )


def test_excluded_candidates_are_never_suggested_again() -> None:
    family = report(name="刘洋", sex="男", birth_year="1995", missing_date="1998-05")
    people = [found("A", name="刘洋", sex="男", found_date="1998-06-01", est_age_low="3",
                    est_age_high="4", age_method="骨龄"),
              found("B", name="刘阳", sex="男", found_date="1998-06-01", est_age_low="3",
                    est_age_high="4", age_method="骨龄")]  # fmt: skip
    index = index_with(people)
    assert [c.found_id for c in index.search(family)][:2] == ["A", "B"]
    assert [c.found_id for c in index.search(family, exclude=["A"])][0] == "B"
    assert "A" not in [c.found_id for c in index.search(family, exclude=["A"], top=50)]


def test_bands_follow_the_posterior() -> None:
    model = prior_model()
    people = [
        found(
            "A",
            name="刘洋",
            name_remembered="幺娃",
            sex="男",
            found_date="1998-06-01",
            est_age_low="3",
            est_age_high="4",
            age_method="骨龄",
            marks="左肩胎记",
        )
    ]
    index = FoundIndex.build(people, model)
    strong = index.search(report(name="刘洋", nickname="幺娃", sex="男", birth_year="1995",
                                 missing_date="1998-05", marks="左肩有胎记"))[0]  # fmt: skip
    assert strong.band == "likely"
    index.set_model(replace(model, prior_has_match=1e-9))
    weak = index.search(report(name="刘洋", sex="男", birth_year="1995"))[0]
    assert weak.band != "likely"
    assert weak.posterior < strong.posterior


def test_contributions_add_up_to_the_weight() -> None:
    reports, _found, _truth = _small_world()
    index = _index()
    for r in reports[:30]:
        for candidate in index.search(r, top=3):
            assert sum(candidate.contributions) == pytest.approx(candidate.weight)


# --- bad fields ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "column"),
    [({"sex": "x"}, "sex"), ({"missing_date": "1998-13"}, "missing_date"),
     ({"birth_calendar": "阴阳历"}, "birth_calendar"), ({"age_stated": "很小"}, "age_stated"),
     ({"birth_year": "一九九八"}, "birth_year")],
)  # fmt: skip
def test_a_bad_report_field_names_its_column(fields: dict[str, str], column: str) -> None:
    with pytest.raises(FieldError) as error:
        report(**fields)
    assert error.value.field == column


def test_a_bad_found_field_names_its_column() -> None:
    with pytest.raises(FieldError) as error:
        found(est_age_low="三十")
    assert error.value.field == "est_age_low"


def test_encoding_keeps_one_row_per_record() -> None:
    _reports, found_records, _truth = _small_world()
    columns = encode_found(found_records)
    assert len(columns) == len(found_records)
    assert columns.sur.shape == (len(found_records), 6)


def test_a_parents_surname_remembered_as_xing_x_meets_the_father() -> None:
    # Regression: "姓王" was split as the surname 姓 with the given name 王, so a father's
    # surname remembered that way never agreed (a third of the true pairs' parent level).
    family = report(name="王小明", father_name="王建国")
    for remembered in ("姓王", "王", "王建国"):
        person = found(parent_surname_remembered=remembered, parent_relation="父亲")
        assert compare_pair(family, person)[COMPARISONS_BY_NAME["parent"]] == 1, remembered


def test_a_remembered_nickname_core_meets_the_given_name_of_a_report_without_nickname() -> None:
    # Regression: only the family's 小名 core was compared; a found person remembering
    # 辉娃 (or 辉辉) met a report of 王海辉 without a 小名 at "different".
    family = report(name="王海辉")
    for remembered in ("辉娃", "辉辉", "小辉"):
        person = found(name="李刚", name_remembered=remembered)
        level = compare_pair(family, person)[COMPARISONS_BY_NAME["name"]]
        assert COMPARISONS[COMPARISONS_BY_NAME["name"]].levels[level] == "nickname_core"
        index = index_with([person])
        (best,) = [c for c in index.search(family, top=500) if c.found_id == "F"]
        assert best.levels[COMPARISONS_BY_NAME["name"]] == level


def test_a_model_fitted_on_known_pairs_has_interactions_that_survive_json() -> None:
    from homeward.linkage.model import Model
    from homeward.linkage.train import estimate_u_only, fit_from_truth

    reports, people, truth = _small_world()
    index = FoundIndex.build(people, default_model())
    fitted = fit_from_truth(reports, index, truth, start=default_model(), random_pairs=20_000)
    assert set(fitted.interactions) == ALL_INTERACTIONS
    again = Model.from_json(fitted.to_json())
    for key, bits in fitted.interaction_bits().items():
        assert np.allclose(again.interaction_bits()[key], bits, atol=1e-6)
        assert not bits[0].any() and not bits[:, 0].any()
    index.set_model(estimate_u_only(reports, index, again, random_pairs=20_000))
    # the interactions are in the contributions (of "time"), which still add up
    for r in reports[:30]:
        for candidate in index.search(r, top=3):
            assert sum(candidate.contributions) == pytest.approx(candidate.weight)
    # a self-searcher found decades after the loss is not penalised like a street minor
    bits = again.interaction_bits()["time|source"]
    later = COMPARISONS[COMPARISONS_BY_NAME["time"]].levels.index("later")
    assert bits[3, later] > bits[1, later]


def test_search_many_in_two_processes_is_search_in_order() -> None:
    reports, _found, _truth = _small_world()
    index = _index()
    one = [index.search(r, top=5) for r in reports[:40]]
    assert index.search_many(reports[:40], top=5, workers=2) == one
    assert index.search_many(reports[:40], top=5) == one


def test_levels_of_a_slice_are_those_of_its_rows() -> None:
    reports, _found, _truth = _small_world()
    index = _index()
    q = encode_report(reports[3])
    by_slice = index.levels(q, slice(100, 700))
    by_rows = index.levels(q, np.arange(100, 700))
    for a, b in zip(by_slice, by_rows, strict=True):
        assert np.array_equal(a, b)


# --- evidence added in engine 1.1 ---------------------------------------------------------


def _level(family: Report, person: Found, comparison: str) -> str:
    """The level of ``comparison`` by the reference and by the index (they must agree)."""
    ci = COMPARISONS_BY_NAME[comparison]
    level = compare_pair(family, person)[ci]
    index = FoundIndex.build([person], prior_model())
    fast = index.levels(encode_report(family), np.arange(1, dtype=np.intp))[0][0, ci]
    assert fast == level
    return COMPARISONS[ci].levels[level]


def test_an_age_estimate_is_compared_by_distance_and_precision() -> None:
    family = report(sex="男", birth_date="1990-06-01", missing_date="1994-03")
    common = {"sex": "男", "found_date": "2000-06-01"}
    # bone age 10 ± 1 in 2000: born about 1990.4, σ about 1.5 y: within 1 σ, moderate
    assert _level(family, found(est_age_low="9", est_age_high="11", age_method="骨龄",
                                **common), "age") == "close_centred"  # fmt: skip
    # the same centre by eye (σ 3 y): the same distance says less
    assert _level(family, found(est_age_low="5", est_age_high="15", age_method="目测",
                                **common), "age") == "wide_centred"  # fmt: skip
    # bone age 13 to 14: about 2.4 σ from the family's date
    assert _level(family, found(est_age_low="13", est_age_high="14", age_method="骨龄",
                                **common), "age") == "near"  # fmt: skip
    assert _level(family, found(est_age_low="17", est_age_high="19", age_method="骨龄",
                                **common), "age") == "far"  # fmt: skip
    # dental age of a child (σ 1 y) against a birth date known to the day: "tight"
    child = found(est_age_low="3", est_age_high="4", age_method="牙齿", found_date="1994-06-01")
    assert _level(family, child, "age") == "tight"


def test_an_estimate_is_centred_on_its_range() -> None:
    from homeward.linkage import ages

    birth = ages.birth_from_estimate(4, 6, method="bone", at=ages.PartialDate(2000, 7, 2))
    assert birth.centre == pytest.approx(2000.5 - 5, abs=0.01)
    assert 1.3 < birth.spread < birth.width / 2


def test_a_remembered_name_that_agrees_with_nothing_weighs_against() -> None:
    family = report(name="王海辉", nickname="辉娃")
    renamed = found(name="李刚")
    remembers_other = found(name="李刚", name_remembered="石头")
    assert _level(family, renamed, "name") == "different"
    assert _level(family, remembers_other, "name") == "remembered_different"
    assert _level(family, found(name="李刚", name_remembered="辉娃"), "name") == "nickname_exact"


def test_marks_on_one_side_only_have_their_own_levels() -> None:
    marked = report(marks="左肩有胎记")
    unmarked = report(name="王海辉")
    assert _level(marked, found(name="李刚"), "marks") == "found_unmarked"
    assert _level(unmarked, found(marks="胎记，右手"), "marks") == "report_unmarked"
    # a scar may be newer than the loss: only scars on the found person is its own level
    assert _level(unmarked, found(marks="疤，右手"), "marks") == "report_unmarked_acquired"
    assert _level(unmarked, found(marks="疤，右手;痣（脸上）"), "marks") == "report_unmarked"
    assert _level(marked, found(marks="烫伤疤（右手）"), "marks") == "none_shared_acquired"
    assert _level(marked, found(marks="黑痣（右手）"), "marks") == "none_shared"
    weights = default_model().weights()[COMPARISONS_BY_NAME["marks"]]
    levels = COMPARISONS[COMPARISONS_BY_NAME["marks"]].levels
    assert weights[levels.index("none_shared_acquired")] > weights[levels.index("none_shared")]
    assert _level(unmarked, found(name="李刚"), "marks") == "null"
    assert _level(marked, found(marks="胎记（左肩膀）"), "marks") == "same_place"


def test_a_finding_decades_after_the_loss_is_its_own_time_level() -> None:
    family = report(missing_date="1995-04")
    assert _level(family, found(found_date="2020-01-01"), "time") == "decades"
    assert _level(family, found(found_date="2004-01-01"), "time") == "later"
    assert _level(family, found(found_date="1995-09-01"), "time") == "within_year"


@pytest.mark.parametrize("leave_group_out", [False, True])
def test_em_without_labels_estimates_m_and_the_interactions(leave_group_out: bool) -> None:
    from homeward.linkage.train import train

    reports, people, _truth = _small_world()
    index = FoundIndex.build(people, prior_model())
    start = prior_model()
    model = train(reports, index, start=start, random_pairs=20_000, keep=50, iterations=5,
                  rounds=2, leave_group_out=leave_group_out, estimate_prior=True)  # fmt: skip
    assert set(model.interactions) == ALL_INTERACTIONS
    for key, (m_cond, _u_cond) in model.interactions.items():
        first = key.partition("|")[0]
        marginal = start.m[COMPARISONS_BY_NAME[first]]
        # the m side was estimated: its rows are no longer the starting marginal
        assert not np.allclose(m_cond[1:], marginal, atol=1e-3)
        assert np.allclose(m_cond[:, 1:].sum(axis=1), 1.0)
        assert np.isfinite(model.interaction_bits()[key]).all()
    moved = [not np.allclose(a, b, atol=1e-3) for a, b in zip(model.m, start.m, strict=True)]
    assert sum(moved) >= 8
    assert 0.05 <= model.prior_has_match <= 0.95
    assert model.provenance["method"].startswith("u from random pairs")


def test_the_model_trained_without_labels_ships_with_its_distance_from_the_labelled_one() -> None:
    from homeward.linkage import io

    em = io.read_em_model()
    labelled = io.read_bundled_model()
    assert "EM" in em.provenance["method"] and "labels" not in em.provenance["method"]
    assert "without labels" in em.provenance["trained_on"]
    gap = em.provenance["distance_to_labelled_m"]
    assert set(gap) == {c.name for c in COMPARISONS}
    # the recorded distance is the distance between the shipped m (to JSON precision,
    # give or take the labelled model's later refits: within 0.05)
    for ci, c in enumerate(COMPARISONS):
        actual = float(np.abs(em.m[ci][1:] - labelled.m[ci][1:]).max())
        assert actual == pytest.approx(gap[c.name]["max_abs"], abs=0.05), c.name
    # it ranks: the same search API, bands from the labelled model
    reports, people, _truth = _small_world()
    index = FoundIndex.build(people, em)
    assert index.search(reports[0], top=3)


def test_landmarks_remembered_beyond_the_familys_have_their_own_levels() -> None:
    family = report(home_features="家门口有小河，屋后有竹林")
    assert (
        _level(family, found(landmarks_remembered="记得小溪，记得竹子"), "landmarks") == "several"
    )
    assert _level(family, found(landmarks_remembered="记得河沟"), "landmarks") == "one"
    assert _level(family, found(landmarks_remembered="记得河沟，记得庙"), "landmarks") == "one"
    many = found(landmarks_remembered="记得河沟，记得寺庙，记得煤矿")
    assert _level(family, many, "landmarks") == "one_among_others"
    assert _level(family, found(landmarks_remembered="记得庙"), "landmarks") == "none"
    several = found(landmarks_remembered="记得寺庙，记得煤矿")
    assert _level(family, several, "landmarks") == "none_of_several"
    levels = COMPARISONS[COMPARISONS_BY_NAME["landmarks"]].levels
    weights = default_model().weights()[COMPARISONS_BY_NAME["landmarks"]]
    assert weights[levels.index("one_among_others")] < weights[levels.index("one")]
    assert weights[levels.index("none_of_several")] < weights[levels.index("none")]


def test_the_place_of_the_loss_is_not_a_landmark_of_home() -> None:
    family = report(missing_place="学校门口", home_features="屋后有竹林")
    assert family.home_keys == frozenset({"竹林"})


def test_the_age_at_the_loss_conditions_what_a_found_person_remembers() -> None:
    from homeward.linkage.comparisons import LOSS_AGE_CLASSES, loss_age_class

    baby = encode_report(report(birth_date="2001-03-01", missing_date="2002-05"))
    older = encode_report(report(birth_date="2001-03-01", missing_date="2011-05"))
    assert LOSS_AGE_CLASSES[baby.loss_age] == "under_2_5"
    assert LOSS_AGE_CLASSES[older.loss_age] == "9_plus"
    assert encode_report(report(missing_date="2011-05")).loss_age == 0
    assert loss_age_class(2001.0, 2002.0, 2006.5) == LOSS_AGE_CLASSES.index("4_to_6")
    # the bundled model: a child lost at nine who remembers no name at all is rarely the
    # child; for one lost as a baby a name that agrees with nothing says little
    bits = default_model().interaction_bits()["name|loss_age"]
    different = COMPARISONS[COMPARISONS_BY_NAME["name"]].levels.index("different")
    assert bits[baby.loss_age, different] > bits[older.loss_age, different]
    # ... and the interaction is in the contributions of a search
    people = [found("F", name="李刚", sex="男", found_date="2003-01-01")]
    index = index_with(people)
    family = report(birth_date="2001-03-01", missing_date="2002-05", sex="男", name="王海辉")
    (candidate,) = [c for c in index.search(family, top=500) if c.found_id == "F"]
    assert sum(candidate.contributions) == pytest.approx(candidate.weight)


def test_a_parents_surname_is_weighed_by_the_surname_that_agrees() -> None:
    # 覃 is rare, 王 common: remembering the mother's 覃 says more than the father's 王.
    family = report(name="王海辉", father_name="王建国", mother_name="覃秀英")
    rare = found("A", parent_surname_remembered="覃", parent_relation="母亲")
    common = found("B", parent_surname_remembered="王", parent_relation="父亲")
    index = index_with([rare, common])
    parent = COMPARISONS_BY_NAME["parent"]
    by_id = {c.found_id: c for c in index.search(family, top=500)}
    assert by_id["A"].levels[parent] == by_id["B"].levels[parent] == 1
    assert by_id["A"].contributions[parent] > by_id["B"].contributions[parent] + 0.5
