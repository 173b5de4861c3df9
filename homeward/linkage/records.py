"""The two sides of a match as normalised records.

A :class:`Report` is a family's search for a lost child (寻亲登记); a :class:`Found` is a
person whose family is sought (a victim of unknown identity, a street minor, an
abandoned infant, a child of unknown origin, a self-searcher). Both are built from plain
string fields — the columns of the command line's CSV files, or the values the Django app
reads from its models — by :func:`report_from_fields` and :func:`found_from_fields`.

Every field may be empty except the identifier. A malformed value raises
:class:`FieldError` naming the field, so that an import lists every bad cell.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

from . import ages, features, text

REPORT_COLUMNS: tuple[str, ...] = (
    "report_id", "name", "nickname", "sex", "birth_date", "birth_year", "birth_calendar",
    "age_stated", "missing_date", "district_code", "district_name", "township_code",
    "township_name", "missing_place", "home_features", "height_band_cm", "marks",
    "blood_type", "father_name", "mother_name", "report_date",
)  # fmt: skip

FOUND_COLUMNS: tuple[str, ...] = (
    "found_id", "name", "name_remembered", "name_pinyin", "sex", "est_age_low",
    "est_age_high", "age_method", "stated_birth_date", "found_date", "found_province_code",
    "found_province", "found_city", "record_source", "height_cm", "marks", "blood_type",
    "parent_surname_remembered", "parent_relation", "landmarks_remembered", "accent",
)  # fmt: skip

SEX_UNKNOWN, SEX_MALE, SEX_FEMALE = 0, 1, 2

# A birth date a self-searcher or an adoptive family states may have been invented at
# the adoption: ± this many years (one year missed a third of them).
STATED_BIRTH_SLACK_YEARS = 2.0
# ... and its spread (σ, years) around the stated date.
STATED_BIRTH_SD_YEARS = 1.2


class FieldError(ValueError):
    """A value that cannot be read; ``field`` names the column."""

    def __init__(self, field_name: str, message: str) -> None:
        super().__init__(f"{field_name}: {message}")
        self.field = field_name
        self.message = message


def sex_code(value: str) -> int:
    v = (value or "").strip().lower()
    if v in {"男", "男性", "m", "male", "1", "boy", "男孩"}:
        return SEX_MALE
    if v in {"女", "女性", "f", "female", "2", "girl", "女孩"}:
        return SEX_FEMALE
    if v in {"", "不详", "未知", "unknown", "0", "u"}:
        return SEX_UNKNOWN
    raise FieldError("sex", f"sex must be 男 or 女, got {value!r}")


@dataclass(frozen=True)
class NameForm:
    """One name as the engine compares it."""

    full: str  # simplified characters ("" for a pinyin-only name)
    surname: str
    given: str
    surname_keys: frozenset[str]
    given_keys: tuple[frozenset[str], ...]  # per character (or per syllable)

    @property
    def given_combos(self) -> frozenset[str]:
        """Every joined key sequence of the given name (一 syllable key per char)."""
        combos = [""]
        for keys in self.given_keys[:3]:
            combos = [c + "|" + k for c in combos for k in sorted(keys)][:16]
        return frozenset(c for c in combos if c)


def name_form(value: str) -> NameForm | None:
    """A name in characters (any script) or in typed pinyin."""
    cleaned = text.simplified(value)
    if not cleaned:
        return None
    hanzi = text.hanzi_only(cleaned)
    if hanzi:
        surname, given = text.split_name(hanzi)
        return NameForm(
            full=hanzi,
            surname=surname,
            given=given,
            surname_keys=text.surname_keys(surname) if surname else frozenset(),
            given_keys=tuple(text.given_char_keys(given)),
        )
    surname_key, given_keys = text.pinyin_name_keys(value)
    return NameForm(
        full="",
        surname="",
        given="",
        surname_keys=frozenset({surname_key}) if surname_key else frozenset(),
        given_keys=tuple(frozenset({k}) for k in given_keys),
    )


def _nick_core_keys(nickname: str) -> frozenset[str]:
    core = text.nickname_core(nickname)
    keys: set[str] = set()
    for char in core[:2]:
        keys |= text.char_keys(char)
    return frozenset(keys)


@dataclass(frozen=True)
class Report:
    """A family's search for a lost child."""

    id: str
    sex: int = SEX_UNKNOWN
    name: NameForm | None = None
    nickname: str = ""
    nick_core_keys: frozenset[str] = frozenset()
    birth: ages.BirthInterval = ages.UNKNOWN
    missing_t: float = math.nan  # fractional year
    missing_tol: float = 0.08  # years of slack on the date (a month given: + 0.05)
    district: str = ""  # 6-digit GB/T 2260
    district_name: str = ""  # name core (万州区 → 万州)
    township: str = ""
    home_keys: frozenset[str] = frozenset()
    height_band: tuple[float, float] | None = None
    marks: frozenset[tuple[str, str]] = frozenset()
    blood: int = 0
    father_keys: frozenset[str] = frozenset()
    mother_keys: frozenset[str] = frozenset()
    report_t: float = math.nan
    raw: Mapping[str, str] = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True)
