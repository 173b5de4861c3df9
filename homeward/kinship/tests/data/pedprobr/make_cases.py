"""Write ``cases.tsv``: random single-locus duo, trio and couple cases for pedprobr.

Run from the repository root (no Django needed)::

    python homeward/kinship/tests/data/pedprobr/make_cases.py

Each case carries its own allele list and frequencies, so the engine and pedprobr use
exactly the same numbers: a locus of the bundled Chinese Appendix D table (renormalised,
as the engine's default policy does), plus any allele of the case that the table does
not list (an off-ladder or rare allele, given frequency 0.001), renormalised again so that
the list sums to 1 (pedtools requires it). The frequencies are written with 17 significant
digits, which R reads back to the same doubles.

Genotypes are drawn so that the hard cases are common: true families with one transmitted
allele moved by one or two repeats (apparent exclusions), unrelated people, and rare
alleles next to common ones (where an untested parent's mutation matrix matters most).
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[5]
sys.path.insert(0, str(ROOT))

from homeward.kinship.io import bundled_table_path, load_frequency_table  # noqa: E402
from homeward.kinship.profiles import allele_sort_key, allele_value  # noqa: E402

SEED = 20260418
CASES_PER_CONFIG = 40
SHAPES = ("duo_father", "duo_mother", "trio", "couple")
CONFIGS = (
    # (model, theta, paternal rate, maternal rate, duo rate, range, rate2)
    ("none", 0.0, 0.0, 0.0, 0.0, 0.0, 0.0),
    ("none", 0.01, 0.0, 0.0, 0.0, 0.0, 0.0),
    ("stepwise", 0.0, 0.002, 0.0005, 0.002, 0.1, 1e-6),
    ("stepwise", 0.0, 0.003, 0.0007, 0.0021, 0.1, 1e-5),
    ("stepwise", 0.01, 0.002, 0.0005, 0.002, 0.1, 1e-6),
)
RARE_FREQUENCY = 0.001
LOCI = (
    "D3S1358", "vWA", "FGA", "D8S1179", "D21S11", "D18S51", "D5S818", "D13S317",
    "D7S820", "D16S539", "TH01", "TPOX", "CSF1PO", "D2S1338", "D19S433", "Penta D",
    "Penta E", "D12S391", "D6S1043", "D10S1248", "D1S1656", "D2S441",
)  # fmt: skip


def _label(value: float) -> str:
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _locus_case(rng: np.random.Generator, table: object, locus: str, shape: str) -> dict[str, str]:
    lf = table.locus(locus)  # type: ignore[attr-defined]
    alleles = list(lf.alleles)
    p = np.asarray(lf.population, dtype=np.float64)

    def draw() -> str:
        return str(alleles[rng.choice(len(alleles), p=p / p.sum())])

    def genotype() -> list[str]:
        return [draw(), draw()]

    def neighbour(allele: str) -> str:
        steps = int(rng.choice([-2, -1, -1, 1, 1, 2]))
        value = max(allele_value(allele) + steps, 1.0)
        return _label(value)

    father, mother = genotype(), genotype()
    kind = rng.choice(["family", "mutated", "unrelated", "rare"], p=[0.25, 0.35, 0.2, 0.2])
    paternal, maternal = father[rng.integers(2)], mother[rng.integers(2)]
    if kind == "mutated":
        if rng.random() < 0.7:
            paternal = neighbour(paternal)
        else:
            maternal = neighbour(maternal)
    elif kind == "unrelated":
        paternal, maternal = draw(), draw()
    elif kind == "rare":
        # A rare or unlisted allele one repeat from a common one.
        common = alleles[int(np.argmax(p))]
        rare = neighbour(common) if rng.random() < 0.6 else f"{int(allele_value(common))}.2"
        if rng.random() < 0.5:
            paternal = rare
        else:
            maternal = rare
            father[rng.integers(2)] = common
    child = [maternal, paternal]
    present = {*father, *mother, *child}
    universe = sorted(set(alleles) | present, key=allele_sort_key)
    listed = dict(zip(alleles, p.tolist(), strict=True))
    freqs = np.array([listed.get(a, RARE_FREQUENCY) for a in universe], dtype=np.float64)
    freqs = freqs / freqs.sum()
    shown = {
        "duo_father": (father, None),
        "duo_mother": (None, mother),
        "trio": (father, mother),
        "couple": (father, mother),
    }[shape]

    def text(g: list[str] | None) -> str:
        if g is None:
            return "-"
        a, b = sorted(g, key=allele_sort_key)
        return f"{a}/{b}"

    return {
        "locus": locus,
        "alleles": ",".join(universe),
        "freqs": ",".join(f"{f:.17g}" for f in freqs),
        "father": text(shown[0]),
        "mother": text(shown[1]),
        "child": text(child),
    }


def main() -> None:
    table = load_frequency_table(bundled_table_path("china"))
    rng = np.random.default_rng(SEED)
    header = [
        "id", "shape", "model", "theta", "paternal_rate", "maternal_rate", "duo_rate",
        "range", "rate2", "locus", "alleles", "freqs", "father", "mother", "child",
    ]  # fmt: skip
    rows = ["\t".join(header)]
    number = 0
    for model, theta, paternal, maternal, duo, range_, rate2 in CONFIGS:
        for shape in SHAPES:
            for _ in range(CASES_PER_CONFIG):
                number += 1
                case = _locus_case(rng, table, str(rng.choice(LOCI)), shape)
                values = [
                    f"V{number:04d}", shape, model, repr(theta), repr(paternal), repr(maternal),
                    repr(duo), repr(range_), repr(rate2), case["locus"], case["alleles"],
                    case["freqs"], case["father"], case["mother"], case["child"],
                ]  # fmt: skip
                rows.append("\t".join(values))
    out = Path(__file__).with_name("cases.tsv")
    out.write_text("\n".join(rows) + "\n", encoding="utf-8")
    sys.stdout.write(f"wrote {number} cases to {out}\n")


if __name__ == "__main__":
    main()
