"""Where a person comes from or was found, normalised from free text to one of the 34
provincial-level divisions, a country abroad, or "not known" (province flows, issue 16).

Pure functions over the free text the modules keep ("Province or nationality" of a
victim, the province where a found person was found or lives): 贵州省 / 贵州 / 贵州遵义 /
遵义市 / 黔 → 贵州; 越南 / 越南籍 / Vietnam → abroad, Viet Nam; blank, 不详, 未知 → not
known. The result is a short category code that the rollups store:

- a province: its two-digit GB/T 2260 code ("52" 贵州);
- abroad: ``"abroad-VN"`` for a recognised country (ISO 3166 alpha-2), ``"abroad"``
  when the country is not recognised;
- ``"unknown"``: nothing recognisable.
"""

from __future__ import annotations

from typing import Final

from django.utils.functional import Promise, lazy
from django.utils.translation import gettext

from homeward.linkage.features import CHONGQING_PROVINCE, PROVINCE_NAMES
from homeward.linkage.text import simplified

CHONGQING: Final = CHONGQING_PROVINCE
ABROAD: Final = "abroad"
UNKNOWN: Final = "unknown"

# The 34 provincial-level divisions: code -> short name (as in 贵州, 广西, 内蒙古); the
# linkage engine's table, which also reads provinces.
PROVINCES: Final[dict[str, str]] = PROVINCE_NAMES

# One-character abbreviations (简称) and other names of a province, and the prefecture-level
# cities most often written without their province (the capitals and the cities of the
# provinces around Chongqing), each -> province code.
_ALIASES: Final[dict[str, str]] = {
    "京": "11", "津": "12", "冀": "13", "晋": "14", "蒙": "15", "辽": "21", "吉": "22",
    "黑": "23", "沪": "31", "苏": "32", "浙": "33", "皖": "34", "闽": "35", "赣": "36",
    "鲁": "37", "豫": "41", "鄂": "42", "湘": "43", "粤": "44", "桂": "45", "琼": "46",
    "渝": "50", "川": "51", "蜀": "51", "黔": "52", "贵": "52", "滇": "53", "云": "53",
    "藏": "54", "陕": "61", "秦": "61", "甘": "62", "陇": "62", "青": "63", "宁": "64",
    "新": "65", "台": "71", "港": "81", "澳": "82",
}  # fmt: skip
_CITIES: Final[dict[str, str]] = {
    "石家庄": "13", "太原": "14", "呼和浩特": "15", "沈阳": "21", "长春": "22",
    "哈尔滨": "23", "南京": "32", "杭州": "33", "合肥": "34", "福州": "35", "厦门": "35",
    "莆田": "35", "南昌": "36", "济南": "37", "青岛": "37", "郑州": "41", "武汉": "42",
    "宜昌": "42", "恩施": "42", "长沙": "43", "怀化": "43", "湘西": "43", "张家界": "43",
    "广州": "44", "深圳": "44", "东莞": "44", "佛山": "44", "南宁": "45", "海口": "46",
    "成都": "51", "达州": "51", "广安": "51", "泸州": "51", "南充": "51", "宜宾": "51",
    "凉山": "51", "贵阳": "52", "遵义": "52", "铜仁": "52", "毕节": "52", "六盘水": "52",
    "黔东南": "52", "黔南": "52", "昆明": "53", "昭通": "53", "西双版纳": "53",
    "拉萨": "54", "西安": "61", "汉中": "61", "安康": "61", "兰州": "62", "西宁": "63",
    "银川": "64", "乌鲁木齐": "65",
}  # fmt: skip

