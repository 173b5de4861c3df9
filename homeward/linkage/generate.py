"""A seeded generator of Chinese missing ↔ found records, for tuning and benchmarks.

Each lost child is simulated once (sex, birth date, the day and district of the loss,
names, 小名, marks, blood type, the village as a family would describe it) and then
written twice, as two people who never met would write it:

- the **family's report**, registered any time up to decades later: the registered
  name or none, a 小名, the birth date in the solar or the lunar calendar, or only a
  birth year, or an age in 虚岁 or 周岁 at the loss; the month of the loss only; the
  home as the parents describe it; marks in their words;
- the **found person's record**, made when the child was found (soon after, or as an
  adult who registers a self-search 30 years later, far from Chongqing): renamed by the
  buyers (a new surname, sometimes the given name kept), a 小名 remembered or not, a
  pinyin spelling typed by an official from speech in dialect, an age estimated by bone
  X-ray, teeth or eye with the method's error, marks described differently (one faded,
  a scar added, the side confused), landmarks remembered in other words, an accent.

Reports with no true match (a quarter by default) and **decoys** — found persons who
share the surname, the district of origin and the age of a real report's child — make
the task as hard as the real one. Everything is drawn from ``numpy.random.Generator``
with the given seed: the same seed gives the same files.
"""

from __future__ import annotations

import bisect
import math
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TypeVar

import numpy as np

from .records import FOUND_COLUMNS, REPORT_COLUMNS

T = TypeVar("T")

DISTRICTS: tuple[tuple[str, str, int], ...] = (
    ("500101", "万州区", 1564), ("500102", "涪陵区", 1115), ("500103", "渝中区", 588),
    ("500104", "大渡口区", 421), ("500105", "江北区", 925), ("500106", "沙坪坝区", 1477),
    ("500107", "九龙坡区", 1526), ("500108", "南岸区", 1197), ("500109", "北碚区", 834),
    ("500110", "綦江区", 1011), ("500111", "大足区", 834), ("500112", "渝北区", 2191),
    ("500113", "巴南区", 1178), ("500114", "黔江区", 487), ("500115", "长寿区", 692),
    ("500116", "江津区", 1359), ("500117", "合川区", 1245), ("500118", "永川区", 1148),
    ("500119", "南川区", 572), ("500120", "璧山区", 756), ("500151", "铜梁区", 685),
    ("500152", "潼南区", 688), ("500153", "荣昌区", 668), ("500154", "开州区", 1203),
    ("500155", "梁平区", 645), ("500156", "武隆区", 356), ("500229", "城口县", 197),
    ("500230", "丰都县", 557), ("500231", "垫江县", 650), ("500233", "忠县", 300),
    ("500235", "云阳县", 300), ("500236", "奉节县", 744), ("500237", "巫山县", 462),
    ("500238", "巫溪县", 300), ("500240", "石柱土家族自治县", 389),
    ("500241", "秀山土家族苗族自治县", 496), ("500242", "酉阳土家族苗族自治县", 300),
    ("500243", "彭水苗族土家族自治县", 530),
)  # fmt: skip

# Where trafficked children were found (province code, name, a city, weight).
DESTINATIONS: tuple[tuple[str, str, str, float], ...] = (
    ("35", "福建省", "泉州市", 9), ("44", "广东省", "东莞市", 9), ("41", "河南省", "周口市", 8),
    ("37", "山东省", "临沂市", 8), ("13", "河北省", "邯郸市", 6), ("32", "江苏省", "徐州市", 5),
    ("33", "浙江省", "温州市", 5), ("34", "安徽省", "阜阳市", 5), ("51", "四川省", "成都市", 6),
    ("52", "贵州省", "遵义市", 4), ("42", "湖北省", "宜昌市", 4), ("43", "湖南省", "怀化市", 3),
    ("61", "陕西省", "安康市", 2), ("45", "广西壮族自治区", "玉林市", 3),
    ("36", "江西省", "上饶市", 2), ("14", "山西省", "运城市", 2), ("53", "云南省", "昭通市", 2),
    ("11", "北京市", "北京市", 1), ("31", "上海市", "上海市", 1), ("21", "辽宁省", "沈阳市", 1),
)  # fmt: skip

