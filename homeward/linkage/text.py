"""Chinese names as evidence: script, readings, dialect keys and 小名 patterns.

A name in a family's report and a name a found person gives are rarely the same string.
The child was renamed (often under the buyer's surname), remembers a 小名 only, or an
official typed a pinyin spelling from speech. So every name becomes a set of keys that
survive those changes:

- traditional characters become simplified (OpenCC ``t2s``);
- every character becomes **all** its readings (``pypinyin`` heteronyms), and a surname
  also its surname readings (单 Shàn, 解 Xiè, 覃 Qín, 仇 Qiú, 区 Ōu, 曾 Zēng, 查 Zhā …),
  where the dictionary's first reading is wrong;
- a reading becomes a **Chongqing dialect key**: zh/ch/sh = z/c/s, n = l, eng = en,
  ing = in, hu = fu, tones dropped — what a listener from Chongqing cannot tell apart;
- a 小名 is reduced to its core (幺妹, X娃, 小X, 阿X, XX, X儿) so that 强娃 meets 王强.

Examples
--------
>>> sorted(surname_keys("单"))
['can', 'dan', 'san']
>>> dialect_key("zhang"), dialect_key("ning"), dialect_key("hua")
('zang', 'lin', 'fua')
>>> split_name("欧阳小明")
('欧阳', '小明')
>>> nickname_core("强娃"), nickname_core("小明"), nickname_core("丹丹"), nickname_core("幺妹")
('强', '明', '丹', '')
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

# Readings a dictionary's first reading gets wrong when the character is a surname.
# (character -> the surname readings, toneless pinyin.)
SURNAME_READINGS: dict[str, tuple[str, ...]] = {
    "单": ("shan",),
    "解": ("xie",),
    "覃": ("qin", "tan"),
    "仇": ("qiu",),
    "区": ("ou",),
    "曾": ("zeng",),
    "查": ("zha",),
    "朴": ("piao",),
    "盖": ("ge", "gai"),
    "繁": ("po",),
    "秘": ("bi",),
    "召": ("shao",),
    "乐": ("yue", "le"),
    "员": ("yun",),
    "种": ("chong",),
    "缪": ("miao",),
    "翟": ("zhai", "di"),
    "宿": ("su",),
    "那": ("na",),
    "华": ("hua",),
    "任": ("ren",),
    "燕": ("yan",),
    "纪": ("ji",),
    "冼": ("xian",),
    "洗": ("xian",),
    "沈": ("shen",),
    "折": ("she",),
    "柏": ("bai",),
    "过": ("guo",),
    "句": ("gou",),
    "阚": ("kan",),
    "隗": ("wei",),
    "谌": ("chen", "shen"),
    "能": ("nai",),
    "逄": ("pang",),
    "訾": ("zi",),
    "黑": ("he",),
    "莘": ("shen",),
    "祭": ("zhai",),
    "贲": ("ben",),
    "长": ("chang",),
    "重": ("chong",),
    "尉": ("wei", "yu"),
    "万": ("wan", "mo"),
    "卜": ("bu",),
    "薄": ("bo",),
    "藏": ("zang",),
    "相": ("xiang",),
    "蔚": ("wei", "yu"),
    "角": ("jue", "jiao"),
}

# Two-character surnames (复姓) recognised when splitting a full name.
COMPOUND_SURNAMES: frozenset[str] = frozenset(
    {
        "欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙",
        "宇文", "司徒", "夏侯", "轩辕", "令狐", "独孤", "端木", "南宫", "西门", "万俟",
        "单于", "呼延", "澹台", "公冶", "闻人", "太叔", "申屠", "钟离", "百里", "东郭",
    }
)  # fmt: skip

# Nicknames that name a birth position, not a person: they match only exactly (and
# carry little weight, they are common), never through a "core" character.
GENERIC_NICKNAMES: frozenset[str] = frozenset(
    {
        "幺妹", "幺娃", "幺儿", "幺女", "幺幺", "幺妹儿", "幺娃儿", "老幺", "满妹", "满崽",
        "大娃", "二娃", "三娃", "大妹", "二妹", "三妹", "毛毛", "宝宝", "乖乖", "妹妹",
        "弟弟", "哥哥", "姐姐", "娃娃", "妹儿", "崽崽", "狗娃", "狗儿", "幺哥", "细妹",
        "小妹", "小弟", "老大", "老二", "老三", "大毛", "二毛", "三毛", "幺娃子", "丫头",
    }
)  # fmt: skip

_NICK_PREFIXES = ("小", "阿", "老", "幺")
_NICK_SUFFIXES = ("娃儿", "娃子", "妹儿", "娃", "儿", "妹", "崽", "仔", "子", "娃娃")

_HANZI = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_NOT_HANZI_OR_LATIN = re.compile(r"[^\u3400-\u9fff\uf900-\ufaffA-Za-z]")


@lru_cache(maxsize=1)
def _t2s() -> object:
    import opencc

    return opencc.OpenCC("t2s")


@lru_cache(maxsize=65536)
def simplified(text: str) -> str:
    """Traditional → simplified, full-width → half-width, spaces and dots removed.

    >>> simplified("單 曉明·")
    '单晓明'
    """
    text = unicodedata.normalize("NFKC", text or "").strip()
    if not text:
        return ""
    converter = _t2s()
    converted: str = converter.convert(text)  # type: ignore[attr-defined]
    return _NOT_HANZI_OR_LATIN.sub("", converted)


def hanzi_only(text: str) -> str:
    return "".join(_HANZI.findall(text))


@lru_cache(maxsize=131072)
def readings(char: str) -> tuple[str, ...]:
    """Every toneless reading of one character (empty for a non-character)."""
    if not _HANZI.fullmatch(char):
        return ()
    from pypinyin import Style, pinyin

    found = pinyin(char, style=Style.NORMAL, heteronym=True, errors="ignore")
    values = tuple(dict.fromkeys(r.lower() for r in found[0])) if found else ()
    return tuple(v.replace("ü", "v") for v in values if v.isalpha())


@lru_cache(maxsize=4096)
def dialect_key(syllable: str) -> str:
    """A toneless pinyin syllable as a Chongqing listener hears it.

    zh/ch/sh → z/c/s; n → l (initial); eng → en, ing → in (finals); hu → fu.
    """
    s = syllable.lower().replace("ü", "v").replace("u:", "v")
    s = "".join(ch for ch in unicodedata.normalize("NFD", s) if ch.isascii() and ch.isalpha())
    if s.startswith(("zh", "ch", "sh")):
        s = s[0] + s[2:]
    if s.startswith("n") and not s.startswith("ng") and len(s) > 1:
        s = "l" + s[1:]
    if s.startswith("hu"):
        s = "fu" + s[2:]
    if s.endswith("eng"):
        s = s[:-3] + "en"
    elif s.endswith("ing"):
        s = s[:-3] + "in"
    return s


@lru_cache(maxsize=131072)
def char_keys(char: str, *, surname: bool = False) -> frozenset[str]:
    """Dialect keys of every reading of ``char`` (and its surname readings)."""
    values = list(readings(char))
    if surname:
        values.extend(SURNAME_READINGS.get(char, ()))
    return frozenset(dialect_key(v) for v in values)


def surname_keys(surname: str) -> frozenset[str]:
    """Keys of a surname: one key per reading of its first character, plus the
    surname readings (a compound surname is keyed by its joined readings)."""
    surname = simplified(surname)
    if not surname:
        return frozenset()
    if _HANZI.match(surname) is None:
        return frozenset(_pinyin_syllable_keys(surname)[:1])
    if len(surname) == 1:
        return char_keys(surname, surname=True)
    first = char_keys(surname[0], surname=True)
    second = char_keys(surname[1])
    return frozenset(a + b for a in first for b in second)


def split_name(name: str) -> tuple[str, str]:
    """(surname, given name) of a Chinese full name; a two-character name is one
    surname character and one given character; a compound surname is kept whole."""
    name = hanzi_only(simplified(name))
    if len(name) < 2:
        return ("", name)
    if len(name) >= 3 and name[:2] in COMPOUND_SURNAMES:
        return (name[:2], name[2:])
    return (name[0], name[1:])


def nickname_core(nickname: str) -> str:
    """The personal part of a 小名: 强娃 → 强, 小明 → 明, 丹丹 → 丹, 阿美 → 美.
    A generic nickname (幺妹, 毛毛, 二娃) has no core."""
    nick = hanzi_only(simplified(nickname))
    if not nick or nick in GENERIC_NICKNAMES:
        return ""
    if len(nick) == 2 and nick[0] == nick[1]:
        return nick[0]
    for suffix in _NICK_SUFFIXES:
        if nick.endswith(suffix) and len(nick) > len(suffix):
            nick = nick[: -len(suffix)]
            break
    for prefix in _NICK_PREFIXES:
        if nick.startswith(prefix) and len(nick) > 1:
            nick = nick[1:]
            break
    if len(nick) == 2 and nick[0] == nick[1]:
        nick = nick[0]
    if nick in GENERIC_NICKNAMES:
        return ""
    return nick


def looks_like_nickname(name: str) -> bool:
    """True for 小X, 阿X, X娃, XX, 幺妹 … (a remembered name that is a 小名)."""
    nick = hanzi_only(simplified(name))
    if not nick:
        return False
    if nick in GENERIC_NICKNAMES:
        return True
    if len(nick) == 2 and nick[0] == nick[1]:
        return True
    return len(nick) <= 3 and (
        nick.startswith(_NICK_PREFIXES) or nick.endswith(("娃", "儿", "妹", "崽", "仔"))
    )


def given_char_keys(given: str) -> list[frozenset[str]]:
    """Dialect keys of each character of a given name."""
    return [char_keys(c) for c in given if _HANZI.fullmatch(c)]


# --- pinyin spellings typed by an official ------------------------------------------


@lru_cache(maxsize=1)
def _syllables() -> frozenset[str]:
    from pypinyin.pinyin_dict import pinyin_dict

    out: set[str] = set()
    for value in pinyin_dict.values():
        for reading in value.split(","):
            plain = "".join(
                ch for ch in unicodedata.normalize("NFD", reading) if ch.isascii() and ch.isalpha()
            )
            if plain:
                out.add(plain.lower().replace("ü", "v"))
    return frozenset(out)


def split_pinyin(text: str) -> list[str]:
    """Split a typed pinyin spelling into syllables: 'Zhang Xiaoming', 'zhangxiaoming',
    'Zhāng Xiǎo-míng', 'ZHANG3 XIAO3MING2' all give ['zhang', 'xiao', 'ming'].

    Longest match first, with backtracking; an unsplittable word is kept whole.
    """
    plain = unicodedata.normalize("NFD", text or "")
    plain = "".join(ch for ch in plain if ch.isascii())
    plain = plain.lower().replace("u:", "v")
    words = [w for w in re.split(r"[^a-z]+", plain) if w]
    valid = _syllables()
    out: list[str] = []
    for word in words:
        parts = _segment(word, valid)
        out.extend(parts if parts is not None else [word])
    return out


def _segment(word: str, valid: frozenset[str]) -> list[str] | None:
    best: dict[int, list[str] | None] = {len(word): []}
    for start in range(len(word) - 1, -1, -1):
        best[start] = None
        for end in range(min(len(word), start + 6), start, -1):
            tail = best.get(end)
            if word[start:end] in valid and tail is not None:
                best[start] = [word[start:end], *tail]
                break
    return best[0]


def _pinyin_syllable_keys(text: str) -> list[str]:
    return [dialect_key(s) for s in split_pinyin(text)]


def pinyin_name_keys(text: str) -> tuple[str, tuple[str, ...]]:
    """(surname key, given-name keys) of a typed pinyin full name."""
    keys = _pinyin_syllable_keys(text)
    if not keys:
        return ("", ())
    if len(keys) == 1:
        return ("", (keys[0],))
    return (keys[0], tuple(keys[1:]))


def any_shared(first: Iterable[frozenset[str]], second: Iterable[frozenset[str]]) -> bool:
    second_list = list(second)
    return any(a & b for a in first for b in second_list)
