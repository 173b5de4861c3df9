"""Clues and posts meet by the contact details they name, whoever wrote them: a public
clue that names only a seller's WeChat id (in any of its spellings) is shown with the
posts that carry it, and the clue opened from such a post is related to it."""

from __future__ import annotations

import pytest

from homeward.core.models import Division, User
from homeward.screening.models import Platform, Post, PostIdentifier
from homeward.screening.selectors import network_of
from homeward.screening.services import post_review, posts_submit_api
from homeward.screening.tests.conftest import SELLER_AD
from homeward.testing.fixtures import signed_in
from homeward.tips.models import Tip, TipIdentifier
from homeward.tips.selectors import related_tips
from homeward.tips.services import tip_submit

pytestmark = pytest.mark.django_db


def _public_clue(narrative: str, division: Division, key: str) -> Tip:
    return tip_submit(
        channel=Tip.Channel.PUBLIC,
        category=Tip.Category.CHILD_SELLING,
        narrative=narrative,
        division=division,
        idempotency_key=key,
    ).tip


@pytest.mark.parametrize(
    "narrative",
    [
        "抖音上有人卖刚满月的男孩，让加v baobao_2026 私聊营养费",
        "有个卖孩子的，威信：BaoBao_2026，请查一下",
        "朋友圈看到送养男宝的，微信号 baobao_2026",
    ],
)
def test_a_public_clue_naming_only_a_wechat_id_joins_the_post_that_carries_it(
    narrative: str, owner: User, wechat: Platform, yuzhong: Division
) -> None:
    # given a seller's post (phone and WeChat) and a clue naming only the WeChat id
    posts_submit_api(
        platform=wechat,
        items=[{"post_id": "w1", "text": SELLER_AD, "district": "500103"}],
        idempotency_key="k-wechat-join",
    )
    post = Post.objects.get(platform_post_id="w1")
    clue = _public_clue(narrative, yuzhong, "clue-wechat-only")
    # then the clue's identifiers are the post's digest for that WeChat id, and no phone
    post_wechat = PostIdentifier.objects.get(post=post, kind="wechat").digest
    clue_ids = set(TipIdentifier.objects.filter(tip=clue).values_list("kind", "digest"))
    assert clue_ids == {("wechat", post_wechat)}
    # and the post's network lists the clue, on the selector and on the page
    assert clue.pk in [c.pk for c in network_of(owner, post).clues]
    page = signed_in(owner).get(f"/screening/posts/{post.pk}/")
    assert page.status_code == 200
    assert clue.tracking_code in page.content.decode()
    # and the other way: the clue opened from the post is related to the public clue
    outcome = post_review(actor=owner, post=post, decision=True, label="illegal_adoption")
    opened = Tip.objects.get(pk=outcome.tip_id)
    assert clue.pk in [other.pk for other, _why in related_tips(owner, opened)]
    assert opened.pk in [other.pk for other, _why in related_tips(owner, clue)]


def test_a_clue_naming_a_qq_number_in_words_joins_a_post_with_the_qq(
    owner: User, wechat: Platform, yuzhong: Division
) -> None:
    posts_submit_api(
        platform=wechat,
        items=[
            {
                "post_id": "q1",
                "text": "高薪招打字员，包机票，扣扣 2765 4321 详谈",
                "district": "500103",
            }
        ],
        idempotency_key="k-qq-join",
    )
    post = Post.objects.get(platform_post_id="q1")
    clue = _public_clue("有人在群里招人去缅甸打字，QQ号：27654321，我怀疑是骗局", yuzhong, "c-qq")
    assert ("qq", PostIdentifier.objects.get(post=post, kind="qq").digest) in set(
        TipIdentifier.objects.filter(tip=clue).values_list("kind", "digest")
    )
    assert clue.pk in [c.pk for c in network_of(owner, post).clues]


def test_a_clue_in_another_district_is_not_shown_to_a_district_reviewer(
    owner: User, wechat: Platform, wanzhou: Division
) -> None:
    posts_submit_api(
        platform=wechat,
        items=[{"post_id": "w9", "text": SELLER_AD, "district": "500103"}],
        idempotency_key="k-wechat-scope",
    )
    post = Post.objects.get(platform_post_id="w9")
    clue = _public_clue("万州有人加v baobao_2026 卖孩子", wanzhou, "c-wanzhou")
    # the link exists, but 渝中区's reviewer does not see 万州区's clue
    assert TipIdentifier.objects.filter(tip=clue, kind="wechat").exists()
    assert clue.pk not in [c.pk for c in network_of(owner, post).clues]
