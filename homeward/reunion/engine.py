"""The seam to the linkage engine (homeward.linkage): model rows → engine records, the
found-person index, and the words for each field's contribution.

The engine takes plain string fields (the columns of its CSV files); this module is the
only place that knows which model field feeds which column. A found person's names and
sex come from its source record (the victim's, the found child's or the checked
child's registry person, or the self-searcher's registration); the link record adds
what the source lacks.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.db.models import Count, Max, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from homeward.linkage import io as linkage_io
from homeward.linkage.comparisons import COMPARISONS
from homeward.linkage.index import FoundIndex
from homeward.linkage.model import ENGINE_VERSION, Model
from homeward.linkage.records import (
    FieldError,
    Found,
    Report,
    found_from_fields,
    report_from_fields,
)
from homeward.reunion.models import FoundPerson, SearchRegistration, Sex

SEX_WORD: dict[str, str] = {Sex.MALE: "男", Sex.FEMALE: "女", Sex.UNKNOWN: ""}
PERSON_SEX_WORD = {"male": "男", "female": "女"}

# Engine column → the form field that holds it (to name the field of a bad value).
REPORT_FIELD_OF_COLUMN = {
    "birth_date": "birth_date",
    "missing_date": "missing_date",
    "report_date": "report_date",
    "age_stated": "age_stated",
    "sex": "sex",
    "birth_calendar": "birth_calendar",
    "height_band_cm": "height_band",
}
FOUND_FIELD_OF_COLUMN = {
    "est_age_low": "est_age_low",
    "est_age_high": "est_age_high",
    "height_cm": "height_cm",
    "found_date": "age_estimated_on",
    "stated_birth_date": "birth_date",
}


DATE_COLUMNS = frozenset(
    {"birth_date", "missing_date", "report_date", "found_date", "stated_birth_date"}
)
NUMBER_COLUMNS = frozenset({"height_band_cm", "height_cm", "est_age_low", "est_age_high"})


def field_error_message(error: FieldError) -> str:
    """The engine's complaint about a value, in the user's language (the engine speaks
    English and names only its column)."""
    if error.field in DATE_COLUMNS:
        return str(
            _("This date cannot be read: write it as YYYY, YYYY-MM or YYYY-MM-DD (1998-05).")
        )
    if error.field in NUMBER_COLUMNS:
        return str(_("This value cannot be read: write a number."))
    if error.field == "sex":
        return str(_("Choose the sex."))
    if error.field == "birth_calendar":
        return str(_("Choose the calendar."))
    if error.field == "age_stated":
        return str(_("Give the age in years."))
    return str(_("This value cannot be read."))


def _text(value: object) -> str:
    return "" if value is None else str(value)


def report_fields(search: SearchRegistration) -> dict[str, str]:
    """The engine's REPORTS.csv columns of a family search."""
    age = ""
    if search.age_stated is not None:
        prefix = "虚岁" if search.age_kind == SearchRegistration.AgeKind.NOMINAL else "周岁"
        age = f"{prefix}{search.age_stated}"
    names = [search.name, *_split_names(search.other_names)]
    return {
        "report_id": str(search.pk),
        "name": names[0] or (names[1] if len(names) > 1 else ""),
        "nickname": search.nickname,
        "sex": SEX_WORD.get(search.sex, ""),
        "birth_date": search.birth_date,
        "birth_year": "",
        "birth_calendar": "农历"
        if search.birth_calendar == SearchRegistration.Calendar.LUNAR
        else "公历",
        "age_stated": age,
        "missing_date": search.missing_date,
        "district_code": search.division.code,
        "district_name": search.division.name_zh,
        "township_code": search.township.code if search.township else "",
        "township_name": search.township.name_zh if search.township else "",
        "missing_place": search.missing_place,
        "home_features": search.home_features,
        "height_band_cm": search.height_band,
        "marks": search.marks,
        "blood_type": search.blood_type,
        "father_name": search.father_name,
        "mother_name": search.mother_name,
        "report_date": search.report_date.isoformat() if search.report_date else "",
    }


