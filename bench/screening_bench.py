"""Online screening (issue 15): classification speed and near-duplicate clustering at scale.

`python bench/screening_bench.py` (`make bench-screening`). Two parts, each printed with
its wall time, CPU time and the load average:

1. **Classification** of ``--classify`` posts (default 20,000; templated posts of a seed
   the model was not trained on) with the shipped model, identifier extraction included,
   in batches of 512 as the CLI does: posts per second (target ≥ 2,000/s).
2. **Clustering** of ``--posts`` posts (default 1,000,000): distinct ads from the corpus
   generator (fresh seeds) and reposts of them with small edits (a character changed or
   dropped, an emoji or a tag added, a digit of the contact changed), shuffled, through
   :class:`NearDuplicateIndex` (target ≤ 5 minutes). Prints the share of reposts that
   landed in their original's cluster and the share of clusters that hold more than one
   distinct ad, and the peak resident memory.

Nothing is asserted: the figures are this machine's, printed beside its load.
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from costs import load, machine, measured  # noqa: E402

from homeward.screening_engine import NearDuplicateIndex, load_model  # noqa: E402
from homeward.screening_engine.templates import generate_posts  # noqa: E402

EDIT_SUFFIXES = (
    "🔥",
    "[转]",
    "急",
    "～",
    "！！",
    "#好物分享",
    "（再发一次）",
    "有意私",
    "...",
    "💯",
)


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def distinct_ads(count: int, first_seed: int) -> list[str]:
    texts: list[str] = []
    seen: set[str] = set()
    seed = first_seed
    while len(texts) < count:
        for post in generate_posts(seed=seed):
            if post.text not in seen:
                seen.add(post.text)
                texts.append(post.text)
                if len(texts) == count:
                    break
        seed += 1
    return texts


def repost(rng: random.Random, text: str) -> str:
    chars = list(text)
    for _ in range(rng.randint(1, 2)):
        edit = rng.randint(0, 3)
        position = rng.randrange(len(chars)) if chars else 0
        if edit == 0 and chars:
            chars[position] = rng.choice("，。！ 的了")
        elif edit == 1 and len(chars) > 20:
            del chars[position]
        elif edit == 2:
            digits = [i for i, ch in enumerate(chars) if ch.isdigit()]
            if digits:
                chars[rng.choice(digits)] = str(rng.randint(0, 9))
        else:
            chars.append(rng.choice(EDIT_SUFFIXES))
    return "".join(chars)


def classification(count: int) -> None:
    posts = [post.text for post in generate_posts(seed=424242)]
    texts = (posts * (count // len(posts) + 1))[:count]
    with measured("load the shipped model"):
        model = load_model()
    with measured(f"classify {count:,} posts (+ identifiers)") as m:
        flagged = 0
        identifiers = 0
        for offset in range(0, count, 512):
            for result in model.classify(texts[offset : offset + 512]):
                flagged += result.flagged
                identifiers += len(result.identifiers)
    print(
        f"  -> {count / m.wall:,.0f} posts/s wall, {count / m.cpu:,.0f} posts/s per CPU-second; "
        f"{flagged:,} flagged, {identifiers:,} identifiers; model {model.version}",
        flush=True,
    )


def clustering(total: int, seed: int) -> None:
    rng = random.Random(seed)
    bases_wanted = total // 4
    with measured(f"generate {bases_wanted:,} distinct ads"):
        bases = distinct_ads(bases_wanted, first_seed=seed)
    with measured(f"make {total:,} posts (reposts with small edits)"):
        posts: list[tuple[str, str, int]] = [(f"b{i}", text, i) for i, text in enumerate(bases)]
        while len(posts) < total:
            base = rng.randrange(len(bases))
            posts.append((f"r{len(posts)}", repost(rng, bases[base]), base))
        rng.shuffle(posts)
    print(f"  memory after generating: peak RSS {_rss_mb():,.0f} MB", flush=True)
    index = NearDuplicateIndex()
    with measured(f"cluster {total:,} posts (MinHash LSH)") as m:
        clusters = index.add_many((post_id, text) for post_id, text, _ in posts)
    print(f"  -> {total / m.wall:,.0f} posts/s wall; peak RSS {_rss_mb():,.0f} MB", flush=True)
    by_base: dict[int, list[str]] = defaultdict(list)
    for post_id, _, base in posts:
        by_base[base].append(clusters[post_id])
    together = sum(Counter(members).most_common(1)[0][1] for members in by_base.values())
    bases_per_cluster: dict[str, set[int]] = defaultdict(set)
    for post_id, _, base in posts:
        bases_per_cluster[clusters[post_id]].add(base)
    merged = sum(1 for members in bases_per_cluster.values() if len(members) > 1)
    print(
        f"  -> {len(bases_per_cluster):,} clusters for {len(bases):,} distinct ads; "
        f"{100 * together / total:.1f} % of posts in their ad's main cluster; "
        f"{100 * merged / len(bases_per_cluster):.1f} % of clusters hold more than one distinct ad "
        "(templated ads that differ only in a filler can be near-duplicates themselves)",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--classify", type=int, default=20_000)
    parser.add_argument("--posts", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=9001)
    args = parser.parse_args()
    print(f"machine: {machine()}; load {load()}", flush=True)
    classification(args.classify)
    clustering(args.posts, args.seed)
    print(f"peak RSS of the whole run: {_rss_mb():,.0f} MB; load {load()}", flush=True)


if __name__ == "__main__":
    main()
