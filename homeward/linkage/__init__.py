"""Probabilistic linkage of family search reports and found persons (issue 14).

Django-free (NumPy, ``pypinyin``, OpenCC and ``lunardate``): an import-linter contract
keeps Django and the apps out. The ``reunion`` app loads records, calls the engine and
stores the results.

Modules
-------
text
    Simplified script, every reading of a character and a surname's readings, Chongqing
    dialect keys, 小名 cores, typed pinyin spellings.
ages
    Dates (solar, lunar, to the month), 虚岁 and 周岁, estimated ages as intervals of
    the date of birth with the method's error.
features
    Marks as (kind, body place), landmarks as keywords, provinces, accents, blood types.
records
    The two sides as normalised records, built from plain fields (CSV columns).
comparisons
    The comparison levels of a pair: the slow, obviously-correct reference.
columns, index
    Records as column arrays and the vectorised, blocked search with bands.
model, train
    Fellegi–Sunter m/u with term-frequency adjustment and interactions of dependent
    comparisons; u from random pairs (inside the block), m counted over known true
    pairs (the bundled model: the generator's tuning seeds) or by one-to-one EM.
discriminative
    Offsets of the per-level weights (per age-at-loss class of the report) by a
    conditional logit over labelled reports' candidates, L2 towards Fellegi–Sunter.
combine
    The non-genetic likelihood ratio times the DNA one, as one posterior.
dedup
    Duplicate suggestions on either side.
generate, evaluate
    A seeded generator of realistic records and the metrics of a ranking.
io, cli
    All file I/O; ``python -m homeward.linkage rank …``.
"""
