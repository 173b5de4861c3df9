"""Near-duplicates: the fast MinHash equals datasketch's; reposts cluster, ads stay apart."""

from __future__ import annotations

import random

import numpy as np
from datasketch import MinHash
from hypothesis import given, settings
from hypothesis import strategies as st

from homeward.screening_engine import (
    NearDuplicateIndex,
    estimated_similarity,
    lsh_band_keys,
    minhash_signature,
)
from homeward.screening_engine.neardup import (
    BANDS,
    NUM_PERM,
    SCHEME,
    SEED,
    minhash_signatures,
    shingle_hash,
    shingles,
)

AD = "送养男宝，刚满月，健康无病，营养费私聊，可以办出生证明，微信 bao_2024，重庆渝北可面交"
REPOST = "送养男宝，刚满月，很健康无病，营养费私聊，可以办出生证明，微信 bao_2025，重庆渝北可面交🔥"
OTHER = "缅北高薪招聘打字员，月薪三万，包吃包住包机票，无需经验，联系VX kk_999"


def _reference(text: str) -> np.ndarray:
    minhash = MinHash(num_perm=NUM_PERM, seed=SEED, hashfunc=shingle_hash, scheme=SCHEME)
    for shingle in shingles(text):
        minhash.update(shingle)
    return np.asarray(minhash.hashvalues)


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=50))
def test_vectorised_signature_equals_datasketch_minhash(text: str) -> None:
    assert np.array_equal(minhash_signature(text), _reference(text))


def test_a_batch_gives_the_same_signatures_as_one_at_a_time() -> None:
    texts = [AD, REPOST, OTHER, "", "短"]
    batch = minhash_signatures(texts)
    for row, text in enumerate(texts):
        assert np.array_equal(batch[row], minhash_signature(text))


def test_similarity_estimates_jaccard_of_shingles() -> None:
    a, b = set(shingles(AD)), set(shingles(REPOST))
    jaccard = len(a & b) / len(a | b)
    estimate = estimated_similarity(minhash_signature(AD), minhash_signature(REPOST))
    assert abs(estimate - jaccard) < 0.15
    assert estimated_similarity(minhash_signature(AD), minhash_signature(OTHER)) < 0.1


def test_band_keys_are_one_per_band_and_shared_by_reposts() -> None:
    keys_ad = lsh_band_keys(minhash_signature(AD))
    keys_repost = lsh_band_keys(minhash_signature(REPOST))
    keys_other = lsh_band_keys(minhash_signature(OTHER))
    assert len(keys_ad) == BANDS == len(set(keys_ad))
    assert set(keys_ad) & set(keys_repost)
    assert not set(keys_ad) & set(keys_other)
    assert lsh_band_keys(minhash_signature(AD)) == keys_ad  # deterministic


def test_reposts_cluster_and_different_ads_stay_apart() -> None:
    rng = random.Random(5)
    ads = [
        AD,
        OTHER,
        "越南新娘包领证，跑了包换，全包十五万，大龄离异都可以，电话13812345678，七天成婚",
        "高价收卵，18-28岁女大学生优先，一次补贴三万，全程保密，不影响以后生育，扣扣 12345678",
        "今天带宝宝去南山植物园玩，人好多，樱花开了，拍了好多照片，下次还来",
    ]
    index = NearDuplicateIndex()
    truth: dict[str, int] = {}
    for number, ad in enumerate(ads):
        index.add(f"ad{number}", ad)
        truth[f"ad{number}"] = number
        for copy in range(4):
            chars = list(ad)
            chars[rng.randrange(len(chars))] = rng.choice("，！的")
            chars.append(rng.choice(["🔥", "[转]", "急"]))
            post_id = f"ad{number}-r{copy}"
            index.add(post_id, "".join(chars))
            truth[post_id] = number
    clusters = index.clusters()
    for post_id, number in truth.items():
        assert clusters[post_id] == f"ad{number}", post_id
    assert len(set(clusters.values())) == len(ads)


def test_adding_the_same_post_twice_keeps_its_cluster() -> None:
    index = NearDuplicateIndex()
    assert index.add("a", AD) == "a"
    assert index.add("b", REPOST) == "a"
    assert index.add("a", OTHER) == "a"
    assert len(index) == 2