# Surnames with rough national weights, Chongqing's own (谭 冉 向 秦 …) raised, and
# the polyphonic surnames the engine must read right.
SURNAMES: tuple[tuple[str, float], ...] = (
    ("王", 7.1), ("李", 7.0), ("张", 6.8), ("刘", 5.4), ("陈", 4.5), ("杨", 3.1), ("黄", 2.2),
    ("赵", 2.1), ("吴", 1.8), ("周", 1.7), ("徐", 1.3), ("孙", 1.3), ("马", 1.2), ("朱", 1.1),
    ("胡", 1.1), ("郭", 1.0), ("何", 1.0), ("高", 1.0), ("林", 1.0), ("罗", 0.9), ("郑", 0.9),
    ("梁", 0.8), ("谢", 0.8), ("宋", 0.7), ("唐", 0.9), ("许", 0.6), ("韩", 0.6), ("冯", 0.6),
    ("邓", 0.9), ("曹", 0.5), ("彭", 0.7), ("曾", 0.6), ("肖", 0.6), ("田", 0.6), ("董", 0.5),
    ("袁", 0.5), ("潘", 0.4), ("于", 0.4), ("蒋", 0.5), ("蔡", 0.4), ("余", 0.6), ("杜", 0.4),
    ("叶", 0.4), ("程", 0.4), ("苏", 0.3), ("魏", 0.3), ("吕", 0.3), ("丁", 0.3), ("任", 0.4),
    ("沈", 0.3), ("姚", 0.3), ("卢", 0.3), ("姜", 0.3), ("崔", 0.2), ("钟", 0.3), ("谭", 0.8),
    ("陆", 0.2), ("汪", 0.2), ("范", 0.2), ("金", 0.2), ("石", 0.3), ("廖", 0.4), ("贾", 0.2),
    ("夏", 0.2), ("韦", 0.2), ("付", 0.3), ("方", 0.2), ("白", 0.2), ("邹", 0.3), ("孟", 0.2),
    ("熊", 0.4), ("秦", 0.4), ("邱", 0.2), ("江", 0.2), ("尹", 0.2), ("薛", 0.1), ("闫", 0.1),
    ("段", 0.2), ("雷", 0.3), ("侯", 0.1), ("龙", 0.3), ("史", 0.1), ("陶", 0.2), ("黎", 0.1),
    ("贺", 0.1), ("顾", 0.1), ("毛", 0.2), ("郝", 0.1), ("龚", 0.2), ("邵", 0.1), ("万", 0.2),
    ("钱", 0.1), ("严", 0.1), ("覃", 0.15), ("武", 0.1), ("戴", 0.1), ("莫", 0.1), ("孔", 0.1),
    ("向", 0.5), ("冉", 0.4), ("牟", 0.2), ("单", 0.05), ("解", 0.05), ("仇", 0.04),
    ("区", 0.02), ("查", 0.04), ("欧阳", 0.05), ("翟", 0.03), ("朴", 0.01), ("冼", 0.01),
)  # fmt: skip

BOY_CHARS = "伟强军勇杰涛明超斌浩鹏飞俊峰磊刚辉亮建波宇龙平华东林志国文成海兵洋江松鑫豪凯"
GIRL_CHARS = "芳娟敏静丽艳霞燕玲婷秀红梅琴兰慧洁雪莉晶倩琳萍英凤丹蓉瑶媛琪欣颖佳露月"
SHARED_CHARS = "小春金玉晓"

# Homophones a family or an official may write instead (same Chongqing dialect key).
HOMOPHONES: dict[str, str] = {
    "陈": "程", "程": "陈", "刘": "牛", "张": "章", "章": "张", "王": "汪", "林": "凌",
    "明": "敏", "敏": "明", "平": "萍", "华": "花", "胡": "付", "黄": "王", "军": "君",
    "红": "宏", "静": "晶", "兰": "南", "丽": "莉", "芳": "方", "强": "蔷", "杰": "洁",
    "斌": "彬", "涛": "滔", "鹏": "朋", "琳": "玲", "玲": "林", "英": "莹", "燕": "艳",
}  # fmt: skip

