"""The found-person duplicate prefilter (reunion.duplicates.pairable_mask) never drops a
pair that linkage.dedup would score: checked on the generator's realistic records."""

from __future__ import annotations

from homeward.linkage.columns import encode_found
from homeward.linkage.dedup import found_duplicates
from homeward.linkage.generate import Generator
from homeward.linkage.records import found_from_fields
from homeward.reunion.duplicates import pairable_mask


def test_the_prefilter_keeps_every_pair_dedup_suggests() -> None:
    data = Generator(seed=11).dataset(reports=300, found=600)
    found = [found_from_fields(row) for row in data.found]
    # near-copies of some, as a second entry of the same person would be
    found += [
        found_from_fields({**row, "found_id": f"{row['found_id']}-again"})
        for row in data.found[:60]
    ]
    suggested = found_duplicates(found)
    assert len(suggested) >= 60  # the copies at least
    cols = encode_found(found)
    row_of = {str(found_id): i for i, found_id in enumerate(cols.ids)}
    by_id = {f.id: f for f in found}
    kept_total = 0
    for suggestion in suggested:
        mine = by_id[suggestion.first]
        mask = pairable_mask(cols.sex, cols.birth_lo, cols.birth_hi, mine)
        assert mask[row_of[suggestion.second]], suggestion
        kept_total += int(mask.sum())
    # and it does prune: far fewer rows than the table for each
    assert kept_total < len(suggested) * len(found) / 2
