"""Per-locus lookup tables of a query: log10 LRs indexed by stored genotype codes.

For a child against families the table is ``(G+1) x (G+1)`` over (father code, mother
code); code 0 (untyped) on one side gives the other parent's duo LR. For parents against
children it is ``G+1`` long. Built by broadcast NumPy (:mod:`.vectorised`) and cached on
the index (LRU, bounded in bytes).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from .frequencies import FrequencyTable
from .index import ReferenceIndex, decode_table, genotype_count
from .likelihood import KinshipParams
from .mutation import Role
from .profiles import Genotype
from .vectorised import LocusKernel, couple_log10_lr, couple_table, duo_log10_lr

F32 = npt.NDArray[np.float32]


def locus_kernel(
    index: ReferenceIndex, table: FrequencyTable, params: KinshipParams, locus: str
) -> LocusKernel:
    alleles = index.alleles(locus)
    key = ("kernel", table.digest, table.policy, params, locus, len(alleles))
    cached = index.cache.get(key)
    if cached is None:
        lf = table.locus(locus)
        cached = LocusKernel.build(locus, alleles, [lf.p(a) for a in alleles], params)
        index.cache.put(key, cached, cached.steps.nbytes * 4)
    kernel: LocusKernel = cached
    return kernel


def _codes(index: ReferenceIndex, locus: str, genotype: Genotype) -> tuple[int, int]:
    return index.allele_code(locus, genotype[0]), index.allele_code(locus, genotype[1])


def family_table(
    index: ReferenceIndex,
    table: FrequencyTable,
    params: KinshipParams,
    locus: str,
    child: Genotype,
) -> tuple[F32, npt.NDArray[np.uint8]]:
    """Lookup tables of one child genotype against every (father, mother) code pair.

    Returns
    -------
    log10_lr : ndarray, shape ((G+1) * (G+1),), float32
        Flat, row = father code, column = mother code (0 = untyped).
    inconsistent : ndarray, shape ((G+1) * (G+1),), uint8
    """
    a, b = _codes(index, locus, child)
    kernel = locus_kernel(index, table, params, locus)
    key = ("family", table.digest, table.policy, params, locus, len(kernel.alleles), a, b)
    cached = index.cache.get(key)
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    first, second = decode_table(len(kernel.alleles))
    g = genotype_count(len(kernel.alleles))
    couple, couple_bad = couple_table(kernel, (a, b), params)
    # A father alone: the untested mother transmits the other allele, and vice versa.
    father_duo, father_bad = duo_log10_lr(kernel, (a, b), (first, second), params, "mother")
    mother_duo, mother_bad = duo_log10_lr(kernel, (a, b), (first, second), params, "father")
    lut = np.zeros((g + 1, g + 1), dtype=np.float32)
    bad = np.zeros((g + 1, g + 1), dtype=np.uint8)
    lut[1:, 1:], bad[1:, 1:] = couple, couple_bad
    lut[1:, 0], bad[1:, 0] = father_duo, father_bad
    lut[0, 1:], bad[0, 1:] = mother_duo, mother_bad
    result = (lut.ravel(), bad.ravel())
    index.cache.put(key, result, lut.nbytes + bad.nbytes)
    return result


def child_table(
    index: ReferenceIndex,
    table: FrequencyTable,
    params: KinshipParams,
    locus: str,
    father: Genotype | None,
    mother: Genotype | None,
) -> tuple[F32, npt.NDArray[np.uint8]]:
    """Lookup tables of the query parent(s) against every child genotype code.

    Returns
    -------
    log10_lr : ndarray, shape (G+1,), float32
        Entry 0 (untyped child) is 0.
    inconsistent : ndarray, shape (G+1,), uint8
    """
    father_codes = _codes(index, locus, father) if father is not None else None
    mother_codes = _codes(index, locus, mother) if mother is not None else None
    kernel = locus_kernel(index, table, params, locus)
    first, second = decode_table(len(kernel.alleles))
    g = genotype_count(len(kernel.alleles))
    if father_codes is not None and mother_codes is not None:
        values, bad = couple_log10_lr(kernel, (first, second), father_codes, mother_codes, params)
    else:
        single = father_codes or mother_codes
        if single is None:
            raise ValueError("a parents-to-children query needs a father or a mother")
        other: Role = "mother" if father_codes is not None else "father"
        values, bad = duo_log10_lr(kernel, (first, second), single, params, other)
    lut = np.zeros(g + 1, dtype=np.float32)
    flags = np.zeros(g + 1, dtype=np.uint8)
    lut[1:], flags[1:] = values, bad
    return lut, flags
