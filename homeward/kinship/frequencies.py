"""Allele-frequency tables and the policies applied to them.

Policies (all configurable through :class:`FrequencyPolicy`):

* **Renormalisation** (default on): each locus's listed frequencies are divided by their
  sum, so that every locus is a probability distribution. The Chinese Appendix D table
  sums to 1 +/- 0.0004 per locus from 4-decimal rounding; renormalising moves a 19-locus
  CPI in the 4th significant figure and keeps E[LR | unrelated] = 1.
* **Incomplete loci** (default excluded): a locus whose listed frequencies sum further than
  ``max_sum_deviation`` (0.01) from 1 is missing alleles. SE33 of the Chinese table sums to
  0.954 (allele 30.2 is missing), so it is excluded and every result says so. With
  ``include_incomplete=True`` such loci are renormalised and flagged instead.
* **Floor** (default 5/2N with N = 2,500 -> 0.001): NRC II's minimum allele frequency,
  applied after renormalisation to listed alleles below it and to alleles the table does
  not list. The Chinese table gives no sample size; its rare-allele entries are a
  placeholder 0.0001 and its later loci have a resolution of about 1/2050, so no N can be
  read from it. N = 2,500 people gives 0.001, the conservative end of the 0.0001-0.001
  range of FORMULAS.md section 4.6 (a higher floor can only lower a PI that rests on a
  rare shared allele). The floored table is not renormalised again (NRC II practice).
* **Digest**: sha256 of the table's normalised content (canonical locus and allele names,
  frequencies as parsed floats, sorted), independent of row order, spacing and number
  formatting. Every result records it together with the policy.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from .profiles import (
    AMELOGENIN,
    ProfileError,
    allele_sort_key,
    build_locus_map,
    canonical_locus_name,
    locus_key,
    normalise_allele,
)

DEFAULT_FLOOR_N = 2500
"""Default NRC II sample size N for the floor 5/2N (-> 0.001)."""

DIGEST_PREFIX = "homeward-kinship-frequencies-v1\n"


class FrequencyError(ValueError):
    """A malformed frequency table or a request the table cannot answer."""


@dataclass(frozen=True)
class FrequencyPolicy:
    """How a raw frequency table is turned into the frequencies used in likelihoods.

    Attributes
    ----------
    renormalise : bool
        Divide each locus's listed frequencies by their sum (default True).
    floor_n : int or None
        NRC II sample size N; the floor is 5/(2N). None disables the N-based floor.
    min_frequency : float or None
        Explicit floor, overriding ``floor_n`` when set.
    max_sum_deviation : float
        Loci whose listed sum differs from 1 by more than this are incomplete.
    include_incomplete : bool
        Use incomplete loci (renormalised and flagged) instead of excluding them.
    exclude_loci : tuple of str
        Loci never to use.
    """

    renormalise: bool = True
    floor_n: int | None = DEFAULT_FLOOR_N
    min_frequency: float | None = None
    max_sum_deviation: float = 0.01
    include_incomplete: bool = False
    exclude_loci: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.floor_n is not None and self.floor_n <= 0:
            raise FrequencyError(f"floor_n must be positive, got {self.floor_n}")
        if self.min_frequency is not None and not 0.0 < self.min_frequency < 1.0:
            raise FrequencyError(f"min_frequency must be in (0, 1), got {self.min_frequency}")
        if not self.max_sum_deviation >= 0.0:
            raise FrequencyError("max_sum_deviation must be >= 0")

    @property
    def floor(self) -> float:
        """Minimum allele frequency (0.0 when no floor is configured).

        Examples
        --------
        >>> FrequencyPolicy().floor
        0.001
        >>> FrequencyPolicy(floor_n=302).floor  # Butler's example, N = 302
        0.008278145695364239
        """
        if self.min_frequency is not None:
            return self.min_frequency
        if self.floor_n is None:
            return 0.0
        return 5.0 / (2.0 * self.floor_n)

    def as_dict(self) -> dict[str, object]:
        """Plain-data description for provenance records."""
        return {
            "renormalise": self.renormalise,
            "floor": self.floor,
            "floor_rule": (
                "explicit min_frequency"
                if self.min_frequency is not None
                else (f"NRC II 5/2N, N={self.floor_n}" if self.floor_n else "none")
            ),
            "max_sum_deviation": self.max_sum_deviation,
            "include_incomplete": self.include_incomplete,
            "exclude_loci": list(self.exclude_loci),
        }


class LocusFrequencies:
    """Frequencies of one locus after the policy.

    Attributes
    ----------
    locus : str
        Canonical locus name.
    alleles : tuple of str
        Listed alleles, in allele sort order.
    listed : tuple of float
        Frequencies as listed in the source.
    population : tuple of float
        The distribution used for simulation and exclusion power: ``listed``
        renormalised (when the policy or an incomplete locus requires it), no floor.
    floor : float
        Minimum frequency used in likelihoods.
    listed_sum : float
        Sum of the listed frequencies.
    """

    __slots__ = ("_p", "alleles", "floor", "listed", "listed_sum", "locus", "population")

    def __init__(
        self,
        locus: str,
        alleles: Sequence[str],
        listed: Sequence[float],
        *,
        renormalise: bool,
        floor: float,
    ) -> None:
        order = sorted(range(len(alleles)), key=lambda i: allele_sort_key(alleles[i]))
        self.locus = locus
        self.alleles: tuple[str, ...] = tuple(alleles[i] for i in order)
        self.listed: tuple[float, ...] = tuple(float(listed[i]) for i in order)
        self.listed_sum = math.fsum(self.listed)
        if renormalise and self.listed_sum > 0:
            self.population: tuple[float, ...] = tuple(f / self.listed_sum for f in self.listed)
        else:
            self.population = self.listed
        self.floor = floor
        self._p = {a: max(f, floor) for a, f in zip(self.alleles, self.population, strict=True)}

    def p(self, allele: str) -> float:
        """Frequency of ``allele`` as used in likelihoods (floored; unlisted -> floor).

        Raises
        ------
        FrequencyError
            If the allele is unlisted and no floor is configured.
        """
        value = self._p.get(allele)
        if value is not None and value > 0.0:
            return value
        if self.floor > 0.0:
            return self.floor
        raise FrequencyError(
            f"allele {allele!r} has no frequency at {self.locus} and no floor is configured"
        )

    def is_listed(self, allele: str) -> bool:
        """Whether the table lists ``allele`` at this locus."""
        return allele in self._p

    def listed_below_floor(self, allele: str) -> bool:
        """Whether ``allele`` is listed with a frequency below the floor (scored at it)."""
        index = self.alleles.index(allele) if allele in self._p else -1
        return index >= 0 and self.population[index] < self.floor

    def universe(self, extra: Iterable[str] = ()) -> tuple[str, ...]:
        """Listed alleles plus ``extra`` ones, in allele sort order (for mutation matrices)."""
        return tuple(sorted(set(self.alleles).union(extra), key=allele_sort_key))

    def __repr__(self) -> str:
        return f"LocusFrequencies({self.locus!r}, {len(self.alleles)} alleles)"


class FrequencyTable:
    """A validated allele-frequency table with its policy applied.

    Build it with :meth:`from_rows` (or :func:`homeward.kinship.io.load_frequency_table`).

    Attributes
    ----------
    loci : tuple of str
        Usable loci, in source order.
    excluded : Mapping[str, str]
        Loci present in the source but not used, with the reason.
    notes : Mapping[str, str]
        Remarks on used loci (e.g. an incomplete locus that was renormalised).
    digest : str
        sha256 hex digest of the normalised content (policy-independent).
    policy : FrequencyPolicy
        The policy applied.
    source : str
        Where the table came from (file name), for provenance.
    """

    def __init__(
        self,
        loci: Mapping[str, LocusFrequencies],
        *,
        excluded: Mapping[str, str],
        notes: Mapping[str, str],
        digest: str,
        policy: FrequencyPolicy,
        source: str = "",
    ) -> None:
        self._loci = dict(loci)
        self.loci: tuple[str, ...] = tuple(self._loci)
        self.excluded = dict(excluded)
        self.notes = dict(notes)
        self.digest = digest
        self.policy = policy
        self.source = source
        self.locus_map = build_locus_map([*self.loci, *self.excluded])

    @classmethod
    def from_rows(
        cls,
        rows: Iterable[tuple[int, Sequence[str]]],
        policy: FrequencyPolicy | None = None,
        *,
        source: str = "",
    ) -> FrequencyTable:
        """Validate ``(line number, [locus, allele, frequency])`` records and apply a policy.

        Raises
        ------
        FrequencyError
            On a row with the wrong number of fields, an empty locus, a malformed allele,
            a frequency that is not a finite number in [0, 1], or a duplicate allele.

        Examples
        --------
        >>> t = FrequencyTable.from_rows([(2, ["L", "12", "0.25"]), (3, ["L", "13", "0.75"])])
        >>> t.locus("L").p("12"), t.locus("L").p("99")
        (0.25, 0.001)
        """
        policy = policy or FrequencyPolicy()
        raw: dict[str, dict[str, float]] = {}
        for line, fields in rows:
            values = [field.strip() for field in fields]
            if len(values) != 3:
                raise FrequencyError(
                    f"line {line}: expected 3 fields locus,allele,frequency, got {len(values)}"
                )
            name, label, text = values
            if not name:
                raise FrequencyError(f"line {line}: empty locus name")
            locus = canonical_locus_name(name)
            if locus == AMELOGENIN:
                raise FrequencyError(f"line {line}: Amelogenin is not scored and has no table")
            try:
                allele = normalise_allele(label, locus=locus)
            except ProfileError as exc:
                raise FrequencyError(f"line {line}: {exc}") from None
            try:
                frequency = float(text)
            except ValueError:
                raise FrequencyError(
                    f"line {line}: frequency {text!r} of {locus} allele {allele} is not a number"
                ) from None
            if not math.isfinite(frequency):
                raise FrequencyError(f"line {line}: frequency of {locus} {allele} is not finite")
            if frequency < 0.0:
                raise FrequencyError(
                    f"line {line}: negative frequency {frequency} for {locus} allele {allele}"
                )
            if frequency > 1.0:
                raise FrequencyError(
                    f"line {line}: frequency {frequency} > 1 for {locus} allele {allele}"
                )
            alleles = raw.setdefault(locus, {})
            if allele in alleles:
                raise FrequencyError(f"line {line}: duplicate allele {allele} at {locus}")
            alleles[allele] = frequency
        if not raw:
            raise FrequencyError("the frequency table has no rows")
        return cls._build(raw, policy, source)

    @classmethod
    def _build(
        cls, raw: Mapping[str, Mapping[str, float]], policy: FrequencyPolicy, source: str
    ) -> FrequencyTable:
        floor = policy.floor
        excluded_by_policy = {locus_key(name) for name in policy.exclude_loci}
        loci: dict[str, LocusFrequencies] = {}
        excluded: dict[str, str] = {}
        notes: dict[str, str] = {}
        for locus, alleles in raw.items():
            total = math.fsum(alleles.values())
            if locus_key(locus) in excluded_by_policy:
                excluded[locus] = "excluded by policy"
                continue
            incomplete = abs(total - 1.0) > policy.max_sum_deviation
            if incomplete and (not policy.include_incomplete or total <= 0.0):
                excluded[locus] = (
                    f"incomplete: listed frequencies sum to {total:.4f} "
                    f"(|sum - 1| > {policy.max_sum_deviation})"
                )
                continue
            if incomplete:
                notes[locus] = f"incomplete (listed sum {total:.4f}); renormalised and flagged"
            loci[locus] = LocusFrequencies(
                locus,
                list(alleles),
                list(alleles.values()),
                renormalise=policy.renormalise or incomplete,
                floor=floor,
            )
        return cls(
            loci,
            excluded=excluded,
            notes=notes,
            digest=table_digest(raw),
            policy=policy,
            source=source,
        )

    def locus(self, name: str) -> LocusFrequencies:
        """Frequencies of a usable locus.

        Raises
        ------
        FrequencyError
            If the locus is excluded (with the reason) or not in the table.
        """
        found = self._loci.get(name)
        if found is not None:
            return found
        if name in self.excluded:
            raise FrequencyError(f"locus {name} is excluded: {self.excluded[name]}")
        raise FrequencyError(f"locus {name!r} is not in the frequency table")

    def __contains__(self, name: object) -> bool:
        return name in self._loci

    def resolve(self, name: str) -> str:
        """Canonical name of a locus known to the table (used or excluded) or Amelogenin.

        Raises
        ------
        ProfileError
            If the name matches no known locus.
        """
        return _resolve_or_raise(name, self.locus_map)

    def provenance(self) -> dict[str, object]:
        """Plain-data description: source, digest, policy, exclusions and notes."""
        return {
            "source": self.source,
            "digest": self.digest,
            "policy": self.policy.as_dict(),
            "excluded_loci": dict(self.excluded),
            "notes": dict(self.notes),
        }


def table_digest(raw: Mapping[str, Mapping[str, float]]) -> str:
    """sha256 of the normalised content of a table (``locus -> allele -> frequency``).

    Examples
    --------
    >>> a = table_digest({"L": {"12": 0.25, "13": 0.75}})
    >>> a == table_digest({"L": {"13": 0.750, "12": 0.2500}})
    True
    """
    digest = hashlib.sha256(DIGEST_PREFIX.encode())
    for locus in sorted(raw):
        for allele in sorted(raw[locus], key=allele_sort_key):
            digest.update(f"{locus}\t{allele}\t{float(raw[locus][allele])!r}\n".encode())
    return digest.hexdigest()


def _resolve_or_raise(name: str, locus_map: Mapping[str, str]) -> str:
    canonical = locus_map.get(locus_key(name))
    if canonical is None:
        raise ProfileError(f"unknown locus {name!r} (not in the frequency table)")
    return canonical
