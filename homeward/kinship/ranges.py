"""Known allele ranges: which alleles a kit can type at a locus, and which no kit can.

Off-ladder and rare alleles are real (a ``9.3`` at D3S1358, a ``13.3`` at TH01): a
laboratory reports them, and they must be scored, not refused. An allele like ``99`` at
TH01 is not an allele but a typing or transcription error. The line between the two is
drawn per locus from the alleles the bundled population tables catalogue (the Chinese
Appendix D table and the Norwegian table, together 60 loci): from ``RANGE_MARGIN`` repeats
below the smallest catalogued allele to ``RANGE_MARGIN`` repeats above the largest, any
microvariant included. Commercial allelic ladders span the common alleles and off-ladder
calls fall a repeat or two outside them, so two repeats on each side keep every allele a
kit can call while refusing values no kit produces.

An allele inside the range is scored (at the frequency floor when the table does not list
it, see :mod:`.frequencies`) and flagged on every result it touches (:mod:`.compare`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from .frequencies import FrequencyTable, LocusFrequencies
from .profiles import allele_value

RANGE_MARGIN = 2.0
"""Repeats added below the smallest and above the largest catalogued allele of a locus."""


class AlleleStatus(StrEnum):
    """How an allele stands against the frequency table and the known range."""

    LISTED = "listed"
    """In the table at or above the frequency floor."""
    RARE = "rare"
    """In the table below the frequency floor: scored at the floor."""
    UNLISTED = "unlisted"
    """Inside the known range but not in the table (off-ladder or rare): scored at the floor."""
    IMPOSSIBLE = "impossible"
    """Outside the known range of the locus: no kit types it."""


@dataclass(frozen=True)
class AlleleRanges:
    """Known allele range per locus (repeat numbers, inclusive).

    Attributes
    ----------
    bounds : Mapping[str, tuple[float, float]]
        Canonical locus name -> (lowest, highest) possible repeat number.
    margin : float
        Repeats added on each side of the catalogued alleles.

    Examples
    --------
    >>> ranges = AlleleRanges({"TH01": (2.0, 14.0)})
    >>> ranges.possible("TH01", "13.3"), ranges.possible("TH01", "99")
    (True, False)
    >>> ranges.describe("TH01")
    '2 to 14'
    """

    bounds: Mapping[str, tuple[float, float]] = field(default_factory=dict)
    margin: float = RANGE_MARGIN

    def possible(self, locus: str, allele: str) -> bool:
        """Whether a kit can type ``allele`` at ``locus`` (True for a locus not covered)."""
        bound = self.bounds.get(locus)
        if bound is None:
            return True
        value = allele_value(allele)
        return bound[0] <= value <= bound[1] + 0.9

    def describe(self, locus: str) -> str:
        """The range as text, e.g. ``'2 to 14'``."""
        low, high = self.bounds[locus]
        return f"{low:g} to {high:g}"


def allele_ranges(tables: Iterable[FrequencyTable], margin: float = RANGE_MARGIN) -> AlleleRanges:
    """Known ranges from the alleles catalogued by ``tables`` (used loci only).

    Examples
    --------
    >>> from homeward.kinship.frequencies import FrequencyTable
    >>> t = FrequencyTable.from_rows([(2, ["TH01", "6", "0.5"]), (3, ["TH01", "9.3", "0.5"])])
    >>> allele_ranges([t]).bounds["TH01"]
    (4.0, 11.0)
    """
    catalogued: dict[str, list[float]] = {}
    for table in tables:
        for locus in table.loci:
            catalogued.setdefault(locus, []).extend(
                allele_value(a) for a in table.locus(locus).alleles
            )
    bounds = {
        locus: (max(float(int(min(values))) - margin, 1.0), float(int(max(values))) + margin)
        for locus, values in catalogued.items()
    }
    return AlleleRanges(bounds, margin)


def allele_status(freqs: LocusFrequencies, ranges: AlleleRanges, allele: str) -> AlleleStatus:
    """Status of ``allele`` at the locus of ``freqs``.

    Examples
    --------
    >>> from homeward.kinship.frequencies import LocusFrequencies
    >>> lf = LocusFrequencies("L", ["9", "10"], [0.9995, 0.0005], renormalise=False, floor=0.001)
    >>> r = AlleleRanges({"L": (7.0, 12.0)})
    >>> [allele_status(lf, r, a).value for a in ("9", "10", "9.3", "30")]
    ['listed', 'rare', 'unlisted', 'impossible']
    """
    if not ranges.possible(freqs.locus, allele):
        return AlleleStatus.IMPOSSIBLE
    if not freqs.is_listed(allele):
        return AlleleStatus.UNLISTED
    if freqs.listed_below_floor(allele):
        return AlleleStatus.RARE
    return AlleleStatus.LISTED
