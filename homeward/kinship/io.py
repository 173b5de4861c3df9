"""All file input and output of the kinship engine.

* Frequency tables: CSV ``locus,allele,frequency`` (header required).
* Profiles: long-form CSV ``sample,locus,allele1,allele2`` (``allele2`` empty means
  homozygous; both empty means not typed).
* Reference index: a directory with ``manifest.json`` and one sub-directory per
  segment holding ``.npy`` arrays. Arrays are loaded with ``np.load(mmap_mode="r")``.
  The manifest is replaced atomically (written to a temporary file, then renamed).
* The bundled tables in ``homeward/kinship/data`` (the project never reads ``../shared``).
"""

from __future__ import annotations

import csv
import json
import os
import shutil
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from .frequencies import FrequencyError, FrequencyPolicy, FrequencyTable
from .profiles import AMELOGENIN, Profile, ProfileError, make_genotype, resolve_locus

DATA_DIR = Path(__file__).resolve().parent / "data"
"""Bundled data: the frequency tables and their PROVENANCE.md."""

BUNDLED_TABLES = {
    "china": "china_59loci_parentage_standard_appD.csv",
    "norway": "norway_dupuy2013_forrel.csv",
}
MANIFEST = "manifest.json"


def bundled_table_path(name: str = "china") -> Path:
    """Path of a bundled table: ``china`` (primary, Appendix D) or ``norway``."""
    try:
        return DATA_DIR / BUNDLED_TABLES[name]
    except KeyError:
        raise FrequencyError(
            f"unknown bundled table {name!r}; use one of {sorted(BUNDLED_TABLES)}"
        ) from None


def load_frequency_table(
    path: str | os.PathLike[str], policy: FrequencyPolicy | None = None
) -> FrequencyTable:
    """Read and validate a frequency CSV (``locus,allele,frequency``).

    Raises
    ------
    FrequencyError
        Missing file, wrong header, or any invalid row (with its line number).

    Examples
    --------
    >>> table = load_frequency_table(bundled_table_path("china"))
    >>> "SE33" in table.excluded, len(table.loci)
    (True, 58)
    """
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise FrequencyError(f"cannot read frequency table {file}: {exc.strerror}") from None
    reader = csv.reader(text.splitlines())
    header = next(reader, None)
    if header is None or [h.strip().lower() for h in header] != ["locus", "allele", "frequency"]:
        raise FrequencyError(f"{file}: the header must be 'locus,allele,frequency', got {header}")
    rows = ((number, fields) for number, fields in enumerate(reader, start=2) if any(fields))
    return FrequencyTable.from_rows(rows, policy, source=file.name)


def read_profiles_csv(path: str | os.PathLike[str], table: FrequencyTable) -> dict[str, Profile]:
    """Read long-form profiles ``sample,locus,allele1,allele2``.

    Locus names are resolved against the table (aliases such as ``PentaD`` accepted);
    Amelogenin is carried. A locus the table does not know is an error.

    Returns
    -------
    dict
        Sample id -> Profile, in file order.

    Raises
    ------
    ProfileError
        Missing file, wrong header, unknown locus, malformed allele, duplicate locus.
    """
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise ProfileError(f"cannot read profiles {file}: {exc.strerror}") from None
    reader = csv.reader(text.splitlines())
    header = next(reader, None)
    expected = ["sample", "locus", "allele1", "allele2"]
    if header is None or [h.strip().lower() for h in header] != expected:
        raise ProfileError(f"{file}: the header must be 'sample,locus,allele1,allele2'")
    samples: dict[str, dict[str, list[str]]] = {}
    for number, fields in enumerate(reader, start=2):
        if not any(field.strip() for field in fields):
            continue
        if len(fields) != 4:
            raise ProfileError(f"{file} line {number}: expected 4 fields, got {len(fields)}")
        sample, name, first, second = (field.strip() for field in fields)
        if not sample:
            raise ProfileError(f"{file} line {number}: empty sample id")
        try:
            locus = resolve_locus(name, table.locus_map)
        except ProfileError:
            raise ProfileError(
                f"{file} line {number}: unknown locus {name!r} (not in the frequency table)"
            ) from None
        loci = samples.setdefault(sample, {})
        if locus in loci:
            raise ProfileError(f"{file} line {number}: sample {sample} has {locus} twice")
        alleles = [a for a in (first, second) if a]
        try:
            if alleles:
                make_genotype(alleles, locus=locus)
        except ProfileError as exc:
            raise ProfileError(f"{file} line {number}: sample {sample}: {exc}") from None
        loci[locus] = alleles
    profiles: dict[str, Profile] = {}
    for sample, loci in samples.items():
        profiles[sample] = Profile.build(sample, {k: v or None for k, v in loci.items()})
    return profiles