def _split_names(text: str) -> list[str]:
    for sep in ("，", "、", ";", "；", "\n"):
        text = text.replace(sep, ",")
    return [part.strip() for part in text.split(",") if part.strip()]


@dataclass(frozen=True)
class SourceFacts:
    """What a found person's source record says: names, sex, a stated birth date, the
    date and place of finding."""

    names: tuple[str, ...]
    sex: str
    birth_date: str
    found_date: str
    province: str
    province_code: str
    city: str
    remembered: str = ""
    marks: str = ""
    blood_type: str = ""
    landmarks: str = ""


def source_facts(found: FoundPerson) -> SourceFacts:
    if found.source == FoundPerson.Source.SELF_SEARCH and found.self_search is not None:
        search = found.self_search
        names = tuple(n for n in (search.name, *_split_names(search.other_names)) if n)
        return SourceFacts(
            names=names,
            sex=SEX_WORD.get(search.sex, ""),
            birth_date=search.birth_date,
            found_date=search.report_date.isoformat(),
            province=found.found_province,
            province_code="",
            city=found.found_city,
            remembered=search.nickname,
            marks=search.marks,
            blood_type=search.blood_type,
            landmarks=search.home_features,
        )
    person: Any = None
    found_on = None
    if found.source == FoundPerson.Source.VICTIM and found.victim is not None:
        person = found.victim.person
        found_on = timezone.localdate(found.victim.rescued_at)
    elif found.source == FoundPerson.Source.FOUND_CHILD and found.found_child is not None:
        person = found.found_child.person
        found_on = timezone.localdate(found.found_child.found_at)
    elif found.registration_check is not None:
        person = found.registration_check.child
        found_on = timezone.localdate(found.registration_check.recorded_at)
    name = person.full_name if person is not None else ""
    # A registry placeholder (无名氏, 不详 …) is no name.
    if any(word in name for word in ("无名", "不详", "未知", "待查")):
        name = ""
    dob = person.date_of_birth.isoformat() if person is not None and person.date_of_birth else ""
    return SourceFacts(
        names=(name,) if name else (),
        sex=PERSON_SEX_WORD.get(person.sex, "") if person is not None else "",
        birth_date=dob,
        found_date=found_on.isoformat() if found_on else "",
        province=found.found_province or "重庆",
        province_code="" if found.found_province else found.division.code,
        city=found.found_city or found.division.name_zh,
    )


def found_fields(found: FoundPerson) -> dict[str, str]:
    """The engine's FOUND.csv columns of a found person."""
    facts = source_facts(found)
    names = list(facts.names)
    estimated = found.est_age_low is not None or found.est_age_high is not None
    found_date = facts.found_date
    if estimated and found.age_estimated_on is not None:
        # The estimate is of the age on the day it was made.
        found_date = found.age_estimated_on.isoformat()
    return {
        "found_id": str(found.pk),
        "name": names[0] if names else "",
        "name_remembered": found.name_remembered or facts.remembered,
        "name_pinyin": names[1] if len(names) > 1 else "",
        "sex": facts.sex,
        "est_age_low": _text(found.est_age_low),
        "est_age_high": _text(found.est_age_high),
        "age_method": found.age_method,
        "stated_birth_date": facts.birth_date,
        "found_date": found_date,
        "found_province_code": facts.province_code,
        "found_province": facts.province,
        "found_city": facts.city,
        "record_source": found.source,
        "height_cm": _text(found.height_cm),
        "marks": found.marks or facts.marks,
        "blood_type": found.blood_type or facts.blood_type,
        "parent_surname_remembered": found.parent_surname_remembered,
        "parent_relation": found.parent_relation,
        "landmarks_remembered": found.landmarks_remembered or facts.landmarks,
        "accent": found.accent,
    }


