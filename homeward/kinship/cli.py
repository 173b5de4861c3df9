"""Command line: ``python -m homeward.kinship compare ...``.

Examples::

    python -m homeward.kinship compare --table FREQ.csv --profiles PROFILES.csv \\
        --child C1 --father F1                       # duo
    python -m homeward.kinship compare ... --child C1 --father F1 --mother M1
                                                     # couple vs child
    python -m homeward.kinship compare ... --father F1 --mother M1 --known-mother
                                                     # couple, then the trio index

Output (``--format json``, default, or ``csv``): every locus's index, and the combined
LR with log10, W, the number of inconsistent loci, the number of loci compared, the CPE
and the decision, plus provenance and the encoding the profiles were read in (a file that
is not UTF-8 is also named on stderr). Errors (unknown sample, unknown locus, malformed
or impossible allele, truncated row, undecidable encoding, bad table) go to stderr with
exit code 2.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
from collections.abc import Sequence
from typing import Any

from .compare import compare_couple, compare_duo, compare_trio
from .decisions import DecisionRules
from .frequencies import DEFAULT_FLOOR_N, FrequencyError, FrequencyPolicy
from .io import TextEncoding, load_frequency_table, read_profiles_file
from .likelihood import KinshipParams
from .mutation import MutationModel
from .profiles import Profile, ProfileError, genotype_label
from .results import KinshipResult, finite_or_none

EXIT_USAGE = 2


class CliError(Exception):
    """An error reported to the user with exit code 2."""


def build_parser() -> argparse.ArgumentParser:
    """Argument parser of the ``homeward.kinship`` command."""
    parser = argparse.ArgumentParser(
        prog="python -m homeward.kinship",
        description="Kinship likelihood ratios (paternity / maternity / couple vs child).",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    compare = commands.add_parser("compare", help="compare a child with a parent or a couple")
    compare.add_argument("--table", required=True, help="frequency CSV locus,allele,frequency")
    compare.add_argument("--profiles", required=True, help="CSV sample,locus,allele1,allele2")
    compare.add_argument("--child", required=True, help="sample id of the child")
    compare.add_argument("--father", help="sample id of the (alleged) father")
    compare.add_argument("--mother", help="sample id of the (alleged) mother")
    compare.add_argument(
        "--known-mother",
        action="store_true",
        help="with --father and --mother: also give the trio index (mother taken as known)",
    )
    compare.add_argument("--theta", type=float, default=0.0, help="coancestry theta (0)")
    compare.add_argument(
        "--mutation", choices=("simple", "stepwise", "none"), default="simple", help="(simple)"
    )
    compare.add_argument("--format", choices=("json", "csv"), default="json")
    compare.add_argument(
        "--floor-n",
        type=int,
        default=DEFAULT_FLOOR_N,
        help=f"NRC II floor 5/2N: N ({DEFAULT_FLOOR_N} -> 0.001)",
    )
    compare.add_argument(
        "--no-renormalise", action="store_true", help="use listed frequencies as they are"
    )
    compare.add_argument(
        "--include-incomplete",
        action="store_true",
        help="use incomplete loci (e.g. SE33), renormalised and flagged",
    )
    return parser


def _profile(profiles: dict[str, Profile], sample: str, role: str) -> Profile:
    found = profiles.get(sample)
    if found is None:
        raise CliError(f"unknown sample {sample!r} (--{role}) in the profiles file")
    return found


def run_compare(args: argparse.Namespace) -> list[KinshipResult]:
    """Run the ``compare`` command and return its results."""
    return run_compare_with_input(args)[1]


def run_compare_with_input(
    args: argparse.Namespace,
) -> tuple[TextEncoding, list[KinshipResult]]:
    """Run the ``compare`` command: the profiles file's encoding and the results.

    Only the rows of the named samples are read, so comparing three people of a large
    file takes the memory of three profiles.
    """
    if args.father is None and args.mother is None:
        raise CliError("give --father, --mother or both")
    if args.known_mother and (args.father is None or args.mother is None):
        raise CliError("--known-mother needs both --father and --mother")
    try:
        policy = FrequencyPolicy(
            renormalise=not args.no_renormalise,
            floor_n=args.floor_n,
            include_incomplete=args.include_incomplete,
        )
        params = KinshipParams(theta=args.theta, mutation=MutationModel(kind=args.mutation))
    except ValueError as exc:
        raise CliError(str(exc)) from None
    table = load_frequency_table(args.table, policy)
    wanted = {s for s in (args.child, args.father, args.mother) if s is not None}
    encoding, profiles = read_profiles_file(args.profiles, table, samples=wanted)
    child = _profile(profiles, args.child, "child")
    rules = DecisionRules()
    if args.father is not None and args.mother is not None:
        father = _profile(profiles, args.father, "father")
        mother = _profile(profiles, args.mother, "mother")
        results = [compare_couple(table, father, mother, child, params, rules)]
        if args.known_mother:
            results.append(compare_trio(table, mother, father, child, params, rules))
        return encoding, results
    role = "father" if args.father is not None else "mother"
    parent = _profile(profiles, args.father or args.mother, role)
    return encoding, [compare_duo(table, parent, child, params, rules, parent_role=role)]


CSV_FIELDS = (
    "shape",
    "locus",
    "locus_shape",
    "child",
    "father",
    "mother",
    "parent",
    "lr",
    "log10_lr",
    "inconsistent",
    "mutation_applied",
    "exclusion_power",
    "w",
    "loci_compared",
    "cpe",
    "decision",
    "note",
)


def format_csv(results: Sequence[KinshipResult]) -> str:
    """Per-locus rows then a ``COMBINED`` row per result."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_FIELDS, lineterminator="\n")
    writer.writeheader()
    for result in results:
        for row in result.loci:
            record: dict[str, Any] = {
                "shape": result.shape,
                "locus": row.locus,
                "locus_shape": row.shape,
                "lr": repr(row.lr),
                "log10_lr": finite_or_none(row.log10_lr),
                "inconsistent": int(row.inconsistent),
                "mutation_applied": int(row.mutation_applied),
                "exclusion_power": repr(row.exclusion_power),
                "note": row.note,
            }
            for role, genotype in row.genotypes.items():
                record[role] = genotype_label(genotype)
            writer.writerow(record)
        writer.writerow(
            {
                "shape": result.shape,
                "locus": "COMBINED",
                "lr": repr(result.cpi),
                "log10_lr": finite_or_none(result.log10_cpi),
                "inconsistent": result.inconsistent_loci,
                "w": repr(result.w),
                "loci_compared": result.loci_compared,
                "cpe": repr(result.cpe),
                "decision": result.decision.value,
                "note": "; ".join(result.warnings),
                **{role: sample for role, sample in result.samples.items()},
            }
        )
    return buffer.getvalue()


def format_json(results: Sequence[KinshipResult], encoding: TextEncoding | None = None) -> str:
    """``{"results": [...], "input": {...}}`` with per-locus tables and provenance."""
    data: dict[str, Any] = {"results": [r.as_dict() for r in results]}
    if encoding is not None:
        data["input"] = {"profiles_encoding": encoding.name}
    return json.dumps(data, indent=2, allow_nan=False)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; returns the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        encoding, results = run_compare_with_input(args)
    except (CliError, FrequencyError, ProfileError) as exc:
        sys.stderr.write(f"error: {exc}\n")
        return EXIT_USAGE
    if encoding.detected or encoding.codec not in ("utf_8", "utf_8_sig"):
        sys.stderr.write(f"note: {args.profiles} read as {encoding.name}\n")
    text = format_csv(results) if args.format == "csv" else format_json(results, encoding)
    sys.stdout.write(text if text.endswith("\n") else text + "\n")
    return 0
