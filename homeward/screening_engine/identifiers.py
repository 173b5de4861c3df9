"""Contact details and places in a post: phones however written, WeChat/QQ ids after
their many spellings, bank and payment accounts, e-mail addresses and places.

Extraction runs on the normalised text (so ``加v``/``威信`` read as ``微信``, ``扣扣`` as
``qq``, full-width and circled digits as ASCII digits) and maps every span back to the
original text: ``identifier.raw == text[identifier.start:identifier.end]``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .normalise import Normalised, normalise_with_map
from .types import Identifier

# Chinese numerals and the radio/"coded" digits (幺 1, 两 2, 拐 7, 洞 0, 勾 9) and the
# financial forms; ASCII digits come from NFKC (full-width, circled ①).
_DIGITS: dict[str, str] = {str(d): str(d) for d in range(10)}
for _chars, _digit in (
    ("零〇洞o", "0"),
    ("一幺壹", "1"),
    ("二两贰", "2"),
    ("三叁", "3"),
    ("四肆", "4"),
    ("五伍", "5"),
    ("六陆", "6"),
    ("七拐柒", "7"),
    ("八捌", "8"),
    ("九勾玖", "9"),
):
    for _char in _chars:
        _DIGITS[_char] = _digit
_LATIN_ZERO = "o"  # 'o' counts as 0 only between other digits
_SEPARATORS = frozenset(" -.·_/、—–~()（）")
_MAX_SEPARATORS = 3

_PHONE = re.compile(r"1[3-9]\d{9}")
_EMAIL = re.compile(r"[a-z0-9][a-z0-9._%+\-]{0,63}@[a-z0-9\-]+(?:\.[a-z0-9\-]+)*\.[a-z]{2,10}")
_WECHAT_ID = re.compile(
    r"(?:微信号?|wechat|weixin)\s*(?:号|id)?\s*(?:[:=是为]|同号)?\s*([a-z][a-z0-9_\-]{5,19})"
)
_WECHAT_SAME_AS_PHONE = re.compile(r"微信\s*(?:号)?\s*(?:同号|同手机|同电话|即手机号|=手机)")
_QQ_CUE = re.compile(r"qq\s*(?:号|群|群号)?\s*(?:[:=是为])?\s*$")
_WECHAT_CUE = re.compile(r"微信\s*(?:号)?\s*(?:[:=是为])?\s*$")
_ALIPAY_CUE = re.compile(r"支付宝\s*(?:账号|帐号|号)?\s*(?:[:=是为])?\s*$")
_BANK_CUE = re.compile(r"(?:卡号|银行卡|银行|账号|帐号|账户|户名|转账|打款)[^。!?\n]{0,12}$")


@dataclass(frozen=True)
class _Run:
    """A run of digits in the normalised text, separators allowed between them."""

    digits: str
    positions: tuple[int, ...]  # normalised index of every digit
    groups: tuple[int, ...]  # lengths of the separator-delimited groups


_DIGIT_CLASS = (
    "[" + "".join(sorted(c for c in _DIGITS if c != _LATIN_ZERO)) + "]|(?<=[0-9])o(?=[0-9])"
)
_SEPARATOR_CLASS = "[" + re.escape("".join(sorted(_SEPARATORS))) + "]"
_RUN = re.compile(
    f"(?:{_DIGIT_CLASS})(?:{_SEPARATOR_CLASS}{{0,{_MAX_SEPARATORS}}}(?:{_DIGIT_CLASS}))*"
)


def _digit_runs(text: str) -> list[_Run]:
    """Runs of digits (any notation) with at most ``_MAX_SEPARATORS`` separators between."""
    runs: list[_Run] = []
    for match in _RUN.finditer(text):
        digits: list[str] = []
        positions: list[int] = []
        groups: list[int] = []
        group = 0
        gap = False
        for index in range(match.start(), match.end()):
            char = text[index]
            digit = "0" if char == _LATIN_ZERO else _DIGITS.get(char)
            if digit is None:
                gap = True
                continue
            if gap and group:
                groups.append(group)
                group = 0
            gap = False
            digits.append(digit)
            positions.append(index)
            group += 1
        groups.append(group)
        runs.append(_Run("".join(digits), tuple(positions), tuple(groups)))
    return runs


def _luhn_valid(number: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(number)):
        value = int(char)
        if index % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def _phones_in_run(run: _Run) -> list[tuple[int, int]]:
    """Digit-index spans of mobile numbers in a run (whole run, +86, or grouped)."""
    digits = run.digits
    if len(digits) == 11 and _PHONE.fullmatch(digits):
        return [(0, 11)]
    if len(digits) == 13 and digits.startswith("86") and _PHONE.fullmatch(digits[2:]):
        return [(2, 13)]
    spans: list[tuple[int, int]] = []
    # Several numbers in one run: combine consecutive groups until they make 11 digits.
    offsets = [0]
    for length in run.groups:
        offsets.append(offsets[-1] + length)
    first = 0
    for last in range(1, len(offsets)):
        while offsets[last] - offsets[first] > 11 and first < last:
            first += 1
        start, end = offsets[first], offsets[last]
        if end - start == 11 and _PHONE.fullmatch(digits[start:end]):
            spans.append((start, end))
            first = last
        elif end - start == 13 and digits[start : start + 2] == "86":
            if _PHONE.fullmatch(digits[start + 2 : end]):
                spans.append((start + 2, end))
                first = last
    return spans


def _identifier(
    kind: str, value: str, norm: Normalised, text: str, start: int, end: int
) -> Identifier:
    raw_start, raw_end = norm.span(start, end)
    return Identifier(
        kind=kind, value=value, raw=text[raw_start:raw_end], start=raw_start, end=raw_end
    )


def extract_identifiers(text: str) -> list[Identifier]:
    """Every phone, WeChat, QQ, bank account, Alipay account, e-mail and place in ``text``.

    >>> [(i.kind, i.value) for i in extract_identifiers("加v：Lily_2020，电话一三八 1234 ⑤⑥⑦⑧")]
    [('wechat', 'lily_2020'), ('phone', '13812345678')]
    """
    return extract_from_normalised(text, normalise_with_map(text))


def extract_from_normalised(text: str, norm: Normalised) -> list[Identifier]:
    """:func:`extract_identifiers` when ``norm = normalise_with_map(text)`` is at hand."""
    ntext = norm.text
    found: list[Identifier] = []
    taken: list[tuple[int, int]] = []  # normalised spans already used by an identifier

    def overlaps(start: int, end: int) -> bool:
        return any(start < t_end and t_start < end for t_start, t_end in taken)

    for match in _EMAIL.finditer(ntext):
        start, end = match.span()
        prefix = ntext[max(0, start - 8) : start]
        kind = "alipay" if _ALIPAY_CUE.search(prefix) else "email"
        found.append(_identifier(kind, match.group(), norm, text, start, end))
        taken.append((start, end))

    for match in _WECHAT_ID.finditer(ntext):
        start, end = match.span(1)
        if overlaps(start, end):
            continue
        found.append(_identifier("wechat", match.group(1), norm, text, start, end))
        taken.append((start, end))

    phones: list[Identifier] = []
    for run in _digit_runs(ntext):
        if overlaps(run.positions[0], run.positions[-1] + 1):
            continue
        prefix = ntext[max(0, run.positions[0] - 10) : run.positions[0]]
        phone_spans = _phones_in_run(run)
        for d_start, d_end in phone_spans:
            start, end = run.positions[d_start], run.positions[d_end - 1] + 1
            value = run.digits[d_start:d_end]
            phone = _identifier("phone", value, norm, text, start, end)
            phones.append(phone)
            found.append(phone)
            if d_start == 0 and _WECHAT_CUE.search(prefix):
                found.append(_identifier("wechat", value, norm, text, start, end))
            if d_start == 0 and _ALIPAY_CUE.search(prefix):
                found.append(_identifier("alipay", value, norm, text, start, end))
            taken.append((start, end))
        if phone_spans:
            continue
        digits = run.digits
        start, end = run.positions[0], run.positions[-1] + 1
        if _QQ_CUE.search(prefix) and 5 <= len(digits) <= 11 and digits[0] != "0":
            found.append(_identifier("qq", digits, norm, text, start, end))
        elif 15 <= len(digits) <= 19 and (_BANK_CUE.search(prefix) or _luhn_valid(digits)):
            found.append(_identifier("bank_account", digits, norm, text, start, end))
        elif _ALIPAY_CUE.search(prefix) and 6 <= len(digits) <= 19:
            found.append(_identifier("alipay", digits, norm, text, start, end))
        else:
            continue
        taken.append((start, end))

    if phones and _WECHAT_SAME_AS_PHONE.search(ntext):
        already = {i.value for i in found if i.kind == "wechat"}
        for phone in phones:
            if phone.value not in already:
                found.append(Identifier("wechat", phone.value, phone.raw, phone.start, phone.end))
                already.add(phone.value)

    found.extend(_places(norm, text))
    found.sort(key=lambda identifier: (identifier.start, identifier.kind))
    return found


# --- places -------------------------------------------------------------------------

_CHONGQING = [
    "万州区",
    "涪陵区",
    "渝中区",
    "大渡口区",
    "江北区",
    "沙坪坝区",
    "九龙坡区",
    "南岸区",
    "北碚区",
    "綦江区",
    "大足区",
    "渝北区",
    "巴南区",
    "黔江区",
    "长寿区",
    "江津区",
    "合川区",
    "永川区",
    "南川区",
    "璧山区",
    "铜梁区",
    "潼南区",
    "荣昌区",
    "开州区",
    "梁平区",
    "武隆区",
    "城口县",
    "丰都县",
    "垫江县",
    "忠县",
    "云阳县",
    "奉节县",
    "巫山县",
    "巫溪县",
    "石柱土家族自治县",
    "秀山土家族苗族自治县",
    "酉阳土家族苗族自治县",
    "彭水苗族土家族自治县",
]
# Short forms that are not everyday words ("长寿", "南岸", "江北", "忠" need the suffix).
_SHORT_UNSAFE = {"长寿", "南岸", "江北", "忠", "大足", "开州"}
_PROVINCES = [
    "北京",
    "天津",
    "上海",
    "重庆",
    "河北",
    "山西",
    "内蒙古",
    "辽宁",
    "吉林",
    "黑龙江",
    "江苏",
    "浙江",
    "安徽",
    "福建",
    "江西",
    "山东",
    "河南",
    "湖北",
    "湖南",
    "广东",
    "广西",
    "海南",
    "四川",
    "贵州",
    "云南",
    "西藏",
    "陕西",
    "甘肃",
    "青海",
    "宁夏",
    "新疆",
    "香港",
    "澳门",
    "台湾",
]
_ABROAD = {
    "缅北": "缅北",
    "缅甸": "缅甸",
    "妙瓦底": "缅甸妙瓦底",
    "kk园区": "缅甸妙瓦底kk园区",
    "果敢": "缅甸果敢",
    "老街": "缅甸老街",
    "佤邦": "缅甸佤邦",
    "小勐拉": "缅甸小勐拉",
    "柬埔寨": "柬埔寨",
    "西港": "柬埔寨西哈努克港",
    "西哈努克": "柬埔寨西哈努克港",
    "金边": "柬埔寨金边",
    "老挝": "老挝",
    "金三角": "金三角",
    "越南": "越南",
    "泰国": "泰国",
    "迪拜": "阿联酋迪拜",
    "菲律宾": "菲律宾",
    "马尼拉": "菲律宾马尼拉",
    "马来西亚": "马来西亚",
    "印尼": "印度尼西亚",
    "巴基斯坦": "巴基斯坦",
    "朝鲜": "朝鲜",
    "乌克兰": "乌克兰",
    "格鲁吉亚": "格鲁吉亚",
}


def _place_table() -> dict[str, str]:
    table: dict[str, str] = {}
    for full in _CHONGQING:
        table[full] = f"重庆市{full}"
        short = re.sub(r"(土家族|苗族)*(自治)?[区县]$", "", full)
        if short and short != full and short not in _SHORT_UNSAFE and len(short) >= 2:
            table[short] = f"重庆市{full}"
    for province in _PROVINCES:
        table[province] = province
    table.update(_ABROAD)
    table["主城"] = "重庆市主城区"
    return table


_PLACES = _place_table()
_PLACE_PATTERN = re.compile("|".join(sorted(map(re.escape, _PLACES), key=len, reverse=True)))


def _places(norm: Normalised, text: str) -> list[Identifier]:
    places: list[Identifier] = []
    seen: set[tuple[str, int]] = set()
    for match in _PLACE_PATTERN.finditer(norm.text):
        value = _PLACES[match.group()]
        if (value, match.start()) in seen:
            continue
        seen.add((value, match.start()))
        places.append(_identifier("place", value, norm, text, match.start(), match.end()))
    return places
