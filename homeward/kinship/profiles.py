"""Allele labels, genotypes and STR profiles.

Allele labels are strings (``"9.3"``, ``"32.2"``, ``"X"``): they are names, not numbers,
and the engine never loses a label by converting it. STR labels are validated and put in
a canonical form (``"09"`` and ``"9.0"`` both become ``"9"``); Amelogenin labels are
``"X"`` and ``"Y"``. A genotype is a sorted pair of labels, so allele order never matters;
a single allele means a homozygote. A profile maps canonical locus names to genotypes;
loci that were not typed are simply absent. Amelogenin is carried but never scored.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType

AMELOGENIN = "Amelogenin"
"""Canonical name of the sex marker (carried in profiles, never scored)."""

Genotype = tuple[str, str]
"""Two allele labels, sorted by :func:`allele_sort_key`; ``(a, a)`` is a homozygote."""

_STR_ALLELE = re.compile(r"(\d{1,3})(?:\.(\d))?")
_AMEL_ALLELES = frozenset({"X", "Y"})
_LOCUS_ALIASES: dict[str, str] = {
    "PENTAD": "Penta D",
    "PENTAE": "Penta E",
    "VWA": "vWA",
    "THO1": "TH01",
    "D22GATA": "D22GATA198B05",
    "AMEL": AMELOGENIN,
    "AMELOGENIN": AMELOGENIN,
    "AM": AMELOGENIN,
}


class ProfileError(ValueError):
    """A malformed allele, genotype, locus name or profile."""


def normalise_allele(label: str, *, locus: str | None = None) -> str:
    """Validate an allele label and return its canonical form.

    STR alleles are 1-3 digits with an optional one-digit microvariant suffix; leading
    zeros and a ``.0`` suffix are dropped. Amelogenin alleles are ``X`` or ``Y``.

    Parameters
    ----------
    label : str
        The label as typed.
    locus : str, optional
        Canonical locus name, used to accept ``X``/``Y`` at Amelogenin and in messages.

    Returns
    -------
    str
        The canonical label.

    Raises
    ------
    ProfileError
        If the label is not a valid allele.

    Examples
    --------
    >>> normalise_allele(" 09 "), normalise_allele("9.3"), normalise_allele("32.0")
    ('9', '9.3', '32')
    >>> normalise_allele("x", locus="Amelogenin")
    'X'
    """
    text = str(label).strip()
    where = f" at {locus}" if locus else ""
    if locus == AMELOGENIN:
        upper = text.upper()
        if upper in _AMEL_ALLELES:
            return upper
        raise ProfileError(f"malformed Amelogenin allele {label!r} (expected X or Y)")
    match = _STR_ALLELE.fullmatch(text)
    if match is None:
        raise ProfileError(
            f"malformed allele {label!r}{where} (expected a repeat number such as 12 or 9.3)"
        )
    whole = str(int(match.group(1)))
    fraction = match.group(2)
    return whole if fraction in (None, "0") else f"{whole}.{fraction}"


def allele_value(label: str) -> float:
    """Return the repeat number of a canonical STR label (``"9.3"`` -> 9.3).

    Examples
    --------
    >>> allele_value("9.3")
    9.3
    """
    return float(label)


def allele_sort_key(label: str) -> tuple[float, str]:
    """Sort key: numeric labels by value, anything else after them by text.

    Examples
    --------
    >>> sorted(["10", "9.3", "X", "9"], key=allele_sort_key)
    ['9', '9.3', '10', 'X']
    """
    try:
        return (float(label), label)
    except ValueError:
        return (math.inf, label)


def make_genotype(alleles: Sequence[str] | str, *, locus: str | None = None) -> Genotype:
    """Build a genotype from one or two allele labels (order does not matter).

    Parameters
    ----------
    alleles : sequence of str or str
        One label (homozygote) or two labels; a single string is split on ``/`` or ``,``.
    locus : str, optional
        Canonical locus name (for Amelogenin labels and error messages).

    Returns
    -------
    Genotype
        The two canonical labels in sort order.

    Examples
    --------
    >>> make_genotype(["13", "12"])
    ('12', '13')
    >>> make_genotype("16")
    ('16', '16')
    >>> make_genotype("9.3/8")
    ('8', '9.3')
    """
    if isinstance(alleles, str):
        parts = [part for part in re.split(r"[/,]", alleles) if part.strip()]
    else:
        parts = [part for part in alleles if str(part).strip()]
    where = f" at {locus}" if locus else ""
    if not 1 <= len(parts) <= 2:
        raise ProfileError(f"a genotype needs 1 or 2 alleles{where}, got {len(parts)}")
    labels = [normalise_allele(part, locus=locus) for part in parts]
    if len(labels) == 1:
        labels.append(labels[0])
    first, second = sorted(labels, key=allele_sort_key)
    return (first, second)


def genotype_label(genotype: Genotype | None) -> str:
    """Display form of a genotype: ``"12/13"``, ``"16/16"``, or ``"-"`` when missing.

    Examples
    --------
    >>> genotype_label(("12", "13")), genotype_label(None)
    ('12/13', '-')
    """
    if genotype is None:
        return "-"
    return f"{genotype[0]}/{genotype[1]}"


def locus_key(name: str) -> str:
    """Spelling-insensitive key of a locus name (case, spaces, ``_``, ``-`` ignored)."""
    return re.sub(r"[\s_\-.]", "", name).upper()


def build_locus_map(known: Iterable[str]) -> dict[str, str]:
    """Map spelling-insensitive keys to canonical names for the given loci and aliases."""
    names = set(known)
    mapping = {locus_key(name): name for name in names}
    for alias, canonical in _LOCUS_ALIASES.items():
        if canonical in names or canonical == AMELOGENIN:
            mapping.setdefault(alias, canonical)
    return mapping


def canonical_locus_name(name: str) -> str:
    """Apply the well-known aliases (``PentaD``, ``VWA``, ``AMEL`` ...); else strip spaces.

    Examples
    --------
    >>> canonical_locus_name("PENTA_E"), canonical_locus_name(" D3S1358 ")
    ('Penta E', 'D3S1358')
    """
    return _LOCUS_ALIASES.get(locus_key(name), name.strip())


def resolve_locus(name: str, locus_map: Mapping[str, str]) -> str:
    """Return the canonical name of ``name`` or raise :class:`ProfileError`.

    Examples
    --------
    >>> resolve_locus("PENTA_D", build_locus_map(["Penta D", "vWA"]))
    'Penta D'
    """
    canonical = locus_map.get(locus_key(name))
    if canonical is None:
        raise ProfileError(f"unknown locus {name!r}")
    return canonical


@dataclass(frozen=True)
class Profile:
    """One person's STR profile.

    Attributes
    ----------
    sample_id : str
        Laboratory sample identifier.
    genotypes : Mapping[str, Genotype]
        Canonical locus name -> genotype; untyped loci are absent. Read-only.
    amelogenin : Genotype or None
        Sex marker, carried for the record and never scored.
    """

    sample_id: str
    genotypes: Mapping[str, Genotype] = field(default_factory=dict)
    amelogenin: Genotype | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "genotypes", MappingProxyType(dict(self.genotypes)))

    def __reduce__(self) -> tuple[type[Profile], tuple[str, dict[str, Genotype], Genotype | None]]:
        return (Profile, (self.sample_id, dict(self.genotypes), self.amelogenin))

    @classmethod
    def build(cls, sample_id: str, loci: Mapping[str, Sequence[str] | str | None]) -> Profile:
        """Build a profile from ``locus -> alleles`` (None or empty means not typed).

        Locus names must already be canonical; Amelogenin goes to :attr:`amelogenin`.

        Examples
        --------
        >>> p = Profile.build("C1", {"vWA": ["18", "17"], "TH01": "9.3", "FGA": None})
        >>> dict(p.genotypes)
        {'vWA': ('17', '18'), 'TH01': ('9.3', '9.3')}
        """
        genotypes: dict[str, Genotype] = {}
        amelogenin: Genotype | None = None
        for locus, alleles in loci.items():
            if alleles is None or (not isinstance(alleles, str) and not any(alleles)):
                continue
            if isinstance(alleles, str) and not alleles.strip():
                continue
            genotype = make_genotype(alleles, locus=locus)
            if locus == AMELOGENIN:
                amelogenin = genotype
            else:
                genotypes[locus] = genotype
        return cls(sample_id, genotypes, amelogenin)

    def genotype(self, locus: str) -> Genotype | None:
        """Genotype at ``locus`` or None when not typed."""
        return self.genotypes.get(locus)

    @property
    def loci(self) -> tuple[str, ...]:
        """Typed loci (Amelogenin excluded), sorted by name."""
        return tuple(sorted(self.genotypes))
