"""Normalisation of a post's text, with a map back to the original characters.

Steps, each keeping for every output character the span ``[start, end)`` of the original
text it came from (so a cue found in the normalised text can be highlighted in the post):

1. per character: NFKC (full-width letters and digits, circled digits ``①`` -> ``1``),
   lower case, a small traditional -> simplified table for the vocabulary of these posts;
2. coded spellings resolved (``加v``/``威信``/``VX`` -> ``微信``, ``扣扣``/``企鹅`` -> ``qq``,
   ``宀宝`` -> ``男宝``, ``代yun`` -> ``代孕``, ``5w`` -> ``5万``, emoji codes ``👶`` -> ``宝宝``).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

# Traditional characters common in these posts (Taiwan/HK-style writing, or used to
# dodge keyword filters) -> simplified. Not a general converter (opencc is not a
# dependency); the list covers the screening vocabulary.
_TRADITIONAL = (
    "嬰婴寶宝買买賣卖費费領领證证養养產产國国緬缅門门錢钱聯联係系號号媽妈孕孕"
    "們们個个這这還还與与員员愛爱見见現现後后無无為为來来會会說说對对時时過过"
    "親亲屬属護护戶户體体驗验醫医療疗機机構构務务資资訊讯網网絡络點点線线從从"
    "讓让認认識识結结婚婚紹绍談谈單单辦办處处傳传騙骗詐诈報报警警殺杀據据"
    "純纯潔洁陪陪場场歲岁學学兒儿幫帮薪薪職职業业勞劳動动簽签約约護护照照邊边"
    "境境偷偷渡渡東东亞亚鄉乡鎮镇區区縣县慶庆難难問问題题謝谢請请給给錄录關关"
    "於于條条樣样麼么嗎吗裡里裏里種种兩两萬万塊块車车廠厂電电話话碼码貨货"
    "卵卵捐捐試试管管帶带懷怀徵征銷销營营嫁嫁娶娶妻妻費费優优質质貸贷款款價价補补貼贴僱雇傭佣陪陪聊聊夥伙騙骗掃扫碼码"
)
_TRAD_TO_SIMP: dict[str, str] = {
    _TRADITIONAL[i]: _TRADITIONAL[i + 1]
    for i in range(0, len(_TRADITIONAL) - 1, 2)
    if _TRADITIONAL[i] != _TRADITIONAL[i + 1]
}

# Emoji and symbols used as codes.
_SYMBOLS: dict[str, str] = {
    "👶": "宝宝",
    "🍼": "宝宝",
    "👦": "男孩",
    "👧": "女孩",
    "🤰": "孕妇",
    "🥚": "卵",
    "🐧": "qq",
    "🛰": "微信",
    "➕": "+",
    "💰": "钱",
    "🉑": "可",
    "✈": "飞机",
    "✈️": "飞机",
    "🏠": "房",
    "💃": "女",
    "👩": "女",
    "\u3000": " ",
    "\u200b": "",
    "\ufe0f": "",
}

# Coded spellings -> their resolved form, on the text after step 1 (lower case).
_CODES: list[tuple[str, str]] = [
    # WeChat
    (r"(?:加|\+)\s*(?:vx|wx|v|薇|威|微|卫|维)(?![a-z0-9_信])", "加微信"),
    (r"(?:威|薇|徽|维|溦|v|卫)\s*信|微\s+信", "微信"),
    (r"(?<![a-z0-9_])(?:vx|wx)(?=\s*[:：]|\s+[a-z0-9_\-]{5,}|[^a-z0-9_\-.]|$)", "微信"),
    (r"(?<![a-z0-9_])v(?=\s*[:：]|\s+[a-z0-9_\-]{5,}|\s*同号|\s*号|$)", "微信"),
    (r"微\s*x(?![a-z0-9_])", "微信"),
    (r"(?:绿\s*泡\s*泡|绿色软件)", "微信"),
    # QQ
    (r"(?:扣\s*扣|抠\s*抠|寇\s*寇|企\s*鹅|q\s+q)", "qq"),
    (r"(?<![a-z0-9_])(?:kou\s*kou)(?![a-z])", "qq"),
    # Babies
    (r"宀\s*宝", "男宝"),
    (r"(?:男\s*bao|nan\s*宝|南\s*宝)", "男宝"),
    (r"(?:女\s*bao|囡\s*宝|nv\s*宝)", "女宝"),
    (r"(?:宝\s*bao|bao\s*宝)", "宝宝"),
    (r"(?<![a-z])yyf(?![a-z])", "营养费"),
    (r"营\s*养\s*f", "营养费"),
    (r"(?:送\s*y|s\s*养)(?![a-z])", "送养"),
    (r"(?:领\s*y|l\s*养)(?![a-z])", "领养"),
    # Surrogacy
    (r"(?:代\s*yun|dai\s*孕|岱\s*孕|袋\s*孕|黛\s*孕|代\s*y(?![a-z]))", "代孕"),
    (r"(?:捐\s*ruan|捐\s*luan|juan\s*卵)", "捐卵"),
    (r"(?:供\s*luan|gong\s*卵)", "供卵"),
    # Places
    (r"(?<![a-z])mb(?![a-z])", "缅北"),
    (r"(?:缅\s*bei|mian\s*北)", "缅北"),
    (r"(?<![a-z])jpz(?![a-z])", "柬埔寨"),
    (r"(?<![a-z])kk(?=\s*园)", "kk"),
    # Money
    (r"(?<=\d)\s*w(?![a-z])", "万"),
    (r"(?<=\d)\s*k(?![a-z])", "千"),
]
_CODE_REPLACEMENTS = [replacement for _, replacement in _CODES]
_CODE_PATTERN = re.compile("|".join(f"({pattern})" for pattern, _ in _CODES))
# Every character a code can start with: the scan tries the (slow, many-branched) code
# pattern only where one of these stands; tests check it against a plain ``finditer``.
_CODE_FIRST_CHARS = re.compile(
    r"[加+威薇徽维溦卫微绿扣抠寇企宀男南女囡宝营送领代岱袋黛捐供缅vwxqkbnydsljgm\s]"
)


def _code_matches(stage: str) -> list[re.Match[str]]:
    matches: list[re.Match[str]] = []
    position = 0
    for candidate in _CODE_FIRST_CHARS.finditer(stage):
        if candidate.start() < position:
            continue
        match = _CODE_PATTERN.match(stage, candidate.start())
        if match is not None and match.end() > match.start():
            matches.append(match)
            position = match.end()
    return matches


@dataclass(frozen=True)
class Normalised:
    """The normalised text and, per normalised character, its original span."""

    text: str
    starts: tuple[int, ...]
    ends: tuple[int, ...]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Map ``[start, end)`` in the normalised text to the original text."""
        if end <= start:
            raise ValueError("empty span")
        return self.starts[start], self.ends[end - 1]