class Found:
    """A person whose family is sought."""

    id: str
    sex: int = SEX_UNKNOWN
    names: tuple[NameForm, ...] = ()
    # The forms the person gave of their own name (remembered, typed in pinyin): the
    # current name is often the buyers' and agrees with a family's name only by chance.
    own_names: tuple[NameForm, ...] = ()
    remembered: str = ""  # the remembered name, simplified (often a 小名)
    nick_core_keys: frozenset[str] = frozenset()
    birth: ages.BirthInterval = ages.UNKNOWN
    found_t: float = math.nan
    province: str = ""  # two digits
    division: str = ""  # 6-digit code when found in Chongqing and known
    city: str = ""  # place name core (万州区 → 万州)
    source: str = ""
    height_cm: float = math.nan
    marks: frozenset[tuple[str, str]] = frozenset()
    blood: int = 0
    parent_keys: frozenset[str] = frozenset()
    parent_relation: str = ""  # father / mother / ""
    landmarks: frozenset[str] = frozenset()
    accent: int = 0
    raw: Mapping[str, str] = field(default_factory=dict, compare=False, repr=False)


def _get(fields: Mapping[str, str], name: str) -> str:
    value = fields.get(name)
    return "" if value is None else str(value).strip()


def _date(fields: Mapping[str, str], name: str, *, lunar: bool = False) -> ages.PartialDate | None:
    try:
        return ages.parse_date(_get(fields, name), lunar=lunar)
    except ValueError as error:
        raise FieldError(name, "expected YYYY, YYYY-MM or YYYY-MM-DD") from error


def _float(fields: Mapping[str, str], name: str) -> float | None:
    value = _get(fields, name)
    if not value:
        return None
    try:
        number = float(value.replace("岁", "").replace("cm", "").strip())
    except ValueError as error:
        raise FieldError(name, f"expected a number, got {value!r}") from error
    if not math.isfinite(number) or number < 0 or number > 300:
        raise FieldError(name, f"out of range: {value!r}")
    return number


def place_core(name: str) -> str:
    """万州区 → 万州, 石柱土家族自治县 → 石柱, 福州市 → 福州."""
    value = text.hanzi_only(text.simplified(name))
    for suffix in (
        "土家族苗族自治县",
        "土家族自治县",
        "苗族土家族自治县",
        "自治县",
        "新区",
        "区",
        "县",
        "市",
    ):
        if value.endswith(suffix) and len(value) > len(suffix) + 1:
            return value[: -len(suffix)]
    return value


def _parent_keys(name: str) -> frozenset[str]:
    hanzi = text.hanzi_only(text.simplified(name))
    if hanzi.startswith("姓") and 2 <= len(hanzi) <= 3:
        # "姓王" (a surname remembered as such), not a person surnamed 姓.
        name = hanzi[1:]
    form = name_form(name)
    if form is None:
        return frozenset()
    if form.surname_keys:
        return form.surname_keys
    # A remembered surname alone ("姓王", "王") is one character.
    hanzi = text.hanzi_only(text.simplified(name)).removeprefix("姓")
    return text.surname_keys(hanzi[:1]) if hanzi else frozenset()


