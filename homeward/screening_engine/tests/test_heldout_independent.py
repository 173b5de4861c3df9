"""The held-out set is no near copy of the training corpus (issue 15: "an independent
held-out set ... written apart from your training data").

Every held-out post is compared with every training post (``corpus.load_corpus``, the
posts ``train`` reads) by the engine's own near-duplicate measure — the MinHash
signature of :mod:`..neardup` and its estimated Jaccard similarity — exhaustively, not
through the LSH bands (which find a pair at the threshold only one time in four). A
held-out post at or above ``SAME_CLUSTER_SIMILARITY`` would be clustered with a training
post as the same ad reposted, and would make the held-out figures a test on training
data: the list of such posts must be empty.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import numpy.typing as npt

from homeward.screening_engine.corpus import LabelledPost, load_corpus, read_posts
from homeward.screening_engine.neardup import (
    SAME_CLUSTER_SIMILARITY,
    estimated_similarity,
    minhash_signature,
    minhash_signatures,
)

HELDOUT = Path(__file__).resolve().parents[1] / "heldout" / "heldout.jsonl"


def near_copies(
    heldout: list[LabelledPost],
    training: list[LabelledPost],
    threshold: float = SAME_CLUSTER_SIMILARITY,
) -> list[tuple[str, str, float]]:
    """``(held-out id, training id, estimated similarity)`` of every held-out post whose
    most similar training post reaches ``threshold``, most similar first."""
    trained: npt.NDArray[np.uint32] = minhash_signatures([post.text for post in training])
    found: list[tuple[str, str, float]] = []
    for post, signature in zip(
        heldout, minhash_signatures([post.text for post in heldout]), strict=True
    ):
        # estimated_similarity of this post with every training post at once
        similarities = (trained == signature).mean(axis=1)
        best = int(similarities.argmax())
        if similarities[best] >= threshold:
            found.append((post.id, training[best].id, float(similarities[best])))
    return sorted(found, key=lambda item: -item[2])


def test_the_vectorised_similarity_is_the_engines_estimate() -> None:
    a = "送养男宝，刚满月，健康，营养费私聊，加v：baobao_2026"
    b = "送养男宝，刚满月健康，营养费私聊！加v：baobao_2027"
    signatures = minhash_signatures([a, b])
    assert float((signatures[:1] == signatures[1]).mean(axis=1)[0]) == estimated_similarity(
        minhash_signature(a), minhash_signature(b)
    )


def test_the_check_finds_a_near_copy() -> None:
    training = load_corpus()
    source = next(post for post in training if len(post.text) > 40)
    copy = LabelledPost(id="COPY", text=source.text[:-3] + "！！私聊", label=source.label)
    assert [found[:2] for found in near_copies([copy], training)] == [("COPY", source.id)]


def test_no_heldout_post_is_a_near_copy_of_a_training_post() -> None:
    heldout = list(read_posts(HELDOUT))
    training = load_corpus()
    assert len(heldout) >= 250 and len(training) > 1000
    copies = near_copies(heldout, training)
    assert copies == [], "held-out posts that are near copies of training posts:\n" + "\n".join(
        f"{h} ~ {t}: {s:.2f}" for h, t, s in copies
    )