@lru_cache(maxsize=4096)
def _char(char: str) -> str:
    mapped = _SYMBOLS.get(char)
    if mapped is not None:
        return mapped
    folded = unicodedata.normalize("NFKC", char).lower()
    if len(folded) == 1:
        return _TRAD_TO_SIMP.get(folded, folded)
    return "".join(_TRAD_TO_SIMP.get(c, c) for c in folded)


def _one_to_one_table() -> tuple[dict[int, str], re.Pattern[str]]:
    """A ``str.translate`` table for the characters that map to exactly one character, and
    a pattern matching the others (expanding or vanishing under NFKC or the symbol table)."""
    table: dict[int, str] = {}
    complex_chars: list[str] = []
    for code in range(0x10000):
        if 0xD800 <= code <= 0xDFFF:
            continue
        char = chr(code)
        mapped = _char(char)
        if len(mapped) != 1:
            complex_chars.append(char)
        elif mapped != char:
            table[code] = mapped
    complex_chars.extend(symbol for symbol in _SYMBOLS if len(symbol) == 1 and ord(symbol) > 0xFFFF)
    pattern = re.compile(
        "[" + "".join(re.escape(c) for c in complex_chars) + r"\U00010000-\U0010FFFF]"
    )
    return table, pattern


_ONE_TO_ONE, _COMPLEX = _one_to_one_table()


def normalise_with_map(text: str) -> Normalised:
    """Normalise ``text`` and keep the original span of every output character.

    >>> n = normalise_with_map("送養宀宝，加V：ab_1234")
    >>> n.text
    '送养男宝,加微信:ab_1234'
    >>> n.span(2, 4)
    (2, 4)
    """
    if not _COMPLEX.search(text):
        stage = text.translate(_ONE_TO_ONE)
        matches = _code_matches(stage)
        if not matches:
            identity = tuple(range(len(stage)))
            return Normalised(stage, identity, tuple(range(1, len(stage) + 1)))
        starts: list[int] = list(range(len(stage)))
        ends: list[int] = list(range(1, len(stage) + 1))
    else:
        chars: list[str] = []
        starts = []
        ends = []
        for index, char in enumerate(text):
            for out in _char(char):
                chars.append(out)
                starts.append(index)
                ends.append(index + 1)
        stage = "".join(chars)
        matches = _code_matches(stage)
        if not matches:
            return Normalised(stage, tuple(starts), tuple(ends))
    pieces: list[str] = []
    out_starts: list[int] = []
    out_ends: list[int] = []
    position = 0
    for match in matches:
        pieces.append(stage[position : match.start()])
        out_starts.extend(starts[position : match.start()])
        out_ends.extend(ends[position : match.start()])
        replacement = _CODE_REPLACEMENTS[(match.lastindex or 0) - 1]
        span_start, span_end = starts[match.start()], ends[match.end() - 1]
        pieces.append(replacement)
        out_starts.extend([span_start] * len(replacement))
        out_ends.extend([span_end] * len(replacement))
        position = match.end()
    pieces.append(stage[position:])
    out_starts.extend(starts[position:])
    out_ends.extend(ends[position:])
    return Normalised("".join(pieces), tuple(out_starts), tuple(out_ends))


def normalise(text: str) -> str:
    """Full-width folded, lower case, traditional -> simplified, coded spellings resolved.

    >>> normalise("ＶＸ：abc123，出售宀宝")
    '微信:abc123,出售男宝'
    """
    return normalise_with_map(text).text