def report_from_fields(fields: Mapping[str, str]) -> Report:
    """A :class:`Report` from the columns of REPORTS.csv (see :data:`REPORT_COLUMNS`)."""
    report_id = _get(fields, "report_id")
    if not report_id:
        raise FieldError("report_id", "missing")
    missing = _date(fields, "missing_date")
    report_date = _date(fields, "report_date")
    reference = missing or report_date
    calendar = _get(fields, "birth_calendar")
    lunar = calendar in {"农历", "阴历", "lunar", "旧历"}
    if calendar and calendar not in {"公历", "阳历", "solar", "农历", "阴历", "lunar", "旧历"}:
        raise FieldError("birth_calendar", "expected 公历 or 农历")
    birth = ages.UNKNOWN
    birth_date = _date(fields, "birth_date", lunar=lunar)
    birth_year_text = _get(fields, "birth_year")
    stated = ages.parse_age_stated(_get(fields, "age_stated"))
    if _get(fields, "age_stated") and stated is None:
        raise FieldError("age_stated", "expected an age like 虚岁5 or 4岁")
    if birth_date is not None:
        birth = ages.birth_from_date(birth_date, lunar=lunar)
    elif birth_year_text:
        try:
            year = int(float(birth_year_text))
        except ValueError as error:
            raise FieldError("birth_year", "expected a year") from error
        birth = ages.birth_from_date(ages.PartialDate(year), lunar=lunar)
    if stated is not None and reference is not None:
        from_age = ages.birth_from_stated_age(stated[0], xusui=stated[1], at=reference)
        if not birth.known:
            birth = from_age
        elif from_age.high >= birth.low and from_age.low <= birth.high:
            # Both given and consistent: keep their intersection.
            birth = ages.BirthInterval(max(birth.low, from_age.low), min(birth.high, from_age.high))
    name = name_form(_get(fields, "name"))
    nickname = text.hanzi_only(text.simplified(_get(fields, "nickname")))
    height_text = _get(fields, "height_band_cm")
    father = _get(fields, "father_name")
    mother = _get(fields, "mother_name")
    # What the family says of home, not where the child was lost (场镇上, 学校门口): the
    # place of the loss is not what a child remembers of home, and read as a landmark
    # it agreed by chance with many found persons' memories.
    home = _get(fields, "home_features")
    return Report(
        id=report_id,
        sex=sex_code(_get(fields, "sex")),
        name=name,
        nickname=nickname,
        nick_core_keys=_nick_core_keys(nickname),
        birth=birth,
        missing_t=ages.year_fraction(missing) if missing else math.nan,
        missing_tol=0.08 + (missing.half_width_years if missing else 0.0),
        district="".join(ch for ch in _get(fields, "district_code") if ch.isdigit()),
        district_name=place_core(_get(fields, "district_name")),
        township=_get(fields, "township_code"),
        home_keys=features.parse_landmarks(home),
        height_band=features.height_band(height_text),
        marks=features.parse_marks(_get(fields, "marks")),
        blood=features.blood_code(_get(fields, "blood_type")),
        father_keys=_parent_keys(father),
        mother_keys=_parent_keys(mother),
        report_t=ages.year_fraction(report_date) if report_date else math.nan,
        raw=dict(fields),
    )


def found_from_fields(fields: Mapping[str, str]) -> Found:
    """A :class:`Found` from the columns of FOUND.csv (see :data:`FOUND_COLUMNS`)."""
    found_id = _get(fields, "found_id")
    if not found_id:
        raise FieldError("found_id", "missing")
    found = _date(fields, "found_date")
    stated_birth = _date(fields, "stated_birth_date")
    low = _float(fields, "est_age_low")
    high = _float(fields, "est_age_high")
    birth = ages.UNKNOWN
    if stated_birth is not None:
        birth = ages.birth_from_date(stated_birth)
        # A self-stated birth date may be the adoptive family's invention: widen it.
        if _get(fields, "record_source") in {"self_search", "自主寻亲", "registration", "adoption"}:
            birth = ages.BirthInterval(
                birth.low - STATED_BIRTH_SLACK_YEARS,
                birth.high + STATED_BIRTH_SLACK_YEARS,
                math.sqrt(STATED_BIRTH_SD_YEARS**2 + birth.spread**2),
            )
    if (low is not None or high is not None) and found is not None:
        estimate = ages.birth_from_estimate(low, high, method=_get(fields, "age_method"), at=found)
        if not birth.known:
            birth = estimate
    names: list[NameForm] = []
    own: list[NameForm] = []
    for column in ("name", "name_remembered", "name_pinyin"):
        form = name_form(_get(fields, column))
        if form is not None and form not in names:
            names.append(form)
        if form is not None and column != "name" and form not in own:
            own.append(form)
    remembered = text.hanzi_only(text.simplified(_get(fields, "name_remembered")))
    province = features.province_code(
        _get(fields, "found_province_code"), _get(fields, "found_province")
    )
    code = "".join(ch for ch in _get(fields, "found_province_code") if ch.isdigit())
    relation = _get(fields, "parent_relation")
    relation = (
        "father"
        if relation in {"父", "父亲", "爸爸", "father"}
        else "mother"
        if relation in {"母", "母亲", "妈妈", "mother"}
        else ""
    )
    height = _float(fields, "height_cm")
    return Found(
        id=found_id,
        sex=sex_code(_get(fields, "sex")),
        names=tuple(names),
        own_names=tuple(own),
        remembered=remembered,
        nick_core_keys=_nick_core_keys(remembered),
        birth=birth,
        found_t=ages.year_fraction(found) if found else math.nan,
        province=province,
        division=code if len(code) == 6 and code.startswith("50") else "",
        city=place_core(_get(fields, "found_city")),
        source=_get(fields, "record_source"),
        height_cm=height if height is not None else math.nan,
        marks=features.parse_marks(_get(fields, "marks")),
        blood=features.blood_code(_get(fields, "blood_type")),
        parent_keys=_parent_keys(_get(fields, "parent_surname_remembered")),
        parent_relation=relation,
        landmarks=features.parse_landmarks(_get(fields, "landmarks_remembered")),
        accent=features.accent_class(_get(fields, "accent")),
        raw=dict(fields),
    )
