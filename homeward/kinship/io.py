"""All file input and output of the kinship engine.

* Text files are read in the encoding they were saved in: a byte-order mark decides
  (UTF-8, UTF-16, UTF-32); otherwise valid UTF-8 is UTF-8; otherwise the encodings that
  Chinese laboratory software and Excel write (GB18030, which includes GBK and GB2312, and
  Big5) are weighed by ``charset-normalizer``, and a file that could be either is refused
  rather than guessed (:func:`detect_encoding`). Files are read as a stream.
* Frequency tables: CSV ``locus,allele,frequency`` (header required).
* Profiles: long-form CSV ``sample,locus,allele1,allele2`` (``allele2`` empty means
  homozygous). A row with a sample and a locus but no allele is an error (a truncated
  row): a locus that was not typed is left out. Comma, tab or semicolon separated.
  Alleles outside the known range of their locus (:mod:`.ranges`) are refused.
* Reference index: a directory with ``manifest.json`` and one sub-directory per
  segment holding ``.npy`` arrays. Arrays are loaded with ``np.load(mmap_mode="r")``.
  The manifest is replaced atomically (written to a uniquely named temporary file, then
  renamed); a segment is written to a uniquely named staging directory, then renamed.
  Files are 0600 and directories 0700: the index holds genotypes.
* Index store (:class:`IndexStore`): a root directory holding generations of an index,
  a ``CURRENT`` pointer swapped atomically, and a lock file (``flock``): writers take it
  exclusively, readers share it while they open the index.
* The bundled tables in ``homeward/kinship/data`` (the project never reads ``../shared``).
"""

from __future__ import annotations

import codecs
import csv
import fcntl
import io
import json
import os
import shutil
import stat
import tempfile
import uuid
from collections.abc import Collection, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import IO, Any

import numpy as np
import numpy.typing as npt

from .frequencies import FrequencyError, FrequencyPolicy, FrequencyTable
from .profiles import AMELOGENIN, Profile, ProfileError, make_genotype, resolve_locus
from .ranges import AlleleRanges, allele_ranges

DATA_DIR = Path(__file__).resolve().parent / "data"
"""Bundled data: the frequency tables and their PROVENANCE.md."""

BUNDLED_TABLES = {
    "china": "china_59loci_parentage_standard_appD.csv",
    "norway": "norway_dupuy2013_forrel.csv",
}
MANIFEST = "manifest.json"


SAMPLE_BYTES = 1 << 20
"""Bytes read from the start of a file to decide its encoding (the header is there)."""
AMBIGUITY_MARGIN = 0.05
"""Two candidate encodings whose ``charset-normalizer`` chaos scores are closer than this,
and that read the file differently, make the encoding undecidable."""
_DETECTED = ("gb18030", "big5")
_DISPLAY = {
    "utf_8": "UTF-8",
    "utf_8_sig": "UTF-8 (BOM)",
    "utf_16": "UTF-16",
    "utf_16_le": "UTF-16LE",
    "utf_16_be": "UTF-16BE",
    "utf_32": "UTF-32",
    "gb18030": "GB18030 (GBK)",
    "big5": "Big5",
}


class TextEncodingError(ValueError):
    """The encoding of a text file cannot be decided, or the text does not decode."""


@dataclass(frozen=True)
class TextEncoding:
    """The encoding a text file was read with.

    Attributes
    ----------
    codec : str
        Python codec name (``utf_8``, ``utf_8_sig``, ``utf_16``, ``gb18030`` ...).
    name : str
        Display name (``UTF-8``, ``GB18030 (GBK)`` ...).
    detected : bool
        True when decided by weighing candidates (no byte-order mark, not UTF-8).
    """

    codec: str
    name: str
    detected: bool = False


def _encoding(codec: str, *, detected: bool = False) -> TextEncoding:
    return TextEncoding(codec, _DISPLAY.get(codec, codec), detected)


