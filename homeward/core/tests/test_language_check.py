"""The check that finds English on a Chinese page (homeward.testing.language) finds it,
and lets through what is not English."""

from __future__ import annotations

import pytest

from homeward.testing.language import assert_no_english, english_on_page, english_words


@pytest.mark.parametrize(
    "html",
    [
        "<p>状态：received</p>",
        '<label for="id_latitude">Latitude</label>',
        "<select><option>demo.head</option></select>",
        "<h1>Wanzhou District 的台账</h1>",
        '<td data-label="Status">已接收</td>',
        '<input type="text" placeholder="Search by name">',
        '<input type="submit" value="Save">',
        "<span>变更为“confirmed”</span>",
        '<a title="Open the case">案件</a>',
    ],
)
def test_english_a_user_would_see_is_found(html: str) -> None:
    assert english_on_page(html), html
    with pytest.raises(AssertionError):
        assert_no_english(html)


@pytest.mark.parametrize(
    "html",
    [
        "<p>距离 100 km，身高 115 cm</p>",
        "<p>DNA 比对，STR 分型，CAP 消息，导出 PDF 或 XLSX</p>",
        "<p>位点 D8S1179，案件编号 A500103-2026-001</p>",
        "<p>公开页面 https://example.cn/public/alerts/ 或 /public/report/</p>",
        "<p>请填写以 https:// 开头的网址。</p>",  # a scheme on its own is no English word
        '<input type="text" name="username" value="demo.head">',
        "<textarea>the reporter wrote this</textarea>",
        "<script>const state = 'received';</script>",
        '<option value="en" lang="en">English</option>',
        '<input type="hidden" name="version" value="3">',
        "<p>身份证号最后一位可以是 X</p>",
        "<p>联系邮箱 help@homeward.cq.gov.cn，或来信至监督邮箱：jubao@cq.gov.cn。</p>",
    ],
)
def test_what_is_not_english_or_not_the_pages_own_words_is_let_through(html: str) -> None:
    assert english_on_page(html) == []


def test_the_report_names_the_words_and_their_context() -> None:
    [found] = english_on_page("<p>线索状态：triaged（已研判）</p>")
    assert found.words == "triaged"
    assert "线索状态" in found.context


def test_extra_allowed_words_are_let_through() -> None:
    assert english_words("乐乐 Lele", allowed={"Lele"}) == []
    assert english_words("乐乐 Lele") == ["Lele"]


def test_english_beside_a_mail_address_is_still_found() -> None:
    assert english_words("邮箱 help@homeward.cn Contact 我们") == ["Contact"]
    assert english_words("请写信给 officer@gaj.cq.cn 或拨打 110") == []


def test_a_long_page_of_chinese_with_one_english_word_is_read_whole() -> None:
    # Pages are long runs of Chinese without spaces; the check reads all of it (the mail
    # pattern once backtracked over such runs in quadratic time).
    text = "线索已接收并研判，" * 4000 + "received" + "，已转交属地派出所。" * 4000
    assert english_words(text) == ["received"]