def write_profiles_csv(path: str | os.PathLike[str], profiles: Mapping[str, Profile]) -> None:
    """Write profiles in the long form read by :func:`read_profiles_csv`."""
    with Path(path).open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["sample", "locus", "allele1", "allele2"])
        for sample, profile in profiles.items():
            for locus, genotype in profile.genotypes.items():
                writer.writerow([sample, locus, genotype[0], genotype[1]])
            if profile.amelogenin is not None:
                writer.writerow([sample, AMELOGENIN, *profile.amelogenin])


# ---------------------------------------------------------------------------
# Reference index persistence
# ---------------------------------------------------------------------------


def read_manifest(directory: str | os.PathLike[str]) -> dict[str, Any]:
    """Read ``manifest.json`` of an index directory."""
    file = Path(directory) / MANIFEST
    try:
        data: dict[str, Any] = json.loads(file.read_text(encoding="utf-8"))
    except OSError as exc:
        raise FileNotFoundError(f"no kinship index at {directory}: {exc.strerror}") from None
    return data


def write_manifest(directory: str | os.PathLike[str], manifest: Mapping[str, Any]) -> None:
    """Atomically replace ``manifest.json`` (write a temporary file, fsync, rename)."""
    folder = Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    temporary = folder / f".{MANIFEST}.tmp"
    with temporary.open("w", encoding="utf-8") as handle:
        json.dump(manifest, handle, indent=1, sort_keys=True)
        handle.flush()
        os.fsync(handle.fileno())
    temporary.replace(folder / MANIFEST)


def write_segment(
    directory: str | os.PathLike[str], name: str, arrays: Mapping[str, npt.NDArray[Any]]
) -> None:
    """Write the arrays of a new segment as ``<directory>/<name>/<key>.npy``."""
    folder = Path(directory) / name
    if folder.exists():
        shutil.rmtree(folder)  # an orphan of an interrupted append
    folder.mkdir(parents=True)
    for key, array in arrays.items():
        with (folder / f"{key}.npy").open("wb") as handle:
            np.save(handle, np.ascontiguousarray(array), allow_pickle=False)
            handle.flush()
            os.fsync(handle.fileno())


def read_segment(
    directory: str | os.PathLike[str], name: str, keys: tuple[str, ...], *, mmap: bool = True
) -> dict[str, npt.NDArray[Any]]:
    """Load the arrays of a segment, memory-mapped read-only by default."""
    folder = Path(directory) / name
    mode: Any = "r" if mmap else None
    return {key: np.load(folder / f"{key}.npy", mmap_mode=mode, allow_pickle=False) for key in keys}


def remove_segment(directory: str | os.PathLike[str], name: str) -> None:
    """Delete a segment directory (after the manifest no longer lists it)."""
    shutil.rmtree(Path(directory) / name, ignore_errors=True)


def segment_names(directory: str | os.PathLike[str]) -> Iterator[str]:
    """Names of segment directories on disk (listed or orphaned)."""
    folder = Path(directory)
    for child in sorted(folder.iterdir()) if folder.exists() else []:
        if child.is_dir():
            yield child.name


def segment_nbytes(directory: str | os.PathLike[str], name: str) -> int:
    """Bytes on disk of a segment."""
    return sum(f.stat().st_size for f in (Path(directory) / name).glob("*.npy"))


def write_text(path: str | os.PathLike[str], text: str) -> None:
    """Write a text file (UTF-8)."""
    Path(path).write_text(text, encoding="utf-8")