# Countries: ISO alpha-2 -> Chinese name, and the ways they are written.
COUNTRIES: Final[dict[str, str]] = {
    "VN": "越南", "MM": "缅甸", "LA": "老挝", "KH": "柬埔寨", "TH": "泰国", "KP": "朝鲜",
    "KR": "韩国", "MN": "蒙古", "NP": "尼泊尔", "PK": "巴基斯坦", "IN": "印度",
    "BD": "孟加拉国", "ID": "印度尼西亚", "PH": "菲律宾", "MY": "马来西亚", "RU": "俄罗斯",
    "UA": "乌克兰", "KZ": "哈萨克斯坦", "NG": "尼日利亚", "JP": "日本", "US": "美国",
}  # fmt: skip
_COUNTRY_NAMES: Final[dict[str, str]] = {
    **{name: code for code, name in COUNTRIES.items()},
    "孟加拉": "BD", "印尼": "ID", "蒙古国": "MN", "北朝鲜": "KP", "南韩": "KR",
    "vietnam": "VN", "vietnamese": "VN", "myanmar": "MM", "burma": "MM", "laos": "LA",
    "lao": "LA", "cambodia": "KH", "thailand": "TH", "nepal": "NP", "pakistan": "PK",
    "india": "IN", "bangladesh": "BD", "indonesia": "ID", "philippines": "PH",
    "malaysia": "MY", "russia": "RU", "ukraine": "UA", "nigeria": "NG", "mongolia": "MN",
    "korea": "KR", "japan": "JP",
}  # fmt: skip
_ABROAD_WORDS: Final = ("境外", "国外", "外国", "外籍", "abroad", "foreign")


def _clean(text: str) -> str:
    return simplified(text or "").lower()


def _country(text: str) -> str:
    """ISO code of a country named in ``text`` (longest name first), or ""."""
    for name in sorted(_COUNTRY_NAMES, key=len, reverse=True):
        if name in text:
            return _COUNTRY_NAMES[name]
    return ""


def province_code(text: str) -> str:
    """The province named in ``text`` (a name, a name with its city, a city, an
    abbreviation), as its two-digit code; "" when none is recognisable."""
    text = _clean(text)
    if not text:
        return ""
    text = text.removeprefix("中国").removeprefix("中华人民共和国")
    for code, name in PROVINCES.items():
        if text.startswith(name):
            return code
    for city in sorted(_CITIES, key=len, reverse=True):
        if text.startswith(city):
            return _CITIES[city]
    bare = text.removesuffix("籍").removesuffix("人").removesuffix("省")
    if len(bare) == 1 and bare in _ALIASES:
        # 黔, 川籍, 湘人: an abbreviation alone (never the first character of a city's
        # name: 宁波 is not 宁夏, 台州 not 台湾).
        return _ALIASES[bare]
    for code, name in PROVINCES.items():
        if name in text:
            return code
    return ""


def place_category(text: str) -> str:
    """Category of free text naming a place at home or abroad (a found person's province):
    a province code, ``abroad-XX``, ``abroad`` or ``unknown``."""
    cleaned = _clean(text)
    if not cleaned:
        return UNKNOWN
    province = province_code(cleaned)
    if province:
        return province
    country = _country(cleaned)
    if country:
        return f"{ABROAD}-{country}"
    if any(word in cleaned for word in _ABROAD_WORDS):
        return ABROAD
    return UNKNOWN


def origin_category(origin: str, detail: str) -> str:
    """Category of a victim's origin (``chongqing``, ``other_province``, ``foreign``) and
    its free-text "province or nationality"."""
    if origin == "chongqing":
        return CHONGQING
    cleaned = _clean(detail)
    if origin == "foreign":
        country = _country(cleaned)
        return f"{ABROAD}-{country}" if country else ABROAD
    category = place_category(cleaned)
    if origin == "other_province" and category == CHONGQING:
        # Said to be from another province, yet the text names Chongqing: not known.
        return UNKNOWN
    return category


def _label(code: str) -> str:
    if code in PROVINCES:
        return PROVINCES[code]
    if code == ABROAD:
        return gettext("Abroad")
    if code.startswith(f"{ABROAD}-") and code[len(ABROAD) + 1 :] in COUNTRIES:
        return gettext("Abroad · %(country)s") % {"country": COUNTRIES[code[len(ABROAD) + 1 :]]}
    if code == UNKNOWN:
        return gettext("Not known")
    return code


category_label = lazy(_label, str)


def category_labels() -> dict[str, str | Promise]:
    """Every category with its label (lazy: in the language of the request)."""
    codes = [*PROVINCES, ABROAD, *(f"{ABROAD}-{iso}" for iso in COUNTRIES), UNKNOWN]
    return {code: category_label(code) for code in codes}


def is_abroad(code: str) -> bool:
    return code == ABROAD or code.startswith(f"{ABROAD}-")
