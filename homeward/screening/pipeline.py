"""What happens to every post after intake, in batches: classification, identifiers,
near-duplicate cluster, network.

- **Classification**: the engine's label, probabilities, cues and flag.
- **Identifiers**: contact details as blind indexes (``tips.services.identifier_digest``,
  the clue module's digest) with the normalised value encrypted.
- **Cluster**: the MinHash LSH band keys of each cluster's first post are stored; the
  founders sharing a key with a new post (earlier batches from the database, this batch
  from memory) are candidates, and one whose estimated similarity reaches
  ``NEAR_DUPLICATE_SIMILARITY`` gives its cluster (the lowest such founder's); otherwise
  the post founds a cluster (named by its own id).
- **Network**: posts sharing any contact detail are one network (union-find over the
  batch and the networks already stored; merged networks take the lowest id).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from homeward.core.models import Division
from homeward.screening import engine
from homeward.screening.models import BandKey, Post, PostIdentifier
from homeward.tips.services import identifier_digest

# Rows per IN (...) query: far below SQLite's limit of bound parameters.
CHUNK = 900


def _chunks(items: Sequence[object], size: int = CHUNK) -> Iterable[Sequence[object]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _district_names() -> dict[str, int]:
    names: dict[str, int] = {}
    for pk, name in Division.objects.values_list("pk", "name_zh"):
        names[name] = pk
        # 渝中区 is also written 渝中; 石柱土家族自治县 as 石柱县 is left to the engine.
        if len(name) > 2 and name[-1] in "区县":
            names.setdefault(name[:-1], pk)
    return names


class _UnionFind:
    def __init__(self) -> None:
        self.parent: dict[tuple[str, object], tuple[str, object]] = {}

    def find(self, node: tuple[str, object]) -> tuple[str, object]:
        self.parent.setdefault(node, node)
        root = node
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[node] != root:
            self.parent[node], node = root, self.parent[node]
        return root

    def union(self, a: tuple[str, object], b: tuple[str, object]) -> None:
        root_a, root_b = self.find(a), self.find(b)
        if root_a != root_b:
            self.parent[root_b] = root_a


@dataclass
class Linkable:
    """What linking a post needs besides the row: its LSH band keys and contacts."""

    keys: list[str]
    contacts: set[tuple[str, str]]


def classify_into(posts: Sequence[Post]) -> dict[int, Linkable]:
    """Fill the engine's answer into unsaved (or unclassified) posts: label,
    probabilities, cues, flag, signature — and the district from a place named in the
    text when the post has none. Returns, by position, what linking needs."""
    results = engine.classify([post.text for post in posts])
    now = timezone.now()
    districts = _district_names()
    extra: dict[int, Linkable] = {}
    for position, (post, result) in enumerate(zip(posts, results, strict=True)):
        post.label = result.label
        post.score = min(max(float(result.score), 0.0), 1.0)
        post.scores = {label: round(float(p), 4) for label, p in result.scores.items()}
        post.cues = engine.cue_dicts(result)
        post.model_version = result.model_version[:64]
        post.flagged = bool(result.flagged)
        post.classified_at = now
        sig = engine.signature(post.text)
        post.signature = engine.signature_bytes(sig)
        found: set[tuple[str, str]] = set()
        for identifier in result.identifiers:
            if identifier.kind in engine.LINK_KINDS and identifier.value:
                found.add((identifier.kind, identifier.value[:200]))
            elif identifier.kind == "place" and post.division_id is None:
                post.division_id = districts.get(identifier.value)
        extra[position] = Linkable(keys=engine.band_keys(sig), contacts=found)
    return extra


@transaction.atomic
def posts_link(posts: Sequence[Post], extra: dict[int, Linkable] | None = None) -> None:
    """Give stored, classified posts their near-duplicate cluster and network (posts
    already linked are left alone). ``extra`` (by position) spares recomputing the band
    keys and contacts; without it they are computed again from the post."""
    todo: list[Post] = []
    keys: dict[int, list[str]] = {}
    contacts: dict[int, set[tuple[str, str]]] = {}
    signatures: dict[int, np.ndarray] = {}
    for position, post in enumerate(posts):
        if post.cluster_head_id is not None or post.signature is None:
            continue
        todo.append(post)
        signatures[post.pk] = engine.signature_from_bytes(post.signature)
        if extra is not None and position in extra:
            keys[post.pk] = extra[position].keys
            contacts[post.pk] = extra[position].contacts
        else:
            from homeward.screening_engine import extract_identifiers

            keys[post.pk] = engine.band_keys(signatures[post.pk])
            contacts[post.pk] = {
                (i.kind, i.value[:200])
                for i in extract_identifiers(post.text)
                if i.kind in engine.LINK_KINDS and i.value
            }
    if not todo:
        return
    _assign_clusters(todo, signatures, keys)
    _assign_networks(todo, contacts)
    # One UPDATE per cluster and per network (a CASE per row is far slower).
    by_head: dict[int, list[int]] = defaultdict(list)
    by_network: dict[int, list[int]] = defaultdict(list)
    for post in todo:
        by_head[int(post.cluster_head_id or post.pk)].append(post.pk)
        if post.network_id:
            by_network[int(post.network_id)].append(post.pk)
    for head, ids in by_head.items():
        for part in _chunks(ids):
            Post.objects.filter(pk__in=part).update(cluster_head_id=head)
    for network, ids in by_network.items():
        for part in _chunks(ids):
            Post.objects.filter(pk__in=part).update(network_id=network)


@transaction.atomic
def posts_process(post_ids: Sequence[int]) -> int:
    """Classify (if not yet) and link the stored posts ``post_ids``; a post already
    done is skipped, so a run started twice does the work once. Returns how many of
    them are flagged. Intake classifies before it stores (:func:`classify_into`); this
    is for posts stored unclassified and for resuming."""
    posts = list(
        Post.objects.select_for_update()
        .filter(pk__in=post_ids)
        .filter(Q(classified_at__isnull=True) | Q(cluster_head__isnull=True))
        .order_by("pk")
    )
    if not posts:
        return 0
    unclassified = [post for post in posts if post.classified_at is None]
    extra: dict[int, Linkable] = {}
    if unclassified:
        found = classify_into(unclassified)
        position_of = {post.pk: n for n, post in enumerate(posts)}
        extra = {position_of[unclassified[n].pk]: item for n, item in found.items()}
        for post in unclassified:
            post.save(
                update_fields=[
                    "label",
                    "score",
                    "scores",
                    "cues",
                    "model_version",
                    "flagged",
                    "classified_at",
                    "signature",
                    "division",
                ]
            )
    posts_link(posts, extra)
    return sum(1 for post in posts if post.flagged)


def _assign_clusters(
    posts: list[Post], signatures: dict[int, np.ndarray], keys: dict[int, list[str]]
) -> None:
    batch_ids = [post.pk for post in posts]
    wanted = sorted({key for post_keys in keys.values() for key in post_keys})
    holders: dict[str, list[int]] = defaultdict(list)
    for part in _chunks(wanted):
        for key, post_id in (
            BandKey.objects.filter(key__in=part)
            .exclude(post_id__in=batch_ids)
            .values_list("key", "post_id")
        ):
            holders[key].append(post_id)
    earlier = sorted({pk for ids in holders.values() for pk in ids})
    heads: dict[int, int] = {}
    for part in _chunks(earlier):
        for pk, raw, head in Post.objects.filter(pk__in=part).values_list(
            "pk", "signature", "cluster_head_id"
        ):
            if raw is not None:
                signatures[pk] = engine.signature_from_bytes(raw)
            heads[pk] = head or pk
    new_keys: list[BandKey] = []
    for post in posts:
        sig = signatures[post.pk]
        candidates = sorted({pk for key in keys[post.pk] for pk in holders.get(key, ())})
        matched = [
            heads[pk]
            for pk in candidates
            if pk in signatures
            and pk in heads
            and engine.similarity(sig, signatures[pk]) >= engine.NEAR_DUPLICATE_SIMILARITY
        ]
        head = min(matched) if matched else post.pk
        post.cluster_head_id = head
        heads[post.pk] = head
        if head == post.pk:
            # Only a cluster's first post is indexed (as the engine's in-memory index
            # does): a repost is compared with the founders, so the keys grow with the
            # number of clusters, not of posts.
            for key in keys[post.pk]:
                holders[key].append(post.pk)
                new_keys.append(BandKey(post_id=post.pk, key=key))
    BandKey.objects.bulk_create(new_keys, batch_size=2000)


def _assign_networks(posts: list[Post], contacts: dict[int, set[tuple[str, str]]]) -> None:
    batch_ids = [post.pk for post in posts]
    digests: dict[int, set[str]] = {}
    rows: list[PostIdentifier] = []
    for post in posts:
        mine: set[str] = set()
        for kind, value in sorted(contacts[post.pk]):
            digest = identifier_digest(kind, value)
            if f"{kind}:{digest}" in mine:
                continue
            mine.add(f"{kind}:{digest}")
            rows.append(PostIdentifier(post_id=post.pk, kind=kind, digest=digest, value=value))
        digests[post.pk] = mine
    PostIdentifier.objects.bulk_create(rows, batch_size=1000)
    plain = sorted({d.split(":", 1)[1] for ds in digests.values() for d in ds})
    links = _UnionFind()
    for part in _chunks(plain):
        for kind, digest, network in (
            PostIdentifier.objects.filter(digest__in=part, post__network_id__isnull=False)
            .exclude(post_id__in=batch_ids)
            .values_list("kind", "digest", "post__network_id")
            .distinct()
        ):
            links.union(("d", f"{kind}:{digest}"), ("n", network))
    for post in posts:
        for digest in digests[post.pk]:
            links.union(("p", post.pk), ("d", digest))
    members: dict[tuple[str, object], list[tuple[str, object]]] = defaultdict(list)
    for node in list(links.parent):
        members[links.find(node)].append(node)
    by_post = {post.pk: post for post in posts}
    for nodes in members.values():
        post_ids = [int(pk) for kind, pk in nodes if kind == "p"]  # type: ignore[call-overload]
        networks = [int(pk) for kind, pk in nodes if kind == "n"]  # type: ignore[call-overload]
        if not post_ids:
            continue
        root = min(post_ids + networks)
        for pk in post_ids:
            by_post[pk].network_id = root
        others = [network for network in networks if network != root]
        if others:
            Post.objects.filter(network_id__in=others).update(network_id=root)
