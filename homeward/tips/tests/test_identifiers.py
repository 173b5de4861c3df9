"""A clue's contact details are read by the screening engine's extractor: phones
however written, WeChat and QQ ids after their spellings, and plates; ordinary text
(dates, sums, ID-card numbers) gives none. Stored clues are re-read by a command."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from homeward.core.models import AuditEvent, Division, User
from homeward.tips.models import Tip, TipIdentifier
from homeward.tips.selectors import related_tips
from homeward.tips.services import (
    identifier_digest,
    identifier_values,
    tip_submit,
    tips_reindex_identifiers,
)

pytestmark = pytest.mark.django_db


def _clue(
    narrative: str, key: str, contact: str = "", category: str = Tip.Category.CHILD_SELLING
) -> Tip:
    return tip_submit(
        channel=Tip.Channel.PUBLIC,
        category=category,
        narrative=narrative,
        contact=contact,
        division=Division.objects.get(code="500103"),
        idempotency_key=key,
    ).tip


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("卖孩子的人电话１３８２３４５６７８９", {("phone", "13823456789")}),
        ("对方说打一三八 二三四五 六七八九", {("phone", "13823456789")}),
        ("电话 幺三八-2345-6789 找老王", {("phone", "13823456789")}),
        ("加v：Lily_2020 详聊", {("wechat", "lily_2020")}),
        ("威信 abc_123 私聊", {("wechat", "abc_123")}),
        ("扣扣 12345678 进群", {("qq", "12345678")}),
        ("车牌渝A12345的面包车把孩子带走了", {("plate", "渝A12345")}),
    ],
)
def test_contact_details_are_found_however_written(
    text: str, expected: set[tuple[str, str]]
) -> None:
    assert identifier_values(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "2026年11月15日下午3点，在菜园坝火车站看见一个抱着孩子的女人",
        "2026-11-15 13:45 在渝中区看到的",
        "对方开价138000元，说再加20000元可以上户口",
        "她的身份证号是500103199001011234，被人带走了",
        "身份证 500103 1990 0101 1234，电话打不通",
        "订单号20261115138234567890，快递单号 7 7 3 1 2 3 4 5 6 7 8 9 0",
        "一二三四五六七八个孩子被带到了楼里，两三个大人看着",
    ],
)
def test_ordinary_text_gives_no_contact_details(text: str) -> None:
    assert identifier_values(text) == set()


def test_a_clue_with_a_full_width_phone_joins_a_clue_with_the_plain_number(owner: User) -> None:
    plain = _clue("火车站有人出价卖男婴，电话13823456789", "plain-phone")
    wide = _clue("网上有人卖孩子，留的号码是１３８ ２３４５ ６７８９", "wide-phone")
    assert set(TipIdentifier.objects.filter(tip=wide).values_list("kind", "digest")) == {
        ("phone", identifier_digest("phone", "13823456789"))
    }
    assert plain.pk in [other.pk for other, _why in related_tips(owner, wide)]
    assert wide.pk in [other.pk for other, _why in related_tips(owner, plain)]


def test_the_reporters_contact_field_is_read_too() -> None:
    tip = _clue("有人在网上卖孩子，请警察查一查", "contact-field", contact="微信 zhang_san88")
    assert set(TipIdentifier.objects.filter(tip=tip).values_list("kind", "digest")) == {
        ("wechat", identifier_digest("wechat", "zhang_san88"))
    }


def test_the_reindex_adds_what_older_clues_lack_keeps_the_rest_and_runs_twice(
    owner: User,
) -> None:
    # given two clues stored by an older release: only phones and plates were kept
    old = _clue("加v baobao_2026 送养男宝，营养费私聊，电话13823456789", "old-1")
    # (another category, so that only the contact detail can relate them)
    other = _clue(
        "车牌渝A12345，那人说加威信 baobao_2026", "old-2", category=Tip.Category.TRAFFICKING
    )
    TipIdentifier.objects.filter(kind="wechat").delete()
    kept = TipIdentifier.objects.create(tip=other, kind="phone", digest="kept-by-an-old-release")
    assert other.pk not in [o.pk for o, _why in related_tips(owner, old)]
    # when the command runs (in batches of one clue)
    call_command("tips_reindex_identifiers", "--batch", "1")
    # then both carry the WeChat id again, are related, and nothing was removed
    wechat = identifier_digest("wechat", "baobao_2026")
    assert TipIdentifier.objects.filter(kind="wechat", digest=wechat).count() == 2
    assert TipIdentifier.objects.filter(pk=kept.pk).exists()
    assert other.pk in [o.pk for o, _why in related_tips(owner, old)]
    assert AuditEvent.objects.filter(action="tip_identifiers_reindex").count() == 1
    # and a second run adds nothing
    before = TipIdentifier.objects.count()
    read, added = tips_reindex_identifiers()
    assert (read, added) == (2, 0)
    assert TipIdentifier.objects.count() == before