TRADITIONAL: dict[str, str] = {
    "张": "張", "陈": "陳", "刘": "劉", "杨": "楊", "黄": "黃", "赵": "趙", "吴": "吳",
    "孙": "孫", "马": "馬", "郑": "鄭", "谢": "謝", "许": "許", "韩": "韓", "冯": "馮",
    "邓": "鄧", "单": "單", "区": "區", "伟": "偉", "强": "強", "军": "軍", "涛": "濤",
    "明": "明", "华": "華", "国": "國", "丽": "麗", "艳": "艷", "红": "紅", "凤": "鳳",
}  # fmt: skip

DIALECT_SPELLING = (("zh", "z"), ("ch", "c"), ("sh", "s"), ("ing", "in"), ("eng", "en"))

MARK_KINDS_W = (("胎记", 0.45), ("痣", 0.3), ("疤痕", 0.18), ("耳前小孔", 0.03), ("双旋", 0.03),
                ("六指", 0.005), ("兔唇", 0.005))  # fmt: skip
PLACES = ("肩", "手臂", "手", "腿", "脚", "脸", "额", "头", "背", "胸", "腹", "颈", "耳", "臀")
PLACE_WORDS: dict[str, tuple[str, ...]] = {
    "肩": ("肩膀", "肩", "肩头"), "手臂": ("手臂", "胳膊"), "手": ("手背", "手"),
    "腿": ("大腿", "腿", "小腿"), "脚": ("脚背", "脚"), "脸": ("脸上", "脸颊", "脸"),
    "额": ("额头", "脑门"), "头": ("头顶", "头上"), "背": ("后背", "背上"),
    "胸": ("胸口", "胸前"), "腹": ("肚子", "腹部"), "颈": ("脖子", "颈部"),
    "耳": ("耳朵", "耳后"), "臀": ("屁股", "臀部"),
}  # fmt: skip
KIND_WORDS: dict[str, tuple[str, ...]] = {
    "胎记": ("胎记", "青色胎记", "一块胎记", "红色胎记", "青记"),
    "痣": ("痣", "黑痣", "一颗痣", "小黑痣"),
    "疤痕": ("疤", "伤疤", "疤痕", "烫伤疤"),
    "耳前小孔": ("耳前小孔", "拴马桩", "耳朵前有小孔"),
    "双旋": ("双旋", "两个旋"),
    "六指": ("六指", "多一个手指"),
    "兔唇": ("兔唇", "唇裂"),
}
NO_PLACE_KINDS = {"双旋", "兔唇", "耳前小孔"}

LANDMARK_WORDS: dict[str, tuple[str, ...]] = {
    "河": ("河", "小河", "小溪", "河沟"), "江": ("长江", "江边", "嘉陵江"),
    "桥": ("桥", "大桥"), "石桥": ("石桥", "石拱桥"), "山": ("大山", "后山", "山坡"),
    "庙": ("庙", "寺庙", "观音庙"), "学校": ("小学", "学校"), "火车": ("火车", "铁路"),
    "码头": ("码头", "渡口", "坐船"), "竹林": ("竹林", "竹子"), "水库": ("水库", "堰塘"),
    "池塘": ("鱼塘", "池塘"), "煤矿": ("煤矿", "挖煤的"), "橘树": ("橘子树", "柑子树"),
    "稻田": ("稻田", "梯田", "水田"), "大树": ("黄葛树", "大树"), "溶洞": ("山洞", "溶洞"),
    "场镇": ("赶场", "场镇上"), "祠堂": ("祠堂",), "公路": ("公路", "大马路"),
    "石板路": ("石板路", "石梯坎"), "茶山": ("茶山", "茶园"), "吊脚楼": ("吊脚楼",),
    "井": ("水井", "古井"), "瀑布": ("瀑布",), "工厂": ("工厂", "厂房"),
}  # fmt: skip
LANDMARK_KEYS = tuple(LANDMARK_WORDS)
LANDMARK_W = np.asarray(
    [10, 3, 6, 2, 8, 3, 4, 2, 2, 4, 3, 3, 2, 3, 4, 3, 2, 3, 1, 4, 2, 2, 1, 2, 1, 2], float
)