def report_record(search: SearchRegistration) -> Report:
    return report_from_fields(report_fields(search))


def found_record(found: FoundPerson) -> Found:
    return found_from_fields(found_fields(found))


def matchable_found() -> QuerySet[FoundPerson]:
    """Found persons the engine searches: open, and a self-search only once verified."""
    return (
        FoundPerson.objects.filter(status=FoundPerson.Status.OPEN)
        .filter(
            ~Q(source=FoundPerson.Source.SELF_SEARCH)
            | Q(self_search__status=SearchRegistration.Status.VERIFIED)
        )
        .select_related(
            "division",
            "self_search",
            "victim__person",
            "found_child__person",
            "registration_check__child",
        )
    )


@lru_cache(maxsize=1)
def model() -> Model:
    """The bundled, trained model (its provenance names the data it was tuned on)."""
    return linkage_io.read_bundled_model()


# The versioned records a found person's engine fields are read from (source_facts).
SOURCE_VERSION_PATHS = (
    "self_search",
    "victim__person",
    "found_child__person",
    "registration_check__child",
)

_cached: tuple[tuple[Any, ...], float, FoundIndex] | None = None
_cache_lock = threading.Lock()


def matchable_index() -> FoundIndex:
    """The index of every matchable found person, kept in this process while neither the
    table nor the records it reads have changed, and for at most
    ``REUNION_INDEX_CACHE_SECONDS``; 0 rebuilds from the database each time.

    "Changed" is read from the count, the highest id, the newest registration and the
    sums of record versions: of the found persons (a correction, a verification, a
    match), of their source records (a self-search's details) and
    of the persons those hold (a name, a sex or a date of birth corrected in the person
    register: each write service there bumps its ``version``). Building reads and
    decrypts every found person, so a tick or a burst of verifications does it once
    rather than once a search."""
    global _cached
    found = matchable_found()
    stamp = found.aggregate(
        n=Count("pk"),
        last=Max("pk"),
        newest=Max("registered_at"),
        versions=Sum("version"),
        **{f"v_{path}": Sum(f"{path}__version") for path in SOURCE_VERSION_PATHS},
    )
    key = tuple(stamp[name] for name in sorted(stamp))
    ttl = float(settings.REUNION_INDEX_CACHE_SECONDS)
    with _cache_lock:
        now = time.monotonic()
        if ttl > 0 and _cached is not None and _cached[0] == key and now - _cached[1] < ttl:
            return _cached[2]
        index = build_index(found)
        _cached = (key, now, index) if ttl > 0 else None
        return index


def build_index(found: Iterable[FoundPerson]) -> FoundIndex:
    records = []
    for person in found:
        try:
            records.append(found_record(person))
        except FieldError:
            # Stored values are checked when written; a row that still cannot be read
            # (an older release's value) is left out rather than stopping every search.
            continue
    return FoundIndex.build(records, model())


ENGINE = f"linkage {ENGINE_VERSION}"


# --- Words for the waterfall ---------------------------------------------------------------

FIELD_LABELS: Mapping[str, Promise] = {
    "name": _("Name and nickname"),
    "parent": _("Parent's surname"),
    "sex": _("Sex"),
    "age": _("Age"),
    "time": _("Time of loss and finding"),
    "place": _("Place"),
    "accent": _("Accent"),
    "marks": _("Marks"),
    "blood": _("Blood type"),
    "height": _("Height"),
    "landmarks": _("Landmarks near home"),
    "dna": _("DNA comparison"),
}

