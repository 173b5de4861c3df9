"""Files as Chinese laboratories have them (issue 18): GBK/GB18030 and UTF-16 exports,
truncated rows, off-ladder and impossible alleles, and large files read as a stream."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from homeward.kinship.compare import compare_duo
from homeward.kinship.frequencies import FrequencyTable
from homeward.kinship.io import (
    TextEncodingError,
    bundled_allele_ranges,
    bundled_table_path,
    detect_encoding,
    read_profiles_file,
    write_profiles_csv,
)
from homeward.kinship.profiles import Profile, ProfileError
from homeward.kinship.ranges import AlleleStatus, allele_status
from homeward.kinship.simulate import PANELS, simulate_families

ROOT = Path(__file__).resolve().parents[3]
TABLE = str(bundled_table_path("china"))
HEADER = "sample,locus,allele1,allele2\n"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(  # noqa: S603 - fixed interpreter and module
        [sys.executable, "-m", "homeward.kinship", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=120,
        check=False,
    )


@pytest.fixture(scope="module")
def family_rows(china: FrequencyTable) -> str:
    """Long-form rows of a child, its father and an unrelated person (21 loci), with a
    Chinese laboratory note in a comment-like sample name column of the header."""
    pop = simulate_families(china, 1, seed=91, loci=PANELS[21], unrelated=1)
    rows = []
    for sample, profile in (
        ("C1", pop.profile("child", 0)),
        ("F1", pop.profile("father", 0)),
        ("U1", pop.profile("unrelated", 0)),
    ):
        rows += [f"{sample},{locus},{a},{b}\n" for locus, (a, b) in profile.genotypes.items()]
    return "".join(rows)


# --- encodings --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("encoding", "expected"),
    [
        ("gbk", "GB18030 (GBK)"),
        ("gb18030", "GB18030 (GBK)"),
        ("utf-16", "UTF-16"),
        ("utf-8-sig", "UTF-8 (BOM)"),
        ("utf-8", "UTF-8"),
    ],
)
def test_a_file_saved_by_chinese_excel_is_read_in_its_encoding(
    encoding: str, expected: str
) -> None:
    text = "样本编号,基因座,等位基因1,等位基因2\n" + "CQ0001,vWA,14,17\n" * 20
    assert detect_encoding(text.encode(encoding)).name == expected


def test_utf16_without_a_byte_order_mark_is_recognised() -> None:
    data = "sample\tlocus\tallele1\tallele2\nC1\tvWA\t14\t17\n".encode("utf-16-le")
    assert detect_encoding(data).codec == "utf_16_le"


def test_an_encoding_that_cannot_be_told_apart_is_refused_not_guessed() -> None:
    # Two Chinese characters read equally well as GB18030 (样本) and as Big5 (欴掛).
    with pytest.raises(TextEncodingError, match="cannot tell the file's encoding"):
        detect_encoding("样本\nA,B\n".encode("gbk"))


def test_the_cli_reads_a_gbk_file_and_says_so(tmp_path: Path, family_rows: str) -> None:
    """Sample names in Chinese, saved by Chinese Excel as GBK (the issue's crash)."""
    body = HEADER + family_rows.replace("C1,", "子女甲,").replace("F1,", "父亲甲,")
    path = tmp_path / "gbk.csv"
    path.write_bytes(body.encode("gbk"))
    done = run(
        "compare",
        "--table",
        TABLE,
        "--profiles",
        str(path),
        "--child",
        "子女甲",
        "--father",
        "父亲甲",
    )
    assert done.returncode == 0, done.stderr
    output = json.loads(done.stdout)
    assert output["input"]["profiles_encoding"] == "GB18030 (GBK)"
    assert output["results"][0]["samples"] == {"child": "子女甲", "father": "父亲甲"}
    assert output["results"][0]["decision"] == "SUPPORTS"
    assert "read as GB18030 (GBK)" in done.stderr


def test_the_cli_reads_excel_unicode_text(tmp_path: Path, family_rows: str) -> None:
    """Excel's "Unicode text": UTF-16 with a byte-order mark, tab-separated."""
    path = tmp_path / "utf16.txt"
    path.write_bytes(("\ufeff" + (HEADER + family_rows).replace(",", "\t")).encode("utf-16-le"))
    done = run(
        "compare", "--table", TABLE, "--profiles", str(path), "--child", "C1", "--father", "F1"
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["input"]["profiles_encoding"] == "UTF-16"


def test_a_file_whose_encoding_changes_midway_names_the_line(
    tmp_path: Path, china: FrequencyTable
) -> None:
    path = tmp_path / "mixed.csv"
    ascii_rows = "".join(f"C{i},vWA,14,17\n" for i in range(200_000))
    path.write_bytes(HEADER.encode() + ascii_rows.encode() + "C9,vWA,１４,17\n".encode("gbk"))
    with pytest.raises(ProfileError, match=r"at or after line \d+ the bytes are not valid UTF-8"):
        read_profiles_file(path, china)


# --- rows and alleles -------------------------------------------------------------------


@pytest.mark.parametrize("row", ["C1,TH01\n", "C1,TH01,,\n", "C1,TH01, , \n"])
def test_a_truncated_row_is_an_error_naming_the_row(
    tmp_path: Path, china: FrequencyTable, row: str
) -> None:
    path = tmp_path / "t.csv"
    path.write_text(HEADER + "C1,vWA,14,17\n" + row, encoding="utf-8")
    with pytest.raises(ProfileError, match="line 3"):
        read_profiles_file(path, china)


def test_off_ladder_alleles_are_scored_and_flagged_impossible_ones_refused(
    tmp_path: Path, china: FrequencyTable
) -> None:
    ranges = bundled_allele_ranges()
    freqs = china.locus("D3S1358")
    assert allele_status(freqs, ranges, "9.3") == AlleleStatus.UNLISTED
    assert allele_status(freqs, ranges, "15") == AlleleStatus.LISTED
    assert allele_status(china.locus("TH01"), ranges, "99") == AlleleStatus.IMPOSSIBLE
    child = Profile.build("C", {"D3S1358": "9.3/15", "vWA": "14/17"})
    father = Profile.build("F", {"D3S1358": "9.3/16", "vWA": "14/18"})
    result = compare_duo(china, father, child, parent_role="father")
    d3 = next(row for row in result.loci if row.locus == "D3S1358")
    assert d3.flags and "9.3" in d3.flags[0] and "floor 0.001" in d3.flags[0]
    assert result.rare_alleles and any("D3S1358" in w for w in result.warnings)
    assert result.as_dict()["loci"][0]["flags"] or result.as_dict()["loci"][1]["flags"]
    path = tmp_path / "th01.csv"
    path.write_text(HEADER + "C1,TH01,99,9\n", encoding="utf-8")
    done = run(
        "compare", "--table", TABLE, "--profiles", str(path), "--child", "C1", "--father", "C1"
    )
    assert done.returncode == 2 and "allele 99 at TH01 is outside" in done.stderr


def test_comparing_three_samples_reads_only_their_rows(
    tmp_path: Path, china: FrequencyTable, family_rows: str
) -> None:
    """Other samples' rows are skipped unread: a malformed row of another sample does not
    stop the comparison, and only the named profiles are built."""
    path = tmp_path / "big.csv"
    with path.open("w", encoding="utf-8") as handle:
        handle.write(HEADER + family_rows)
        for i in range(5_000):
            handle.write(f"X{i},vWA,14,17\nX{i},TH01,not-an-allele,\n")
    encoding, profiles = read_profiles_file(path, china, samples={"C1", "F1"})
    assert encoding.name == "UTF-8" and set(profiles) == {"C1", "F1"}
    with pytest.raises(ProfileError, match="malformed allele"):
        read_profiles_file(path, china)


def test_profiles_round_trip_through_write(tmp_path: Path, china: FrequencyTable) -> None:
    child = Profile.build("C", {"D3S1358": "9.3/15", "vWA": "14/17"})
    path = tmp_path / "w.csv"
    write_profiles_csv(path, {"C": child})
    assert read_profiles_file(path, china)[1]["C"].genotypes == child.genotypes