def _valid_utf8(sample: bytes, *, complete: bool) -> bool:
    decoder = codecs.getincrementaldecoder("utf-8")(errors="strict")
    try:
        decoder.decode(sample, final=complete)
    except UnicodeDecodeError:
        return False
    return True


def _utf16_without_bom(sample: bytes) -> str | None:
    """``utf_16_le``/``utf_16_be`` when every other byte is mostly NUL (ASCII text)."""
    if len(sample) < 4:
        return None
    even, odd = sample[0::2], sample[1::2]
    for zeros, codec in ((odd, "utf_16_le"), (even, "utf_16_be")):
        if zeros.count(0) >= 0.6 * len(zeros):
            try:
                sample[: len(sample) // 2 * 2].decode(codec)
            except UnicodeDecodeError:
                return None
            return codec
    return None


def detect_encoding(sample: bytes, *, complete: bool = True) -> TextEncoding:
    """Decide the encoding of a text file from (the start of) its bytes.

    Parameters
    ----------
    sample : bytes
        The file, or its first :data:`SAMPLE_BYTES`.
    complete : bool
        Whether ``sample`` is the whole file (a truncated multi-byte character at its end
        is then an error).

    Returns
    -------
    TextEncoding

    Raises
    ------
    TextEncodingError
        When no candidate reads the bytes, or two read them differently and equally well.

    Examples
    --------
    >>> detect_encoding("样本编号,基因座\\nC1,vWA\\n".encode("gbk")).name
    'GB18030 (GBK)'
    >>> detect_encoding("sample,locus\\n".encode("utf-16")).name
    'UTF-16'
    >>> detect_encoding(b"sample,locus\\n").name
    'UTF-8'
    """
    if sample.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return _encoding("utf_32")
    if sample.startswith(codecs.BOM_UTF8):
        return _encoding("utf_8_sig")
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _encoding("utf_16")
    utf16 = _utf16_without_bom(sample)  # before UTF-8: NUL bytes are valid UTF-8
    if utf16 is not None:
        return _encoding(utf16, detected=True)
    if _valid_utf8(sample, complete=complete):
        return _encoding("utf_8")
    from charset_normalizer import from_bytes

    matches = list(from_bytes(sample, cp_isolation=list(_DETECTED), explain=False))
    if not matches:
        raise TextEncodingError(
            "the file is neither UTF-8, UTF-16, GB18030 (GBK) nor Big5; save it as UTF-8"
        )
    best = min(matches, key=lambda m: m.chaos)
    rivals = [
        m
        for m in matches
        if m is not best and m.chaos <= best.chaos + AMBIGUITY_MARGIN and str(m) != str(best)
    ]
    if rivals:
        names = sorted({_DISPLAY.get(m.encoding, m.encoding) for m in (best, *rivals)})
        raise TextEncodingError(
            "cannot tell the file's encoding: it reads as "
            + " or as ".join(names)
            + "; save it as UTF-8 (or add more rows with Chinese text)"
        )
    return _encoding(best.encoding, detected=True)


def text_rows(
    stream: IO[bytes], encoding: TextEncoding, *, delimiter: str | None = None
) -> Iterator[list[str]]:
    """CSV rows of a binary stream decoded as ``encoding``, read as a stream.

    The separator is the one of the header line (comma, tab or semicolon) unless given.

    Raises
    ------
    TextEncodingError
        On bytes that do not decode, naming the line.
    """
    text = io.TextIOWrapper(stream, encoding=encoding.codec, errors="strict", newline="")
    line = 0

    def lines() -> Iterator[str]:
        nonlocal line
        try:
            for line, content in enumerate(text, start=1):  # noqa: B007 - read in the handler
                yield content
        except UnicodeDecodeError:
            raise TextEncodingError(
                f"at or after line {line + 1} the bytes are not valid {encoding.name}, the "
                "encoding of the start of the file; save the whole file in one encoding "
                "(UTF-8)"
            ) from None

    source = lines()
    first = next(source, None)
    if first is None:
        return
    if delimiter is None:
        counts = {d: first.count(d) for d in (",", "\t", ";")}
        delimiter = max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","
    yield from csv.reader(_chain(first, source), delimiter=delimiter)


def _chain(first: str, rest: Iterable[str]) -> Iterator[str]:
    yield first
    yield from rest


def open_text_rows(
    path: str | os.PathLike[str], *, error: type[ValueError] = ValueError, what: str = "file"
) -> tuple[TextEncoding, Iterator[list[str]]]:
    """Decide the encoding of a file from its start, then stream its CSV rows.

    Raises
    ------
    ``error``
        When the file cannot be read or its encoding decided (the message says why).
    """
    file = Path(path)
    try:
        with file.open("rb") as handle:
            sample = handle.read(SAMPLE_BYTES)
            complete = not handle.read(1)
        encoding = detect_encoding(sample, complete=complete)
        stream = file.open("rb")
    except OSError as exc:
        raise error(f"cannot read {what} {file}: {exc.strerror}") from None
    except TextEncodingError as exc:
        raise error(f"{file}: {exc}") from None

    def rows() -> Iterator[list[str]]:
        with stream:
            try:
                yield from text_rows(stream, encoding)
            except TextEncodingError as exc:
                raise error(f"{file}: {exc}") from None

    return encoding, rows()


@lru_cache(maxsize=1)
def bundled_allele_ranges() -> AlleleRanges:
    """Known allele ranges of every locus of the bundled tables (see :mod:`.ranges`)."""
    return allele_ranges(
        [load_frequency_table(bundled_table_path(name)) for name in sorted(BUNDLED_TABLES)]
    )


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
    _, reader = open_text_rows(file, error=FrequencyError, what="frequency table")
    header = next(reader, None)
    if header is None or [h.strip().lower() for h in header] != ["locus", "allele", "frequency"]:
        raise FrequencyError(f"{file}: the header must be 'locus,allele,frequency', got {header}")
    rows = ((number, fields) for number, fields in enumerate(reader, start=2) if any(fields))
    return FrequencyTable.from_rows(rows, policy, source=file.name)


def read_profiles_csv(
    path: str | os.PathLike[str],
    table: FrequencyTable,
    *,
    samples: Collection[str] | None = None,
    ranges: AlleleRanges | None = None,
) -> dict[str, Profile]:
    """Profiles of a long-form file (see :func:`read_profiles_file`), without the encoding."""
    return read_profiles_file(path, table, samples=samples, ranges=ranges)[1]


def read_profiles_file(
    path: str | os.PathLike[str],
    table: FrequencyTable,
    *,
    samples: Collection[str] | None = None,
    ranges: AlleleRanges | None = None,
) -> tuple[TextEncoding, dict[str, Profile]]:
    """Read long-form profiles ``sample,locus,allele1,allele2``, as a stream.

    Locus names are resolved against the table (aliases such as ``PentaD`` accepted);
    Amelogenin is carried. A locus the table does not know is an error; so is a row with
    no allele (a truncated row) and an allele outside the known range of its locus.

    Parameters
    ----------
    path : path-like
        The file, in any encoding :func:`detect_encoding` decides.
    table : FrequencyTable
    samples : collection of str, optional
        Keep only these samples: the other rows are skipped unread (bounded memory on a
        large file).
    ranges : AlleleRanges, optional
        Known allele ranges (default: :func:`bundled_allele_ranges`).

    Returns
    -------
    encoding : TextEncoding
        The encoding the file was read with.
    profiles : dict
        Sample id -> Profile, in file order.

    Raises
    ------
    ProfileError
        Unreadable file or undecidable encoding, wrong header, unknown locus, malformed or
        impossible allele, truncated row, duplicate locus. The message names the line.
    """
    file = Path(path)
    known = ranges if ranges is not None else bundled_allele_ranges()
    wanted = frozenset(samples) if samples is not None else None
    encoding, reader = open_text_rows(file, error=ProfileError, what="profiles")
    header = next(reader, None)
    expected = ["sample", "locus", "allele1", "allele2"]
    if header is None or [h.strip().lower() for h in header] != expected:
        raise ProfileError(f"{file}: the header must be 'sample,locus,allele1,allele2'")
    loci_of: dict[str, dict[str, list[str]]] = {}
    for number, fields in enumerate(reader, start=2):
        if not fields or not any(field.strip() for field in fields):
            continue
        sample = fields[0].strip()
        if wanted is not None and sample not in wanted:
            continue
        if len(fields) != 4:
            raise ProfileError(f"{file} line {number}: expected 4 fields, got {len(fields)}")
        _, name, first, second = (field.strip() for field in fields)
        if not sample:
            raise ProfileError(f"{file} line {number}: empty sample id")
        try:
            locus = resolve_locus(name, table.locus_map)
        except ProfileError:
            raise ProfileError(
                f"{file} line {number}: unknown locus {name!r} (not in the frequency table)"
            ) from None
        loci = loci_of.setdefault(sample, {})
        if locus in loci:
            raise ProfileError(f"{file} line {number}: sample {sample} has {locus} twice")
        alleles = [a for a in (first, second) if a]
        if not alleles:
            raise ProfileError(
                f"{file} line {number}: sample {sample} has no allele at {locus} "
                "(a truncated row? leave out a locus that was not typed)"
            )
        try:
            genotype = make_genotype(alleles, locus=locus)
        except ProfileError as exc:
            raise ProfileError(f"{file} line {number}: sample {sample}: {exc}") from None
        for allele in genotype:
            if locus != AMELOGENIN and not known.possible(locus, allele):
                raise ProfileError(
                    f"{file} line {number}: sample {sample}: allele {allele} at {locus} is "
                    f"outside the range any kit types ({known.describe(locus)})"
                )
        loci[locus] = alleles
    profiles = {sample: Profile.build(sample, dict(loci)) for sample, loci in loci_of.items()}
    return encoding, profiles


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
    """Atomically replace ``manifest.json``: write a uniquely named temporary file (mode
    0600), fsync, rename over the old one."""
    folder = Path(directory)
    make_private_dir(folder)
    data = json.dumps(manifest, indent=1, sort_keys=True).encode("utf-8")
    descriptor, temporary = tempfile.mkstemp(prefix=f".{MANIFEST}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        Path(temporary).replace(folder / MANIFEST)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


PRIVATE_DIR = 0o700
PRIVATE_FILE = 0o600


def make_private_dir(folder: Path) -> None:
    """Create ``folder`` (and missing parents) readable by the owner only (0700)."""
    if not folder.exists():
        folder.mkdir(mode=PRIVATE_DIR, parents=True, exist_ok=True)
    folder.chmod(PRIVATE_DIR)


def make_private(directory: str | os.PathLike[str]) -> None:
    """Restrict an existing index directory tree: directories 0700, files 0600."""
    root = Path(directory)
    if not root.exists():
        return
    root.chmod(PRIVATE_DIR)
    for parent, folders, files in os.walk(root):
        for name in folders:
            (Path(parent) / name).chmod(PRIVATE_DIR)
        for name in files:
            (Path(parent) / name).chmod(PRIVATE_FILE)


def _private_file(path: Path) -> IO[bytes]:
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE)
    return os.fdopen(descriptor, "wb")


def write_segment(
    directory: str | os.PathLike[str], name: str, arrays: Mapping[str, npt.NDArray[Any]]
) -> None:
    """Write the arrays of a new segment as ``<directory>/<name>/<key>.npy``.

    The arrays go to a uniquely named temporary directory first, which is then renamed
    to ``name``: a reader never sees a half-written segment, and two writers never share
    a temporary file. Directories are 0700 and files 0600 (the index holds genotypes).
    """
    parent = Path(directory)
    make_private_dir(parent)
    folder = parent / name
    if folder.exists():
        shutil.rmtree(folder)  # an orphan of an interrupted append
    staging = Path(tempfile.mkdtemp(prefix=f".{name}.", suffix=".tmp", dir=parent))
    try:
        staging.chmod(PRIVATE_DIR)
        for key, array in arrays.items():
            with _private_file(staging / f"{key}.npy") as handle:
                np.save(handle, np.ascontiguousarray(array), allow_pickle=False)
                handle.flush()
                os.fsync(handle.fileno())
        staging.rename(folder)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


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
    """Names of segment directories on disk (listed or orphaned; not staging ones)."""
    folder = Path(directory)
    for child in sorted(folder.iterdir()) if folder.exists() else []:
        if child.is_dir() and not child.name.startswith("."):
            yield child.name


def segment_nbytes(directory: str | os.PathLike[str], name: str) -> int:
    """Bytes on disk of a segment."""
    return sum(f.stat().st_size for f in (Path(directory) / name).glob("*.npy"))


def write_text(path: str | os.PathLike[str], text: str) -> None:
    """Write a text file (UTF-8)."""
    Path(path).write_text(text, encoding="utf-8")


def file_mode(path: str | os.PathLike[str]) -> int:
    """Permission bits of a file or directory (for checks and tests)."""
    return stat.S_IMODE(Path(path).stat().st_mode)


# ---------------------------------------------------------------------------
# Index store: generations, an atomic pointer, a lock
# ---------------------------------------------------------------------------

CURRENT = "CURRENT"
LOCK = ".lock"
GENERATION_PREFIX = "gen-"


class IndexStore:
    """A directory that holds generations of a reference index.

    ``root/CURRENT`` names the generation in use (``gen-<hex>``); a new generation is
    built beside it and published by replacing ``CURRENT`` atomically, after which older
    generations are removed (a process that has them memory-mapped keeps reading them).
    ``root/.lock`` serialises writers across processes; readers take it shared while they
    open an index, so that no writer removes a segment between reading a manifest and
    mapping its files.

    Examples
    --------
    >>> import tempfile
    >>> store = IndexStore(tempfile.mkdtemp())
    >>> store.current() is None
    True
    >>> with store.lock():
    ...     fresh = store.new_generation()
    ...     store.publish(fresh)
    >>> store.current() == fresh
    True
    """

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)

    @contextmanager
    def lock(self, *, exclusive: bool = True) -> Iterator[None]:
        """Hold the store's lock (exclusive for writers, shared for readers)."""
        make_private_dir(self.root)
        descriptor = os.open(self.root / LOCK, os.O_RDWR | os.O_CREAT, PRIVATE_FILE)
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH)
            yield
        finally:
            fcntl.flock(descriptor, fcntl.LOCK_UN)
            os.close(descriptor)

    def current(self) -> Path | None:
        """Directory of the published generation, or None."""
        try:
            name = (self.root / CURRENT).read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            return None
        if not name.startswith(GENERATION_PREFIX) or "/" in name:
            raise ValueError(f"{self.root / CURRENT} does not name a generation: {name!r}")
        return self.root / name

    def new_generation(self) -> Path:
        """A new, empty, unpublished generation directory (call under the lock)."""
        folder = self.root / f"{GENERATION_PREFIX}{uuid.uuid4().hex}"
        make_private_dir(folder)
        return folder

    def publish(self, generation: Path) -> None:
        """Point ``CURRENT`` at ``generation`` atomically, then remove other generations."""
        if generation.parent != self.root or not generation.is_dir():
            raise ValueError(f"{generation} is not a generation of {self.root}")
        descriptor, temporary = tempfile.mkstemp(prefix=f".{CURRENT}.", dir=self.root)
        try:
            with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
                handle.write(generation.name + "\n")
                handle.flush()
                os.fsync(handle.fileno())
            Path(temporary).replace(self.root / CURRENT)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        for child in self.root.iterdir():
            if child.is_dir() and child.name.startswith(GENERATION_PREFIX) and child != generation:
                shutil.rmtree(child, ignore_errors=True)

    def secure(self) -> None:
        """Directories 0700, files 0600 across the store (fixes an older index)."""
        make_private(self.root)
