"""Demo finding-relatives work in 渝中区 (issue 14): a family that lost a boy at a market
in 1998 registered at the police station, and a man who registered a self-search in
2026 from 福建, remembering only the 小名 幺娃, a river near home and a birthmark on his
left shoulder. Both are verified, so the search page shows him as a candidate."""

from __future__ import annotations

from datetime import date

from django.db import transaction

from homeward.core.models import Division, User
from homeward.reunion.models import SearchRegistration

DISTRICT = "500103"


@transaction.atomic
def seed_reunion() -> int:
    from homeward.reunion.services import search_register, search_verify

    if SearchRegistration.objects.exists():
        return 0
    division = Division.objects.get(code=DISTRICT)
    police = User.objects.get(username="demo.investigator")
    family = search_register(
        actor=police,
        kind="family",
        division=division,
        name="王小强（演示）",
        nickname="幺娃",
        sex="male",
        birth_date="1994-03",
        age_stated=4,
        age_kind="full",
        missing_date="1998-05",
        missing_place="解放碑附近的菜市场",
        home_features="家门口有条小河，河边有棵黄葛树",
        marks="左肩膀有块胎记",
        father_name="王建国",
        mother_name="李秀英",
        contact_name="李秀英",
        contact_phone="13800000000",
    )
    searcher = search_register(
        actor=police,
        kind="self",
        division=division,
        name="陈志远（演示）",
        nickname="幺娃",
        sex="male",
        marks="左肩有胎记",
        report_date=date(2026, 3, 2),
        found_details={
            "est_age_low": 30,
            "est_age_high": 34,
            "age_method": "bone",
            "age_estimated_on": date(2026, 3, 2),
            "found_province": "福建",
            "found_city": "莆田市",
            "landmarks_remembered": "小时候家门口有一条河",
            "accent": "福建口音",
        },
    )
    for search in (searcher, family):
        search_verify(actor=police, search=search, version=search.version)
    return 2