ACCENTS_OTHER = ("闽南口音", "粤语", "河南口音", "山东口音", "普通话", "河北口音", "江浙口音",
                 "安徽口音", "东北口音", "湖南口音")  # fmt: skip

REFERENCE_DATE = date(2026, 6, 30)


def xusui_at(birth: date, day: date) -> int:
    """虚岁 on ``day``: 1 at birth, one more at every lunar new year."""
    from lunardate import LunarDate

    born = LunarDate.from_solar_date(birth.year, birth.month, birth.day).year
    now = LunarDate.from_solar_date(day.year, day.month, day.day).year
    return int(now - born + 1)


@dataclass
class Child:
    """One simulated lost child (the truth both records are written from)."""

    key: str
    sex: str
    birth: date
    missing: date
    district: tuple[str, str, int]
    township: str
    surname: str
    given: str
    nickname: str
    marks: list[tuple[str, str, str]]  # (kind, side, place)
    blood: str
    father: str
    mother: str
    landmarks: list[str]
    height: float
    origin_chongqing: bool = True
    extra: dict[str, str] = field(default_factory=dict)


@dataclass
class Dataset:
    reports: list[dict[str, str]]
    found: list[dict[str, str]]
    truth: dict[str, str]  # report_id -> found_id (reports with a true match only)


