"""Identifiers: phones however written, WeChat/QQ ids, accounts, e-mail, places."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from homeward.screening_engine import extract_identifiers


def _found(text: str) -> set[tuple[str, str]]:
    return {(i.kind, i.value) for i in extract_identifiers(text)}


@pytest.mark.parametrize(
    ("text", "phone"),
    [
        ("电话13812345678", "13812345678"),
        ("电话：138 1234 5678", "13812345678"),
        ("138-1234-5678", "13812345678"),
        ("138.1234.5678", "13812345678"),
        ("+86 139 8765 4321", "13987654321"),
        ("8613987654321", "13987654321"),
        ("１３８１２３４５６７８", "13812345678"),
        ("①③⑧①②③④⑤⑥⑦⑧", "13812345678"),
        ("一三八一二三四五六七八", "13812345678"),
        ("幺三八幺二三四五六七八", "13812345678"),
        ("壹叁捌壹贰叁肆伍陆柒捌", "13812345678"),
        ("一3八 12三4 五678", "13812345678"),
        ("拐", ""),
        ("手机13o12345678", "13012345678"),
        ("联系：159 二二三三 4455", "15922334455"),
    ],
)
def test_phones_are_found_however_written(text: str, phone: str) -> None:
    phones = [i for i in extract_identifiers(text) if i.kind == "phone"]
    if not phone:
        assert phones == []
        return
    assert [p.value for p in phones] == [phone]
    assert text[phones[0].start : phones[0].end] == phones[0].raw


def test_two_phones_in_one_run_are_two_phones() -> None:
    assert {v for k, v in _found("138 1234 5678 139 8765 4321") if k == "phone"} == {
        "13812345678",
        "13987654321",
    }


@pytest.mark.parametrize(
    "text",
    [
        "他一二年出生，一百二十块",
        "订单号 2024120412345678",
        "身份证号后四位1234",
        "价格12345元",
        "三八妇女节",
    ],
)
def test_numbers_that_are_not_phones_are_not_phones(text: str) -> None:
    assert not [i for i in extract_identifiers(text) if i.kind == "phone"]


@pytest.mark.parametrize(
    ("text", "wechat"),
    [
        ("加v：Lily_2020", "lily_2020"),
        ("加V lily_2020", "lily_2020"),
        ("VX：hk_8888", "hk_8888"),
        ("wx: happy-123", "happy-123"),
        ("威信 baobao520", "baobao520"),
        ("薇信号：meimei_99", "meimei_99"),
        ("微信号是 zhang_sir8", "zhang_sir8"),
        ("➕薇 abc_12345", "abc_12345"),
    ],
)
def test_wechat_ids_after_their_spellings(text: str, wechat: str) -> None:
    assert ("wechat", wechat) in _found(text)


def test_wechat_same_as_phone_is_the_phone() -> None:
    found = _found("电话 138-1234-5678 微信同号")
    assert ("phone", "13812345678") in found
    assert ("wechat", "13812345678") in found


@pytest.mark.parametrize(
    ("text", "qq"),
    [
        ("扣扣：1234567", "1234567"),
        ("企鹅 987654321", "987654321"),
        ("q q 2876543190", "2876543190"),
        ("QQ群88776655", "88776655"),
        ("🐧 55667788", "55667788"),
    ],
)
def test_qq_numbers_after_their_spellings(text: str, qq: str) -> None:
    assert ("qq", qq) in _found(text)


def test_bank_and_payment_accounts() -> None:
    assert ("bank_account", "6222021234567890123") in _found("卡号6222 0212 3456 7890 123 户名张三")
    assert ("alipay", "abc@163.com") in _found("支付宝：abc@163.com")
    assert ("alipay", "13812345678") in _found("支付宝 13812345678")
    assert ("email", "someone@example.com") in _found("邮箱 someone@example.com")


def test_places_chongqing_provinces_and_abroad() -> None:
    found = _found("渝北区的，也可以去万州，老家四川，工作在缅北和柬埔寨西港")
    assert ("place", "重庆市渝北区") in found
    assert ("place", "重庆市万州区") in found
    assert ("place", "四川") in found
    assert ("place", "缅北") in found
    assert ("place", "柬埔寨") in found
    assert ("place", "柬埔寨西哈努克港") in found
    # everyday words are not places
    assert not [v for k, v in _found("祝您长寿，江北风景好") if k == "place" and "长寿" in v]


_CN = "零一二三四五六七八九"
_CIRCLED = "⓪①②③④⑤⑥⑦⑧⑨"
_FULL = "０１２３４５６７８９"


def _render(digits: str, choices: list[int], separators: list[str]) -> str:
    out = []
    for index, (digit, choice) in enumerate(zip(digits, choices, strict=True)):
        value = int(digit)
        out.append((digit, _CN[value], _CIRCLED[value], _FULL[value])[choice])
        if index in (2, 6):
            out.append(separators[index % 2])
    return "".join(out)


@settings(max_examples=150, deadline=None)
@given(
    st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True),
    st.lists(st.integers(0, 3), min_size=11, max_size=11),
    st.lists(st.sampled_from(["", " ", "-", " - ", "."]), min_size=2, max_size=2),
    st.sampled_from(["电话", "联系我：", "打", "tel ", "有意者致电", ""]),
    st.sampled_from(["", "，私聊", " 非诚勿扰", "。"]),
)
def test_any_rendering_of_a_phone_is_found(
    digits: str, choices: list[int], seps: list[str], before: str, after: str
) -> None:
    text = before + _render(digits, choices, seps) + after
    phones = [i for i in extract_identifiers(text) if i.kind == "phone"]
    assert [p.value for p in phones] == [digits], text
    assert text[phones[0].start : phones[0].end] == phones[0].raw


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=60))
def test_every_identifier_raw_is_its_span_of_the_text(text: str) -> None:
    for identifier in extract_identifiers(text):
        assert text[identifier.start : identifier.end] == identifier.raw
        if identifier.kind == "phone":
            assert len(identifier.value) == 11 and identifier.value.isdigit()


def test_a_long_mixed_post_yields_every_kind() -> None:
    rng = random.Random(3)
    phone = "1" + str(rng.randint(3, 9)) + "".join(str(rng.randint(0, 9)) for _ in range(9))
    text = f"送养男宝，加v：bao_2024，电话{phone[:3]} {phone[3:7]} {phone[7:]}，扣扣 12345678，重庆渝北"
    kinds = {i.kind for i in extract_identifiers(text)}
    assert kinds >= {"wechat", "phone", "qq", "place"}
