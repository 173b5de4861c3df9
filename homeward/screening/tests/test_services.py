"""Intake, classification, clusters, networks, review into a clue, takedowns, figures."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from homeward.core.errors import ActorError, DomainError
from homeward.core.models import AuditEvent, Division, User
from homeward.screening.models import Operation, Platform, Post, PostIdentifier, Takedown
from homeward.screening.selectors import operation_figures, plan_counts, review_queue
from homeward.screening.services import (
    ScreeningError,
    post_paste,
    post_review,
    posts_submit_api,
    takedown_report,
)
from homeward.screening.tests.conftest import SELLER_AD, SELLER_REPOST, WARNING
from homeward.tips.models import Tip, TipIdentifier
from homeward.tips.services import identifier_digest

pytestmark = pytest.mark.django_db


def _push(platform: Platform, items: list[dict[str, str]], key: str = "batch-0001") -> None:
    outcomes, _replayed = posts_submit_api(platform=platform, items=items, idempotency_key=key)
    assert all(o.status == "created" for o in outcomes), outcomes


def test_a_sellers_post_is_flagged_with_cues_and_its_contacts_as_blind_indexes(
    wechat: Platform, yuzhong: Division
) -> None:
    # given / when
    _push(wechat, [{"post_id": "w1", "text": SELLER_AD, "district": "500103"}])
    # then
    post = Post.objects.get(platform_post_id="w1")
    assert post.flagged and post.label == "illegal_adoption"
    assert post.division == yuzhong
    assert any(cue["text"] in SELLER_AD and cue["start"] < cue["end"] for cue in post.cues)
    kinds = dict(PostIdentifier.objects.filter(post=post).values_list("kind", "digest"))
    assert kinds["phone"] == identifier_digest("phone", "13823456789")
    assert kinds["wechat"] == identifier_digest("wechat", "baobao_2026")
    # the text and the handle are not stored in clear
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("select text, author_handle from screening_post where id = %s", [post.pk])
        raw_text, _raw_handle = cursor.fetchone()
    assert "送养" not in raw_text


def test_a_warning_that_quotes_an_offer_is_not_flagged(wechat: Platform) -> None:
    _push(wechat, [{"post_id": "w2", "text": WARNING}])
    post = Post.objects.get(platform_post_id="w2")
    assert not post.flagged
    assert post.label == "benign"


def test_reposts_on_two_platforms_are_one_cluster_and_one_network(
    wechat: Platform, douyin: Platform
) -> None:
    _push(wechat, [{"post_id": "w1", "text": SELLER_AD}], key="batch-a-0001")
    _push(
        douyin,
        [{"post_id": "d1", "text": SELLER_REPOST}, {"post_id": "d2", "text": WARNING}],
        key="batch-b-0001",
    )
    first = Post.objects.get(platform_post_id="w1")
    repost = Post.objects.get(platform_post_id="d1")
    warning = Post.objects.get(platform_post_id="d2")
    assert repost.cluster_head_id == first.pk == first.cluster_head_id
    assert warning.cluster_head_id == warning.pk
    assert repost.network_id == first.network_id == first.pk
    assert warning.network_id is None


def test_posts_sharing_only_a_phone_are_one_network_and_networks_merge(
    wechat: Platform,
) -> None:
    _push(
        wechat,
        [
            {"post_id": "a", "text": "代孕包成功，联系电话 139 1111 2222"},
            {"post_id": "b", "text": "越南新娘包领证，加v：bride_cq88"},
        ],
        key="batch-net-01",
    )
    a, b = Post.objects.get(platform_post_id="a"), Post.objects.get(platform_post_id="b")
    assert a.network_id != b.network_id
    # a third post names both: the two networks become one, under the lower id
    _push(
        wechat,
        [{"post_id": "c", "text": "有需要的联系 13911112222 或者 加v bride_cq88"}],
        key="batch-net-02",
    )
    ids = set(
        Post.objects.filter(platform_post_id__in=["a", "b", "c"]).values_list(
            "network_id", flat=True
        )
    )
    assert ids == {a.pk}


def test_the_partner_api_is_idempotent_and_answers_each_item(wechat: Platform) -> None:
    items = [
        {"post_id": "x1", "text": SELLER_AD},
        {"post_id": "", "text": "没有编号"},
        {"post_id": "x3", "text": ""},
        {"post_id": "x4", "text": "正常的帖子", "posted_at": "明天"},
    ]
    first, replayed = posts_submit_api(platform=wechat, items=items, idempotency_key="key-000001")
    assert not replayed
    assert [o.status for o in first] == ["created", "rejected", "rejected", "rejected"]
    assert "post_id" in first[1].errors and "text" in first[2].errors
    assert "posted_at" in first[3].errors
    again, replayed = posts_submit_api(platform=wechat, items=items, idempotency_key="key-000001")
    assert replayed and [o.status for o in again] == [o.status for o in first]
    assert Post.objects.filter(platform=wechat).count() == 1
    # a new key with the same post: it exists already
    third, _ = posts_submit_api(platform=wechat, items=items[:1], idempotency_key="key-000002")
    assert third[0].status == "exists"
    # the same key with other posts: refused
    with pytest.raises(DomainError) as refused:
        posts_submit_api(platform=wechat, items=items[1:], idempotency_key="key-000001")
    assert refused.value.status == 409
    assert refused.value.code == ScreeningError.IDEMPOTENCY_REUSED


def test_confirming_a_sellers_post_opens_a_clue_with_the_phone_and_wechat_and_takedowns(
    owner: User, wechat: Platform, douyin: Platform, yuzhong: Division
) -> None:
    # given a public clue that already names the seller's phone
    from homeward.tips.services import tip_submit

    earlier = tip_submit(
        channel=Tip.Channel.PUBLIC,
        category=Tip.Category.CHILD_SELLING,
        narrative="网上有人卖孩子，电话13823456789，请警察查一查",
        division=yuzhong,
        idempotency_key="earlier-clue-1",
    ).tip
    _push(wechat, [{"post_id": "w1", "text": SELLER_AD, "district": "渝中区"}], key="k-confirm-1")
    _push(douyin, [{"post_id": "d1", "text": SELLER_REPOST}], key="k-confirm-2")
    post = Post.objects.get(platform_post_id="w1")
    # when
    outcome = post_review(actor=owner, post=post, decision=True, label="illegal_adoption")
    # then a clue for 渝中区 police, with the phone and the WeChat id attached
    tip = Tip.objects.get(pk=outcome.tip_id)
    assert tip.channel == Tip.Channel.ONLINE_SCREENING
    assert tip.category == Tip.Category.CHILD_SELLING
    assert tip.division == yuzhong
    assert SELLER_AD in tip.narrative
    digests = set(TipIdentifier.objects.filter(tip=tip).values_list("kind", "digest"))
    assert ("phone", identifier_digest("phone", "13823456789")) in digests
    assert ("wechat", identifier_digest("wechat", "baobao_2026")) in digests
    # the clue joins the earlier one through the clue module's related-clue mechanism
    from homeward.tips.selectors import related_tips

    assert earlier.pk in [other.pk for other, _why in related_tips(owner, tip)]
    # takedowns for the post and its repost on the other platform
    requests = {t.post.platform_post_id: t for t in Takedown.objects.select_related("post")}
    assert set(requests) == {"w1", "d1"}
    assert requests["d1"].platform == douyin
    assert Post.objects.get(platform_post_id="d1").status == Post.Status.CONFIRMED
    assert AuditEvent.objects.filter(action="screening_review", object_id=str(post.pk)).exists()
    # reviewing it again is refused
    with pytest.raises(DomainError) as again:
        post_review(actor=owner, post=post, decision=False)
    assert again.value.code == ScreeningError.NOT_PENDING


def test_a_confirmed_post_without_district_needs_the_clues_district(
    owner: User, municipal_investigator: User, wechat: Platform, yuzhong: Division
) -> None:
    _push(wechat, [{"post_id": "w1", "text": SELLER_AD}], key="k-nodistrict")
    post = Post.objects.get(platform_post_id="w1")
    with pytest.raises(ValidationError) as error:
        post_review(
            actor=municipal_investigator, post=post, decision=True, label="illegal_adoption"
        )
    assert "division" in error.value.message_dict
    outcome = post_review(
        actor=municipal_investigator,
        post=post,
        decision=True,
        label="illegal_adoption",
        division=yuzhong,
    )
    assert Tip.objects.get(pk=outcome.tip_id).division == yuzhong


def test_a_false_alarm_is_dismissed_as_benign(owner: User, wechat: Platform) -> None:
    _push(wechat, [{"post_id": "w1", "text": SELLER_AD, "district": "500103"}], key="k-false-1")
    post = Post.objects.get(platform_post_id="w1")
    outcome = post_review(actor=owner, post=post, decision=False, note="是新闻")
    assert outcome.tip_id is None and outcome.review.label == "benign"
    assert not review_queue(owner).filter(pk=post.pk).exists()
    assert not Takedown.objects.exists()


def test_a_platform_reports_removal_of_its_own_requests_only(
    owner: User, wechat: Platform, douyin: Platform
) -> None:
    _push(wechat, [{"post_id": "w1", "text": SELLER_AD, "district": "500103"}], key="k-take-1")
    post = Post.objects.get(platform_post_id="w1")
    post_review(actor=owner, post=post, decision=True, label="illegal_adoption")
    takedown = Takedown.objects.get(post=post)
    with pytest.raises(DomainError) as other:
        takedown_report(platform=douyin, takedown_id=takedown.pk, status="confirmed_removed")
    assert other.value.status == 404
    assert other.value.code == ScreeningError.NO_TAKEDOWN
    takedown_report(platform=wechat, takedown_id=takedown.pk, status="acknowledged")
    done = takedown_report(
        platform=wechat, takedown_id=takedown.pk, status="confirmed_removed", reference="WX-1"
    )
    assert done.status == Takedown.Status.CONFIRMED_REMOVED and done.closed_at
    with pytest.raises(DomainError) as back:
        takedown_report(platform=wechat, takedown_id=takedown.pk, status="refused")
    assert back.value.status == 409
    assert back.value.code == ScreeningError.BAD_TRANSITION


def test_operation_figures_are_computed_from_the_records(
    owner: User, cyberspace: User, operation: Operation, wechat: Platform
) -> None:
    post = post_paste(actor=cyberspace, platform=wechat, text=SELLER_AD, operation=operation)
    post_paste(actor=cyberspace, platform=wechat, text=WARNING, operation=operation)
    Post.objects.filter(pk=post.pk).update(division=Division.objects.get(code="500103"))
    post.refresh_from_db()
    post_review(actor=owner, post=post, decision=True, label="illegal_adoption")
    takedown_report(
        platform=wechat,
        takedown_id=Takedown.objects.get(post=post).pk,
        status="confirmed_removed",
    )
    figures = operation_figures([operation.pk])[operation.pk]
    assert figures == {
        "screened": 2,
        "flagged": 1,
        "confirmed": 1,
        "taken_down": 1,
        "clues_opened": 1,
    }
    from django.utils import timezone

    from homeward.core.counts import for_area, year_bounds

    start, end = year_bounds(timezone.localdate().year)
    area = for_area(plan_counts(start, end), None)
    assert area["online_posts_screened"] == 2
    assert area["online_posts_taken_down"] == 1
    from homeward.coordination.indicators import all_indicators

    indicators = all_indicators(owner.agency, timezone.localdate().year)
    assert indicators["online_clues_opened"] == 1


def test_only_screening_roles_take_in_or_review_posts(
    make_user: object, wechat: Platform, no_role_user: User
) -> None:
    with pytest.raises(DomainError) as paste:
        post_paste(actor=no_role_user, platform=wechat, text=SELLER_AD)
    assert paste.value.code == ActorError.MISSING_PERMISSION
    _push(wechat, [{"post_id": "w1", "text": SELLER_AD, "district": "500103"}], key="k-roles-1")
    with pytest.raises(DomainError) as review:
        post_review(
            actor=no_role_user,
            post=Post.objects.get(platform_post_id="w1"),
            decision=True,
            label="illegal_adoption",
        )
    assert review.value.code == ActorError.MISSING_PERMISSION


def test_the_app_clusters_at_the_engines_own_threshold() -> None:
    from homeward.screening import engine
    from homeward.screening_engine.neardup import SAME_CLUSTER_SIMILARITY

    assert engine.NEAR_DUPLICATE_SIMILARITY == SAME_CLUSTER_SIMILARITY


def test_reviews_are_exported_in_the_corpus_format_for_the_next_training_run(
    owner: User, wechat: Platform, tmp_path: object
) -> None:
    import json
    from pathlib import Path

    from django.core.management import call_command

    from homeward.screening_engine.corpus import read_posts

    _push(
        wechat,
        [
            {"post_id": "w1", "text": SELLER_AD, "district": "500103"},
            {"post_id": "w2", "text": "送养男宝的新闻，警方已经介入调查", "district": "500103"},
        ],
        key="k-export-1",
    )
    post_review(
        actor=owner,
        post=Post.objects.get(platform_post_id="w1"),
        decision=True,
        label="illegal_adoption",
    )
    post_review(actor=owner, post=Post.objects.get(platform_post_id="w2"), decision=False)
    out = Path(str(tmp_path)) / "reviews.jsonl"
    call_command("screening_export_reviews", "--out", str(out))
    rows = {row.id: row for row in read_posts(out)}  # the engine's own reader accepts it
    assert rows["review-wechat-w1"].label == "illegal_adoption"
    assert rows["review-wechat-w1"].text == SELLER_AD
    assert rows["review-wechat-w2"].label == "benign"
    assert rows["review-wechat-w2"].hard_negative is True
    assert json.loads(out.read_text().splitlines()[0])["style"] == "wechat_moments"