class Generator:
    """Seeded source of children and their two records (see the module docstring)."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)  # noqa: S311 - synthetic data, reproducible by seed
        names = [s for s, _ in SURNAMES]
        weights = np.asarray([w for _, w in SURNAMES], float)
        self._surnames = names
        self._surname_p = (weights / weights.sum()).tolist()
        pops = np.asarray([p for _, _, p in DISTRICTS], float)
        self._district_p = (pops / pops.sum()).tolist()
        dest_w = np.asarray([w for *_, w in DESTINATIONS], float)
        self._dest_p = (dest_w / dest_w.sum()).tolist()
        self._kinds = [k for k, _ in MARK_KINDS_W]
        kind_w = np.asarray([w for _, w in MARK_KINDS_W])
        self._kind_p = (kind_w / kind_w.sum()).tolist()
        self._land_p = (LANDMARK_W / LANDMARK_W.sum()).tolist()
        self._counter = 0
        self._cumulative: dict[tuple[float, ...], list[float]] = {}

    # --- small draws -------------------------------------------------------------------

    def weighted(self, items: Sequence[T], weights: Sequence[float]) -> T:
        """One of ``items`` with the given weights (faster than Generator.choice)."""
        key = tuple(weights)
        cumulative = self._cumulative.get(key)
        if cumulative is None:
            array = np.cumsum(np.asarray(weights, float))
            cumulative = (array / array[-1]).tolist()
            self._cumulative[key] = cumulative
        return items[bisect.bisect_right(cumulative, self.rng.random() * 0.999999999)]

    def weighted_index(self, probabilities: Sequence[float]) -> int:
        return self.weighted(range(len(probabilities)), probabilities)

    def chance(self, p: float) -> bool:
        return bool(self.rng.random() < p)

    def pick(self, items: Sequence[T]) -> T:
        return items[int(self.rng.randrange(len(items)))]

    def surname(self) -> str:
        return self._surnames[self.weighted_index(self._surname_p)]

    def given(self, sex: str) -> str:
        pool = (BOY_CHARS if sex == "男" else GIRL_CHARS) + SHARED_CHARS
        n = 2 if self.chance(0.7) else 1
        return "".join(self.pick(pool) for _ in range(n))

    def nickname(self, sex: str, given: str, birth_rank: int) -> str:
        r = self.rng.random()
        core = given[-1]
        if birth_rank >= 2 and r < 0.3:
            return "幺妹" if sex == "女" else self.pick(("幺娃", "幺儿"))
        if r < 0.5:
            return core + ("娃" if sex == "男" else "妹")
        if r < 0.7:
            return "小" + core
        if r < 0.85:
            return core + core
        return (
            self.pick(("毛毛", "二娃", "狗娃", "三妹", "宝宝", "乖乖", "丫头"))
            if sex == "女"
            else self.pick(("毛毛", "二娃", "狗娃", "宝宝", "三娃"))
        )

    def day_between(self, start: date, end: date) -> date:
        span = max((end - start).days, 0)
        return start + timedelta(days=int(self.rng.randrange(span + 1)))

    # --- a child -------------------------------------------------------------------------

    def child(
        self,
        *,
        surname: str | None = None,
        district: tuple[str, str, int] | None = None,
        birth: date | None = None,
        sex: str | None = None,
        origin_chongqing: bool = True,
    ) -> Child:
        self._counter += 1
        sex = sex or ("男" if self.chance(0.6) else "女")
        if birth is None:
            birth = self.day_between(date(1975, 1, 1), date(2021, 12, 31))
        age_at_loss = float(
            self.weighted(
                [0.5, 1.5, 2.5, 3.5, 4.5, 5.5, 6.5, 8, 10, 12, 14],
                [0.08, 0.1, 0.13, 0.14, 0.13, 0.11, 0.09, 0.08, 0.06, 0.05, 0.03],
            )
        )
        missing = birth + timedelta(days=int((age_at_loss + self.rng.uniform(-0.5, 0.5)) * 365.25))
        missing = min(max(missing, birth + timedelta(days=20)), REFERENCE_DATE - timedelta(days=60))
        district = district or DISTRICTS[self.weighted_index(self._district_p)]
        surname = surname or self.surname()
        given = self.given(sex)
        marks: list[tuple[str, str, str]] = []
        for _ in range(int(self.weighted([0, 1, 2], [0.45, 0.4, 0.15]))):
            kind = self._kinds[self.weighted_index(self._kind_p)]
            place = "" if kind in NO_PLACE_KINDS else self.pick(PLACES)
            side = (
                ""
                if not place or place in {"额", "头", "背", "胸", "腹", "颈"}
                else self.pick("左右")
            )
            marks.append((kind, side, place))
        n_land = int(self.weighted([1, 2, 3, 4], [0.25, 0.35, 0.25, 0.15]))
        landmarks = list(
            dict.fromkeys(LANDMARK_KEYS[self.weighted_index(self._land_p)] for _ in range(n_land))
        )
        mother_surname = self.surname()
        height = 50 + 100 * (1 - math.exp(-0.18 * (age_at_loss + 0.7))) + self.rng.gauss(0, 4)
        return Child(
            key=f"c{self._counter}",
            sex=sex,
            birth=birth,
            missing=missing,
            district=district,
            township=f"{district[0]}{int(self.rng.randrange(1, 40)):03d}",
            surname=surname,
            given=given,
            nickname=self.nickname(sex, given, int(self.rng.randrange(1, 4))),
            marks=marks,
            blood=str(self.weighted(["A", "B", "O", "AB"], [0.28, 0.32, 0.31, 0.09])),
            father=surname + self.given("男"),
            mother=mother_surname + self.given("女"),
            landmarks=landmarks,
            height=float(height),
            origin_chongqing=origin_chongqing,
        )

    # --- the family's report ---------------------------------------------------------------

    def report(self, child: Child, report_id: str) -> dict[str, str]:
        rng = self.rng
        row = dict.fromkeys(REPORT_COLUMNS, "")
        row["report_id"] = report_id
        age_at_loss = (child.missing - child.birth).days / 365.25
        if self.chance(0.88):
            name = child.surname + child.given
            if self.chance(0.05):
                name = "".join(TRADITIONAL.get(ch, ch) for ch in name)
            elif self.chance(0.08):
                name = "".join(HOMOPHONES.get(ch, ch) if self.chance(0.5) else ch for ch in name)
            row["name"] = name
        if self.chance(0.7 if age_at_loss < 8 else 0.4):
            row["nickname"] = child.nickname
        row["sex"] = child.sex if self.chance(0.995) else ("女" if child.sex == "男" else "男")
        r = rng.random()
        if r < 0.35:
            row["birth_date"] = child.birth.isoformat()
            row["birth_calendar"] = "公历" if self.chance(0.6) else ""
        elif r < 0.55:
            from lunardate import LunarDate

            lunar = LunarDate.from_solar_date(child.birth.year, child.birth.month, child.birth.day)
            row["birth_date"] = f"{lunar.year:04d}-{lunar.month:02d}-{lunar.day:02d}"
            row["birth_calendar"] = "农历"
        elif r < 0.7:
            row["birth_year"] = str(child.birth.year)
        else:
            years = int(age_at_loss)
            if self.chance(0.6):
                row["age_stated"] = f"虚岁{xusui_at(child.birth, child.missing)}"
            else:
                row["age_stated"] = f"{years}岁"
        r = rng.random()
        if r < 0.5:
            row["missing_date"] = child.missing.isoformat()
        elif r < 0.93:
            row["missing_date"] = child.missing.strftime("%Y-%m")
        elif r < 0.97:
            shifted = child.missing + timedelta(days=int(rng.randrange(-20, 40)))
            row["missing_date"] = shifted.strftime("%Y-%m")
        if not row["missing_date"] and row["age_stated"]:
            row["missing_date"] = child.missing.strftime("%Y-%m")
        code, name_zh, _ = child.district
        row["district_code"] = code if self.chance(0.9) else ""
        row["district_name"] = name_zh if self.chance(0.95) or not row["district_code"] else ""
        row["township_code"] = child.township if self.chance(0.6) else ""
        row["missing_place"] = self.pick(("家门口", "场镇上", "学校门口", "汽车站", "菜市场", ""))
        if self.chance(0.75):
            words = [self.pick(LANDMARK_WORDS[k]) for k in child.landmarks if self.chance(0.85)]
            row["home_features"] = "，".join(self._landmark_sentence(w) for w in words)
        if self.chance(0.35):
            low = int(child.height // 10 * 10)
            row["height_band_cm"] = f"{low}-{low + 10}"
        if child.marks and self.chance(0.85):
            row["marks"] = ";".join(self._mark_text(m, family=True) for m in child.marks)
        if self.chance(0.5):
            row["blood_type"] = child.blood + ("型" if self.chance(0.5) else "")
        if self.chance(0.8):
            row["father_name"] = child.father
        if self.chance(0.7):
            row["mother_name"] = child.mother
        delay = float(self.weighted([0.02, 0.5, 3, 10, 20], [0.45, 0.15, 0.15, 0.15, 0.1]))
        report_day = child.missing + timedelta(days=int(delay * 365.25 * rng.uniform(0.5, 1.5)))
        row["report_date"] = min(report_day, REFERENCE_DATE).isoformat()
        return row

    def _landmark_sentence(self, word: str) -> str:
        return self.pick(("家门口有", "村里有", "家附近有", "记得有", "屋后有", "")) + word

    def _mark_text(self, mark: tuple[str, str, str], *, family: bool) -> str:
        kind, side, place = mark
        kind_word = self.pick(KIND_WORDS[kind])
        if not place:
            return kind_word
        place_word = side + self.pick(PLACE_WORDS[place])
        if family:
            return self.pick(
                (
                    f"{place_word}有{kind_word}",
                    f"{place_word}{kind_word}",
                    f"{kind_word}在{place_word}",
                )
            )
        return self.pick(
            (
                f"{kind_word}（{place_word}）",
                f"{place_word}处{kind_word}",
                f"{kind_word}，{place_word}",
            )
        )

    # --- the found person's record --------------------------------------------------------------

    def found(self, child: Child, found_id: str) -> dict[str, str]:
        rng = self.rng
        row = dict.fromkeys(FOUND_COLUMNS, "")
        row["found_id"] = found_id
        age_at_loss = (child.missing - child.birth).days / 365.25
        source = str(
            self.weighted(
                [
                    "rescued_victim",
                    "street_minor",
                    "abandoned_infant",
                    "registration",
                    "adoption",
                    "welfare_home",
                    "self_search",
                ],
                [0.2, 0.1, 0.05, 0.15, 0.1, 0.1, 0.3],
            )
        )
        if age_at_loss < 1.2 and self.chance(0.5):
            source = "abandoned_infant"
        if source in {"abandoned_infant", "street_minor", "rescued_victim"}:
            years_after = rng.expovariate(1 / 0.6)
        elif source in {"registration", "adoption", "welfare_home"}:
            years_after = float(rng.uniform(1, 15))
        else:
            years_after = float(rng.uniform(15, 45))
        found_day = child.missing + timedelta(days=int(years_after * 365.25) + 1)
        if found_day > REFERENCE_DATE:
            found_day = self.day_between(child.missing + timedelta(days=1), REFERENCE_DATE)
        row["found_date"] = found_day.isoformat()
        row["record_source"] = source
        age_found = (found_day - child.birth).days / 365.25
        years_after = (found_day - child.missing).days / 365.25
        renamed = years_after > 0.5 and source != "street_minor"
        # names
        if renamed:
            new_surname = self.surname()
            if self.chance(0.15):
                current = new_surname + child.given
            else:
                current = new_surname + self.given(child.sex)
            row["name"] = current if self.chance(0.9) else ""
        elif age_at_loss >= 4 and self.chance(0.6):
            row["name"] = child.surname + child.given
        searching = source == "self_search"  # an adult who searches tells all they recall
        remembers = age_at_loss >= 2.5 and self.chance(
            min(0.9, (0.45 if searching else 0.2) + 0.12 * age_at_loss)
        )
        if remembers:
            r = rng.random()
            if r < 0.6:
                row["name_remembered"] = child.nickname
            elif r < 0.8 and age_at_loss >= 5:
                row["name_remembered"] = child.surname + child.given
            else:
                row["name_remembered"] = child.given[-1] + ("娃" if child.sex == "男" else "妹")
        if self.chance(0.12) and (row["name_remembered"] or not renamed):
            row["name_pinyin"] = self._pinyin(child.surname + child.given)
        row["sex"] = child.sex if self.chance(0.99) else ("女" if child.sex == "男" else "男")
        # age
        if source == "self_search" and self.chance(0.5):
            shift = int(rng.gauss(0, 1.2) * 365.25)
            row["stated_birth_date"] = (child.birth + timedelta(days=shift)).isoformat()
        else:
            method = str(self.weighted(["bone", "dental", "visual", "self"], [0.4, 0.2, 0.3, 0.1]))
            if source == "self_search":
                method = str(self.weighted(["bone", "self", "visual"], [0.5, 0.3, 0.2]))
            sigma = {"bone": 1.3, "dental": 1.0, "visual": 3.0, "self": 1.5}[method]
            if age_found > 25 and method in {"bone", "dental"}:
                sigma *= 2.0  # skeletal ages are less precise for adults
            estimate = max(age_found + float(rng.gauss(0, sigma)), 0.1)
            half = (
                float(self.pick((0.5, 1, 2, 3)))
                if method != "visual"
                else float(self.pick((2, 3, 5)))
            )
            row["est_age_low"] = f"{max(estimate - half, 0):.0f}"
            row["est_age_high"] = f"{estimate + half:.0f}"
            row["age_method"] = {
                "bone": "骨龄",
                "dental": "牙齿",
                "visual": "目测",
                "self": "自述",
            }[method]
            if method == "bone" and source == "self_search" and self.chance(0.5):
                row["age_method"] = "医生估计"
        # place
        if years_after < 1 and self.chance(0.5):
            row["found_province_code"] = "50"
            row["found_province"] = "重庆市"
            if self.chance(0.4):
                row["found_province_code"] = child.district[0]
                row["found_city"] = child.district[1]
            else:
                other = DISTRICTS[int(rng.randrange(len(DISTRICTS)))]
                row["found_province_code"] = other[0]
                row["found_city"] = other[1]
        else:
            code, prov, city, _ = DESTINATIONS[self.weighted_index(self._dest_p)]
            row["found_province_code"] = code if self.chance(0.85) else ""
            row["found_province"] = prov
            row["found_city"] = city
        # height when found soon
        if years_after < 1 and self.chance(0.6):
            growth = 6 * years_after
            row["height_cm"] = f"{child.height + growth + rng.gauss(0, 3):.0f}"
        # marks
        texts = []
        for mark in child.marks:
            if not self.chance(0.8):
                continue
            kind, side, place = mark
            if side and self.chance(0.08):
                side = "右" if side == "左" else "左"
            if place and self.chance(0.1):
                side = ""
            texts.append(self._mark_text((kind, side, place), family=False))
        if self.chance(0.15 + 0.01 * years_after):
            texts.append(
                self._mark_text(("疤痕", self.pick("左右"), self.pick(PLACES)), family=False)
            )
        row["marks"] = ";".join(texts)
        if self.chance(0.35):
            row["blood_type"] = (
                child.blood if self.chance(0.97) else self.pick(("A", "B", "O", "AB"))
            )
        # parents, landmarks, accent: what the child remembers
        if age_at_loss >= 4 and self.chance(0.45 if searching else 0.25):
            if self.chance(0.7):
                row["parent_surname_remembered"] = (
                    child.father[:1] if self.chance(0.5) else "姓" + child.father[:1]
                )
                row["parent_relation"] = "父亲"
            else:
                row["parent_surname_remembered"] = child.mother[:1]
                row["parent_relation"] = "母亲"
        if age_at_loss >= 3 and self.chance(
            min(0.85, (0.4 if searching else 0.15) + 0.08 * age_at_loss)
        ):
            keep = [k for k in child.landmarks if self.chance(0.6)]
            if self.chance(0.25):
                keep.append(LANDMARK_KEYS[self.weighted_index(self._land_p)])
            row["landmarks_remembered"] = "，".join(
                "记得" + self.pick(LANDMARK_WORDS[k]) for k in dict.fromkeys(keep)
            )
        if child.origin_chongqing and age_at_loss >= 5 and years_after < 6 and self.chance(0.6):
            row["accent"] = self.pick(("重庆口音", "四川话", "西南官话", "重庆话"))
        elif self.chance(0.5):
            row["accent"] = (
                self.pick(ACCENTS_OTHER) if child.origin_chongqing or self.chance(0.5) else "四川话"
            )
        return row

    def _pinyin(self, name: str) -> str:
        from pypinyin import Style, lazy_pinyin

        syllables = lazy_pinyin(name, style=Style.NORMAL)
        if self.chance(0.5):
            out = []
            for s in syllables:
                for a, b in DIALECT_SPELLING:
                    if self.chance(0.5):
                        s = s.replace(a, b)
                if s.startswith("n") and self.chance(0.5):
                    s = "l" + s[1:]
                out.append(s)
            syllables = out
        if len(syllables) >= 2:
            return syllables[0].capitalize() + " " + "".join(syllables[1:]).capitalize()
        return "".join(syllables)

    # --- data sets -------------------------------------------------------------------------------

    def dataset(
        self,
        *,
        reports: int = 2000,
        found: int = 51500,
        no_match_share: float = 0.25,
        decoys_per_report: float = 1.0,
    ) -> Dataset:
        """``reports`` reports against ``found`` found persons (see the module docstring)."""
        n_matched = int(round(reports * (1 - no_match_share)))
        report_rows: list[dict[str, str]] = []
        found_rows: list[dict[str, str]] = []
        truth: dict[str, str] = {}
        children = [self.child() for _ in range(reports)]
        for i, child in enumerate(children):
            report_id = f"R{i + 1:06d}"
            report_rows.append(self.report(child, report_id))
            if i < n_matched:
                found_id = f"F{len(found_rows) + 1:07d}"
                found_rows.append(self.found(child, found_id))
                truth[report_id] = found_id
        n_decoys = min(int(round(reports * decoys_per_report)), max(found - len(found_rows), 0))
        for j in range(n_decoys):
            real = children[j % len(children)]
            decoy = self.child(
                surname=real.surname,
                district=real.district,
                birth=real.birth + timedelta(days=int(self.rng.randrange(-300, 300))),
                sex=real.sex,
            )
            found_rows.append(self.found(decoy, f"F{len(found_rows) + 1:07d}"))
        while len(found_rows) < found:
            other = self.child(origin_chongqing=self.chance(0.3))
            found_rows.append(self.found(other, f"F{len(found_rows) + 1:07d}"))
        shuffled = list(found_rows)
        self.rng.shuffle(shuffled)
        return Dataset(reports=report_rows, found=shuffled, truth=truth)
