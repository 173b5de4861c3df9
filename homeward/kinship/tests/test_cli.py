"""End-to-end tests of ``python -m homeward.kinship compare`` through a subprocess."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from homeward.kinship.frequencies import FrequencyTable
from homeward.kinship.io import bundled_table_path, write_profiles_csv
from homeward.kinship.mutation import MutationModel
from homeward.kinship.profiles import Profile
from homeward.kinship.simulate import PANELS, simulate_families

ROOT = Path(__file__).resolve().parents[3]
TABLE = str(bundled_table_path("china"))


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
def profiles_csv(tmp_path_factory: pytest.TempPathFactory, china: FrequencyTable) -> Path:
    pop = simulate_families(
        china, 1, seed=77, loci=PANELS[21], unrelated=1, mutation=MutationModel("none")
    )
    child = pop.profile("child", 0, "C1")
    child = Profile.build("C1", {**child.genotypes, "Amelogenin": "X/Y"})
    people = {
        "C1": child,
        "F1": pop.profile("father", 0, "F1"),
        "M1": pop.profile("mother", 0, "M1"),
        "U1": pop.profile("unrelated", 0, "U1"),
    }
    path = tmp_path_factory.mktemp("cli") / "profiles.csv"
    write_profiles_csv(path, people)
    return path


def test_duo_json(profiles_csv: Path) -> None:
    done = run(
        "compare",
        "--table",
        TABLE,
        "--profiles",
        str(profiles_csv),
        "--child",
        "C1",
        "--father",
        "F1",
    )
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    (result,) = data["results"]
    assert result["shape"] == "duo"
    assert result["samples"] == {"child": "C1", "father": "F1"}
    assert len(result["loci"]) == result["loci_compared"] == 21
    assert {"lr", "log10_lr", "inconsistent", "genotypes"} <= set(result["loci"][0])
    assert result["decision"] == "SUPPORTS"
    assert result["inconsistent_loci"] == 0
    assert 0.9999 < result["w"] <= 1.0
    assert result["provenance"]["parameters"]["mutation"]["model"] == "simple"
    assert len(result["provenance"]["table_digest"]) == 64


def test_couple_and_known_mother_csv(profiles_csv: Path) -> None:
    base = ["compare", "--table", TABLE, "--profiles", str(profiles_csv), "--child", "C1"]
    done = run(
        *base,
        "--father",
        "F1",
        "--mother",
        "M1",
        "--known-mother",
        "--format",
        "csv",
        "--theta",
        "0.01",
    )
    assert done.returncode == 0, done.stderr
    rows = list(csv.DictReader(io.StringIO(done.stdout)))
    combined = [row for row in rows if row["locus"] == "COMBINED"]
    assert [row["shape"] for row in combined] == ["couple", "trio"]
    assert all(row["decision"] == "SUPPORTS" for row in combined)
    assert len([row for row in rows if row["shape"] == "couple"]) == 22
    couple = json.loads(run(*base, "--father", "F1", "--mother", "M1").stdout)["results"]
    assert [r["shape"] for r in couple] == ["couple"]
    assert couple[0]["samples"] == {"child": "C1", "father": "F1", "mother": "M1"}


def test_stranger_is_excluded_and_mutation_none_gives_null(profiles_csv: Path) -> None:
    base = ["compare", "--table", TABLE, "--profiles", str(profiles_csv), "--child", "C1"]
    done = run(*base, "--mother", "U1")
    result = json.loads(done.stdout)["results"][0]
    assert result["decision"] == "EXCLUDES" and result["inconsistent_loci"] >= 3
    assert result["samples"]["mother"] == "U1"
    strict = json.loads(run(*base, "--mother", "U1", "--mutation", "none").stdout)["results"][0]
    assert strict["log10_cpi"] is None and strict["cpi"] == 0.0
    stepwise = json.loads(run(*base, "--mother", "U1", "--mutation", "stepwise").stdout)
    assert stepwise["results"][0]["provenance"]["parameters"]["mutation"]["model"] == "stepwise"


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--father", "NOPE"], "unknown sample 'NOPE'"),
        ([], "give --father, --mother or both"),
        (["--father", "F1", "--known-mother"], "--known-mother needs both"),
        (["--father", "F1", "--theta", "1.5"], "theta must be in"),
    ],
)
def test_errors_exit_2(profiles_csv: Path, extra: list[str], message: str) -> None:
    done = run(
        "compare", "--table", TABLE, "--profiles", str(profiles_csv), "--child", "C1", *extra
    )
    assert done.returncode == 2
    assert message in done.stderr
    assert done.stdout == ""


def test_file_errors_exit_2(tmp_path: Path) -> None:
    bad_locus = tmp_path / "p1.csv"
    bad_locus.write_text("sample,locus,allele1,allele2\nC1,D99S9,12,13\nF1,vWA,12,13\n")
    done = run(
        "compare", "--table", TABLE, "--profiles", str(bad_locus), "--child", "C1", "--father", "F1"
    )
    assert done.returncode == 2 and "unknown locus 'D99S9'" in done.stderr
    bad_allele = tmp_path / "p2.csv"
    bad_allele.write_text("sample,locus,allele1,allele2\nC1,vWA,12,1x\nF1,vWA,12,13\n")
    done = run(
        "compare",
        "--table",
        TABLE,
        "--profiles",
        str(bad_allele),
        "--child",
        "C1",
        "--father",
        "F1",
    )
    assert done.returncode == 2 and "malformed allele '1x'" in done.stderr
    bad_table = tmp_path / "t.csv"
    bad_table.write_text("locus,allele,frequency\nvWA,12,-0.5\n")
    done = run(
        "compare",
        "--table",
        str(bad_table),
        "--profiles",
        str(bad_allele),
        "--child",
        "C1",
        "--father",
        "F1",
    )
    assert done.returncode == 2 and "negative frequency" in done.stderr
    done = run(
        "compare",
        "--table",
        TABLE,
        "--profiles",
        str(tmp_path / "none.csv"),
        "--child",
        "C1",
        "--father",
        "F1",
    )
    assert done.returncode == 2 and "cannot read profiles" in done.stderr
    done = run("compare", "--table", TABLE)
    assert done.returncode == 2  # argparse usage error