LEVEL_LABELS: Mapping[tuple[str, str], Promise] = {
    ("name", "exact"): _("same full name"),
    ("name", "given_exact"): _("same given name under another surname"),
    ("name", "pinyin_full"): _("full name reads the same (dialect or another reading)"),
    ("name", "nickname_exact"): _("same nickname"),
    ("name", "given_pinyin"): _("given name reads the same"),
    ("name", "nickname_core"): _("nickname shares its core"),
    ("name", "surname_and_partial"): _("same surname and one given-name character"),
    ("name", "partial"): _("one given-name character in common"),
    ("name", "surname_only"): _("same surname only"),
    ("name", "different"): _("names differ"),
    ("name", "remembered_different"): _("remembers a name or nickname that matches nothing"),
    ("name", "nickname_core_current"): _(
        "nickname's core appears only in the current name (often given by others)"
    ),
    ("parent", "agree"): _("a parent's surname remembered matches"),
    ("parent", "different"): _("the parent's surname differs"),
    ("sex", "agree"): _("same sex"),
    ("sex", "different"): _("different sex"),
    ("age", "tight"): _("ages agree closely"),
    ("age", "close_centred"): _("ages agree"),
    ("age", "close"): _("ages overlap"),
    ("age", "wide_centred"): _("wide age ranges agree"),
    ("age", "wide"): _("wide age ranges overlap"),
    ("age", "near"): _("ages differ somewhat"),
    ("age", "far"): _("ages differ"),
    ("time", "within_month"): _("found within a month of the loss"),
    ("time", "within_year"): _("found within a year of the loss"),
    ("time", "soon"): _("found within three years of the loss"),
    ("time", "later"): _("found three to fifteen years after the loss"),
    ("time", "decades"): _("found more than fifteen years after the loss"),
    ("time", "slightly_before"): _("found shortly before the stated loss (a date may be off)"),
    ("time", "before"): _("found before the loss"),
    ("place", "same_district"): _("found in the district of the loss"),
    ("place", "chongqing"): _("found elsewhere in Chongqing"),
    ("place", "neighbour"): _("found in a neighbouring province"),
    ("place", "elsewhere"): _("found in a distant province"),
    ("accent", "chongqing"): _("speaks with a Chongqing accent"),
    ("accent", "southwest"): _("speaks south-western Mandarin"),
    ("accent", "other"): _("another accent"),
    ("marks", "same_place"): _("a mark of the same kind at the same place"),
    ("marks", "compatible_place"): _("a mark of the same kind at a nearby place"),
    ("marks", "other_place"): _("a mark of the same kind elsewhere"),
    ("marks", "none_shared"): _("no mark in common"),
    ("marks", "found_unmarked"): _("marks reported, none recorded on the found person"),
    ("marks", "report_unmarked"): _("marks on the found person, none in the report"),
    ("marks", "none_shared_acquired"): _(
        "no mark in common; the found person's marks are scars that may be newer"
    ),
    ("marks", "report_unmarked_acquired"): _(
        "only scars on the found person, none in the report (they may be newer)"
    ),
    ("blood", "agree"): _("same blood type"),
    ("blood", "different"): _("different blood type"),
    ("height", "consistent"): _("height fits"),
    ("height", "inconsistent"): _("height does not fit"),
    ("landmarks", "several"): _("several landmarks near home in common"),
    ("landmarks", "one"): _("a landmark near home in common"),
    ("landmarks", "none"): _("no landmark in common"),
    ("landmarks", "one_among_others"): _(
        "one landmark in common, several others remembered that the family does not name"
    ),
    ("landmarks", "none_of_several"): _("several landmarks remembered, none in common"),
}


def contributions_json(levels: Iterable[int], bits: Iterable[float]) -> list[dict[str, Any]]:
    """[{"field", "level", "bits"}] for every comparison that said something."""
    out: list[dict[str, Any]] = []
    for comparison, level, value in zip(COMPARISONS, levels, bits, strict=True):
        if level == 0:
            continue
        out.append(
            {
                "field": comparison.name,
                "level": comparison.levels[level],
                "bits": round(float(value), 3),
            }
        )
    return out


def field_label(name: str) -> str:
    return str(FIELD_LABELS.get(name, name))


def level_label(name: str, level: str) -> str:
    return str(LEVEL_LABELS.get((name, level), level))
