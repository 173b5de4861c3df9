"""Profiles, allele labels and frequency tables (loading, policies, errors, digest)."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from homeward.kinship.frequencies import FrequencyError, FrequencyPolicy, FrequencyTable
from homeward.kinship.io import (
    DATA_DIR,
    bundled_table_path,
    load_frequency_table,
    read_profiles_csv,
    write_profiles_csv,
)
from homeward.kinship.profiles import (
    AMELOGENIN,
    Profile,
    ProfileError,
    build_locus_map,
    make_genotype,
    normalise_allele,
    resolve_locus,
)

# --- profiles ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "canonical"),
    [("12", "12"), ("09", "9"), ("9.3", "9.3"), (" 32.2 ", "32.2"), ("10.0", "10"), ("326", "326")],
)
def test_allele_labels_are_canonical_strings(raw: str, canonical: str) -> None:
    assert normalise_allele(raw) == canonical


@pytest.mark.parametrize("bad", ["", "abc", "9..3", "-1", "1234", "9.33", "X", "12a"])
def test_malformed_alleles_are_rejected(bad: str) -> None:
    with pytest.raises(ProfileError, match="malformed allele"):
        normalise_allele(bad, locus="vWA")


def test_amelogenin_alleles() -> None:
    assert make_genotype(["y", "X"], locus=AMELOGENIN) == ("X", "Y")
    with pytest.raises(ProfileError):
        make_genotype("12", locus=AMELOGENIN)


@given(st.lists(st.sampled_from(["8", "9", "9.3", "10", "32.2"]), min_size=1, max_size=2))
def test_genotype_is_order_free(alleles: list[str]) -> None:
    assert make_genotype(alleles) == make_genotype(list(reversed(alleles)))
    first, second = make_genotype(alleles)
    assert float(first) <= float(second)


def test_single_allele_is_homozygous_and_three_are_refused() -> None:
    assert make_genotype("16") == ("16", "16")
    assert make_genotype(["9.3", "10"]) == ("9.3", "10")
    with pytest.raises(ProfileError, match="1 or 2 alleles"):
        make_genotype(["1", "2", "3"])


def test_profile_skips_missing_loci_and_carries_amelogenin() -> None:
    profile = Profile.build("S1", {"vWA": "17/18", "TH01": None, "FGA": [], AMELOGENIN: "X/Y"})
    assert dict(profile.genotypes) == {"vWA": ("17", "18")}
    assert profile.amelogenin == ("X", "Y")
    assert profile.genotype("TH01") is None
    with pytest.raises(TypeError):
        profile.genotypes["FGA"] = ("20", "21")  # type: ignore[index]


def test_profiles_pickle() -> None:
    import pickle

    profile = Profile.build("S1", {"vWA": "17/18", AMELOGENIN: "X"})
    again = pickle.loads(pickle.dumps(profile))  # noqa: S301 - our own object
    assert again == profile and again.amelogenin == ("X", "X")


def test_locus_aliases() -> None:
    known = build_locus_map(["Penta D", "vWA", "D22GATA198B05"])
    assert resolve_locus("PentaD", known) == "Penta D"
    assert resolve_locus("VWA", known) == "vWA"
    assert resolve_locus("D22GATA", known) == "D22GATA198B05"
    assert resolve_locus("AMEL", known) == AMELOGENIN
    with pytest.raises(ProfileError, match="unknown locus"):
        resolve_locus("D99S999", known)


# --- bundled tables -----------------------------------------------------------------------


def test_bundled_data_is_inside_the_package() -> None:
    assert DATA_DIR.parent.name == "kinship"
    for name in ("china", "norway"):
        assert bundled_table_path(name).exists()
    assert (DATA_DIR / "PROVENANCE.md").exists()


def test_chinese_table_defaults(china: FrequencyTable) -> None:
    assert len(china.loci) == 58
    assert "SE33" in china.excluded and "0.954" in china.excluded["SE33"]
    assert "SE33" not in china
    for name in china.loci:
        lf = china.locus(name)
        assert math.fsum(lf.population) == pytest.approx(1.0, abs=1e-12)
        assert all(lf.p(a) >= 0.001 for a in lf.alleles)
    # An allele the table does not list gets the floor 5/2N with N = 2500.
    assert china.locus("vWA").p("30") == pytest.approx(0.001)
    assert china.policy.floor == pytest.approx(0.001)
    with pytest.raises(FrequencyError, match="excluded"):
        china.locus("SE33")
    assert len(china.digest) == 64


def test_policy_options() -> None:
    path = bundled_table_path("china")
    raw = load_frequency_table(path, FrequencyPolicy(renormalise=False, floor_n=None))
    assert raw.locus("D3S1358").population == raw.locus("D3S1358").listed
    with pytest.raises(FrequencyError, match="no floor"):
        raw.locus("vWA").p("30")
    with_se33 = load_frequency_table(path, FrequencyPolicy(include_incomplete=True))
    assert "SE33" in with_se33 and "SE33" in with_se33.notes
    assert math.fsum(with_se33.locus("SE33").population) == pytest.approx(1.0)
    explicit = load_frequency_table(path, FrequencyPolicy(min_frequency=0.0005))
    assert explicit.locus("vWA").p("30") == 0.0005
    dropped = load_frequency_table(path, FrequencyPolicy(exclude_loci=("Penta E",)))
    assert "Penta E" in dropped.excluded
    # The digest depends on the content only, not on the policy.
    assert raw.digest == with_se33.digest == dropped.digest
    with pytest.raises(FrequencyError):
        FrequencyPolicy(floor_n=0)


def test_renormalisation_changes_a_19_locus_cpi_slightly(china: FrequencyTable) -> None:
    raw = load_frequency_table(bundled_table_path("china"), FrequencyPolicy(renormalise=False))
    loci = ["D3S1358", "vWA", "FGA", "D21S11", "Penta E", "TH01", "D2S1338"]
    ratio = math.prod(china.locus(k).p("14") / raw.locus(k).p("14") for k in loci[:2])
    assert ratio != 1.0 and abs(ratio - 1.0) < 1e-3


def test_digest_ignores_row_order_and_number_format(tmp_path: Path) -> None:
    first = tmp_path / "a.csv"
    second = tmp_path / "b.csv"
    first.write_text("locus,allele,frequency\nL,12,0.25\nL,13,0.75\n")
    second.write_text("locus,allele,frequency\nL,13,0.750\n L , 012 ,2.5e-1\n")
    third = tmp_path / "c.csv"
    third.write_text("locus,allele,frequency\nL,12,0.26\nL,13,0.74\n")
    digests = [load_frequency_table(p).digest for p in (first, second, third)]
    assert digests[0] == digests[1] != digests[2]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("L,12,-0.1\n", "line 2: negative frequency -0.1 for L allele 12"),
        ("L,12,0.5\nL,13\n", "line 3: expected 3 fields"),
        ("L,12,abc\n", "line 2: frequency 'abc' of L allele 12 is not a number"),
        ("L,12,nan\n", "not finite"),
        ("L,12,1.5\n", "> 1"),
        ("L,1x,0.5\n", "line 2: malformed allele '1x'"),
        (",12,0.5\n", "empty locus"),
        ("L,12,0.5\nL,12.0,0.5\n", "line 3: duplicate allele 12 at L"),
        ("", "no rows"),
    ],
)
def test_table_errors_are_clear(tmp_path: Path, body: str, message: str) -> None:
    path = tmp_path / "t.csv"
    path.write_text("locus,allele,frequency\n" + body)
    with pytest.raises(FrequencyError, match=message.replace("(", r"\(").replace("+", r"\+")):
        load_frequency_table(path)


def test_table_header_and_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text("marker,allele,p\nL,12,1\n")
    with pytest.raises(FrequencyError, match="header"):
        load_frequency_table(path)
    with pytest.raises(FrequencyError, match="cannot read"):
        load_frequency_table(tmp_path / "missing.csv")


def test_incomplete_locus_is_excluded_with_its_sum(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text("locus,allele,frequency\nA,1,0.5\nA,2,0.5\nB,1,0.5\nB,2,0.4\n")
    table = load_frequency_table(path)
    assert table.loci == ("A",)
    assert "0.9000" in table.excluded["B"]


# --- profiles CSV ----------------------------------------------------------------------


def test_profiles_csv_round_trip(tmp_path: Path, china: FrequencyTable) -> None:
    path = tmp_path / "p.csv"
    path.write_text(
        "sample,locus,allele1,allele2\nC1,vWA,18,17\nC1,PentaD,9,\nC1,AMEL,X,Y\nF1,VWA,17,17\n"
    )
    profiles = read_profiles_csv(path, china)
    assert dict(profiles["C1"].genotypes) == {"vWA": ("17", "18"), "Penta D": ("9", "9")}
    assert profiles["C1"].amelogenin == ("X", "Y")
    out = tmp_path / "q.csv"
    write_profiles_csv(out, profiles)
    again = read_profiles_csv(out, china)
    assert {k: dict(v.genotypes) for k, v in again.items()} == {
        k: dict(v.genotypes) for k, v in profiles.items()
    }


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("C1,D99S1,12,13\n", "line 2: unknown locus 'D99S1'"),
        ("C1,vWA,12,1x\n", "line 2: sample C1: malformed allele '1x' at vWA"),
        ("C1,vWA,12,13\nC1,VWA,12,13\n", "line 3: sample C1 has vWA twice"),
        ("C1,vWA,12\n", "line 2: expected 4 fields"),
        ("C1,vWA,12,13\nC1,TH01,,\n", "line 3: sample C1 has no allele at TH01"),
        ("C1,vWA,12,13\nC1,TH01,99,9\n", "line 3: sample C1: allele 99 at TH01 is outside"),
    ],
)
def test_profiles_csv_errors(
    tmp_path: Path, china: FrequencyTable, body: str, message: str
) -> None:
    path = tmp_path / "p.csv"
    path.write_text("sample,locus,allele1,allele2\n" + body)
    with pytest.raises(ProfileError, match=message):
        read_profiles_csv(path, china)
