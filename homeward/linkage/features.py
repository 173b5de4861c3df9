"""Marks, landmarks, places, accents and blood types as normalised codes.

Marks are described in words that differ from record to record ("左肩有块青色胎记",
"胎记 左肩膀", "left shoulder birthmark"). Each description becomes a set of
(kind, body place) pairs from two small vocabularies, encoded as bits so that a search
compares a million records with integer operations. Landmarks a person remembers ("家
门口有条河, 有座石桥") become a set of keywords, also as bits.

Examples
--------
>>> sorted(describe_marks(parse_marks("左肩胎记;右手背有疤")))
['疤痕@右手', '胎记@左肩']
>>> sorted(landmark_names(parse_landmarks("家门口有条小河，河上有座石桥，后山有座庙")))
['山', '庙', '桥', '河', '石桥']
>>> blood_code("O型"), blood_code("AB"), blood_code("不详")
(3, 4, 0)
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from .text import simplified

# --- marks ---------------------------------------------------------------------------

# kind -> words that name it (simplified Chinese, a few English words for typed records)
MARK_KINDS: dict[str, tuple[str, ...]] = {
    "胎记": ("胎记", "青记", "红记", "胎斑", "血管瘤", "birthmark", "咖啡斑", "青斑"),
    "痣": ("痣", "黑点", "mole", "红痣", "黑痣"),
    "疤痕": ("疤", "伤痕", "烫伤", "烧伤", "scar", "缝针", "刀口", "伤口"),
    "耳前小孔": (
        "耳前小孔",
        "耳前瘘管",
        "拴马桩",
        "耳朵前有小孔",
        "耳前有小孔",
        "耳前孔",
        "小耳孔",
        "耳孔",
    ),
    "双旋": ("双旋", "两个旋", "两个发旋", "双发旋", "二旋"),
    "六指": (
        "六指",
        "多指",
        "六个手指",
        "六个脚趾",
        "多趾",
        "枝指",
        "多一个手指",
        "多一根手指",
        "多个手指",
        "多一个脚趾",
    ),
    "兔唇": ("兔唇", "唇裂", "豁嘴", "豁唇"),
    "斜视": ("斜视", "斗鸡眼", "对眼"),
    "胎毛": ("白发", "白头发一撮", "一撮白毛"),
    "残疾": ("跛", "瘸", "残疾", "缺指", "断指", "少一截"),
    "酒窝": ("酒窝",),
    "龅牙": ("龅牙", "虎牙"),
}

# Marks whose place is part of the kind (a preauricular pit is by the ear).
PLACELESS_KINDS = frozenset({"耳前小孔", "双旋", "兔唇"})

# body place -> words (order matters: longer, more precise words first)
BODY_PLACES: dict[str, tuple[str, ...]] = {
    "肩": ("肩膀", "肩头", "肩", "shoulder"),
    "手臂": ("手臂", "胳膊", "上臂", "前臂", "臂", "arm"),
    "手": ("手背", "手心", "手掌", "手腕", "手指", "手", "hand"),
    "腿": ("大腿", "小腿", "膝盖", "腿", "leg", "knee"),
    "脚": ("脚背", "脚底", "脚踝", "脚", "foot"),
    "脸": ("脸颊", "脸上", "面部", "脸", "颧骨", "face", "cheek"),
    "额": ("额头", "脑门", "额", "forehead"),
    "头": ("头顶", "头皮", "后脑勺", "后脑", "头", "head"),
    "眼": ("眼角", "眉毛", "眉", "眼睛", "眼皮", "眼", "eye"),
    "嘴": ("嘴角", "嘴唇", "上唇", "嘴", "唇", "mouth", "lip"),
    "下巴": ("下巴", "下颌", "chin"),
    "耳": ("耳朵", "耳垂", "耳后", "耳", "ear"),
    "颈": ("脖子", "颈部", "颈", "neck"),
    "胸": ("胸口", "胸前", "胸部", "胸", "chest"),
    "背": ("后背", "背部", "背上", "腰背", "背", "back"),
    "腹": ("肚子", "肚脐", "腹部", "腹", "belly"),
    "腰": ("腰部", "腰", "waist"),
    "臀": ("屁股", "臀部", "臀", "buttock"),
}
SIDES = {"左": "左", "右": "右", "left": "左", "right": "右"}

MARK_KIND_LIST: tuple[str, ...] = tuple(MARK_KINDS)
# Marks acquired after birth (a scar, a lost finger): a found person may carry one that
# the family never saw; a birthmark or a mole the family does not name says more.
ACQUIRED_KINDS = frozenset({"疤痕", "残疾"})
ACQUIRED_MASK = sum(1 << MARK_KIND_LIST.index(k) for k in ACQUIRED_KINDS)
BODY_PLACE_LIST: tuple[str, ...] = tuple(BODY_PLACES)
# Bits: 12 kinds x (1 "place unknown" + 18 places x 3 sides (none, left, right)) does not
# fit one int64; so marks are two words: a kind mask and a (kind, place, side) hash.
_SIDE_INDEX = {"": 0, "左": 1, "右": 2}


def parse_marks(text: str) -> frozenset[tuple[str, str]]:
    """Set of (kind, place) pairs; place is "" when not stated, side-prefixed ("左肩")."""
    out: set[tuple[str, str]] = set()
    text = simplified_keep_sep(text).lower()
    for sentence in re.split(r"[;；。/\n]+", text):
        # "小黑痣，左手臂": a kind and its place may sit in neighbouring clauses.
        clauses = [c.strip() for c in re.split(r"[,，、]+|以及|还有|和|及", sentence)]
        parsed = [(_kinds(c), _body_place(c)) for c in clauses if c]
        for i, (kinds, place) in enumerate(parsed):
            if not kinds:
                continue
            if not place:
                for j in (i + 1, i - 1):
                    if 0 <= j < len(parsed) and not parsed[j][0] and parsed[j][1]:
                        place = parsed[j][1]
                        break
            for kind in kinds:
                out.add((kind, "" if kind in PLACELESS_KINDS else place))
    return frozenset(out)


def _kinds(part: str) -> list[str]:
    return [k for k, words in MARK_KINDS.items() if any(w in part for w in words)]


def simplified_keep_sep(text: str) -> str:
    """Simplified characters, separators kept (for splitting lists)."""
    pieces = re.split(r"([;；,，。、/\n]+)", text or "")
    return "".join(p if re.fullmatch(r"[;；,，。、/\n]+", p) else simplified(p) for p in pieces)


def _body_place(part: str) -> str:
    for place, words in BODY_PLACES.items():
        for word in words:
            idx = part.find(word)
            if idx < 0:
                continue
            side = ""
            window = part[max(0, idx - 6) : idx + len(word) + 2]
            for token, value in SIDES.items():
                if token in window:
                    side = value
                    break
            return side + place
    return ""


def describe_marks(marks: Iterable[tuple[str, str]]) -> list[str]:
    return [f"{kind}@{place}" if place else kind for kind, place in marks]


def mark_kind_mask(marks: Iterable[tuple[str, str]]) -> int:
    mask = 0
    for kind, _place in marks:
        mask |= 1 << MARK_KIND_LIST.index(kind)
    return mask


def mark_unplaced_mask(marks: Iterable[tuple[str, str]]) -> int:
    """Kinds with a mark whose place is not stated."""
    mask = 0
    for kind, place in marks:
        if not place:
            mask |= 1 << MARK_KIND_LIST.index(kind)
    return mask


def mark_place_codes(marks: Iterable[tuple[str, str]]) -> list[int]:
    """One code per mark with a place: kind * 64 + place * 3 + side (0 none, 1 左, 2 右)."""
    codes: list[int] = []
    for kind, place in marks:
        if not place:
            continue
        side = place[0] if place[0] in _SIDE_INDEX and place[0] else ""
        region = place[1:] if side else place
        codes.append(
            MARK_KIND_LIST.index(kind) * 64 + BODY_PLACE_LIST.index(region) * 3 + _SIDE_INDEX[side]
        )
    return codes


# --- landmarks -------------------------------------------------------------------------

# keyword -> words. A few keywords imply others (石桥 → 桥).
LANDMARKS: dict[str, tuple[str, ...]] = {
    "河": ("河", "小溪", "溪", "沟"),
    "江": ("江", "长江", "嘉陵江", "乌江"),
    "桥": ("桥",),
    "石桥": ("石桥", "石拱桥"),
    "山": ("山", "坡", "岭"),
    "庙": ("庙", "寺", "观音", "菩萨"),
    "学校": ("学校", "小学", "中学", "学堂"),
    "火车": ("火车", "铁路", "铁轨", "火车站"),
    "码头": ("码头", "渡口", "船", "轮渡"),
    "竹林": ("竹林", "竹子", "竹"),
    "水库": ("水库", "堰塘", "大堰"),
    "池塘": ("池塘", "鱼塘", "塘"),
    "煤矿": ("煤矿", "矿", "煤"),
    "橘树": ("橘", "柑", "桔", "橙"),
    "稻田": ("稻田", "田", "梯田", "秧"),
    "大树": ("黄葛树", "大树", "老树", "古树"),
    "瀑布": ("瀑布",),
    "溶洞": ("溶洞", "山洞", "洞"),
    "场镇": ("赶场", "场镇", "集市", "街上"),
    "祠堂": ("祠堂", "宗祠"),
    "电站": ("电站", "水电站"),
    "吊脚楼": ("吊脚楼",),
    "公路": ("公路", "大路", "马路"),
    "工厂": ("工厂", "厂"),
    "寨子": ("寨", "寨子"),
    "石板路": ("石板路", "石梯", "石阶", "梯坎"),
    "盐井": ("盐井", "盐"),
    "茶山": ("茶山", "茶园", "茶"),
    "坟": ("坟", "墓"),
    "井": ("水井", "古井", "井"),
}
LANDMARK_LIST: tuple[str, ...] = tuple(LANDMARKS)
_IMPLIES = {"石桥": "桥"}


# (word, keyword), longest word first: a word is consumed by the longest keyword that
# names it (堰塘 is a reservoir, not also a pond; 山洞 a cave, 茶山 a tea hill — not also
# a hill).
_LANDMARK_WORDS: tuple[tuple[str, str], ...] = tuple(
    sorted(
        ((w, key) for key, words in LANDMARKS.items() for w in words),
        key=lambda pair: -len(pair[0]),
    )
)


def parse_landmarks(text: str) -> frozenset[str]:
    text = simplified_keep_sep(text)
    found: set[str] = set()
    for word, key in _LANDMARK_WORDS:
        if word in text:
            found.add(key)
            text = text.replace(word, "|")
    for key, implied in _IMPLIES.items():
        if key in found:
            found.add(implied)
    # 江 is also a river; 河 and 江 meet as "water".
    return frozenset(found)


def landmark_mask(keys: Iterable[str]) -> int:
    mask = 0
    for key in keys:
        mask |= 1 << LANDMARK_LIST.index(key)
    return mask


def landmark_names(keys: Iterable[str]) -> list[str]:
    return list(keys)


# --- places, accents, blood types ---------------------------------------------------------

CHONGQING_PROVINCE = "50"
# Provinces bordering Chongqing (GB/T 2260 two-digit codes): Sichuan, Guizhou, Hubei,
# Hunan, Shaanxi.
NEIGHBOUR_PROVINCES: frozenset[str] = frozenset({"51", "52", "42", "43", "61"})

PROVINCE_NAMES: dict[str, str] = {
    "11": "北京", "12": "天津", "13": "河北", "14": "山西", "15": "内蒙古", "21": "辽宁",
    "22": "吉林", "23": "黑龙江", "31": "上海", "32": "江苏", "33": "浙江", "34": "安徽",
    "35": "福建", "36": "江西", "37": "山东", "41": "河南", "42": "湖北", "43": "湖南",
    "44": "广东", "45": "广西", "46": "海南", "50": "重庆", "51": "四川", "52": "贵州",
    "53": "云南", "54": "西藏", "61": "陕西", "62": "甘肃", "63": "青海", "64": "宁夏",
    "65": "新疆", "71": "台湾", "81": "香港", "82": "澳门",
}  # fmt: skip


def province_code(code: str, name: str = "") -> str:
    """Two-digit province code from a code (2 or 6 digits) or a name; "" if unknown."""
    digits = re.sub(r"\D", "", code or "")
    if len(digits) >= 2 and digits[:2] in PROVINCE_NAMES:
        return digits[:2]
    name = simplified(name)
    for key, value in PROVINCE_NAMES.items():
        if value and name.startswith(value):
            return key
    return ""


# accent class: 0 unknown, 1 Chongqing (a district named), 2 south-western Mandarin, 3 other
_SOUTHWEST = ("重庆", "四川", "川渝", "西南", "贵州", "云南", "川话", "渝", "巴蜀", "成都")
_CHONGQING_WORDS = ("重庆", "渝", "川渝", "巴渝")


def accent_class(text: str) -> int:
    text = simplified(text)
    if not text:
        return 0
    if any(w in text for w in ("不详", "不清楚", "无", "未知")) and len(text) <= 3:
        return 0
    if any(w in text for w in _CHONGQING_WORDS):
        return 1
    if any(w in text for w in _SOUTHWEST):
        return 2
    return 3


BLOOD_TYPES = ("", "A", "B", "O", "AB")


def blood_code(text: str) -> int:
    """0 unknown, 1 A, 2 B, 3 O, 4 AB (the Rh factor is dropped)."""
    t = (text or "").upper().replace("型", "").replace("RH+", "").replace("RH-", "").strip()
    t = t.rstrip("+-").strip()
    if t in BLOOD_TYPES and t:
        return BLOOD_TYPES.index(t)
    return 0


def height_band(text: str) -> tuple[float, float] | None:
    """'100-110', '约105', '105cm' → (low, high) in cm; None if empty."""
    numbers = [float(n) for n in re.findall(r"\d+(?:\.\d+)?", text or "")]
    if not numbers:
        return None
    if len(numbers) == 1:
        return (numbers[0] - 5, numbers[0] + 5)
    return (min(numbers[:2]), max(numbers[:2]))
