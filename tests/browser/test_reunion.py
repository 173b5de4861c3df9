"""Finding relatives, the "Done when" of issue 14, in Chromium on a desktop and a phone.

A family registers a search on the public site for a boy lost in 1998 and keeps the
tracking code; the police sign in (with their second factor), verify it and so ask the
family for blood; a man living in another province registered a self-search in 2026
remembering only the 小名 "幺娃" and a river near home, with a doctor's bone-age estimate
and a birthmark on the left shoulder; he appears in the search's list as 很可能 with the
reasons in Chinese; the police request a DNA comparison, the kinship engine (typed
profiles of the parents and of the man) supports it, and confirming links the search,
the found person and the way home: the police record the day the family met again, and
the family's status page says so.

Every page is checked by :mod:`tests.browser.walk` (no server error, no English, nothing
wider than the phone, errors beside their fields); screenshots are written to
var/screenshots/reunion-NN-<page>-<device>.png.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from homeward.core.models import Division, User
from homeward.core.roles import Role
from homeward.reunion.models import Candidate, FoundPerson, SearchRegistration
from homeward.testing.factories import TEST_PASSWORD
from tests.browser.test_roles import DEVICES, _otp_token, _user, browser  # noqa: F401
from tests.browser.walk import Walk, walking

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

YUZHONG = "500103"

# What the family writes on the public form (they lost him at four, in May 1998).
FAMILY_FORM = {
    "input[name=name]": "王小强",
    "input[name=nickname]": "幺娃",
    "input[name=birth_date]": "1994-03",
    "input[name=age_stated]": "4",
    "input[name=missing_date]": "1998-05",
    "input[name=missing_place]": "解放碑附近的菜市场",
    "textarea[name=home_features]": "家门口有条小河，河边有棵黄葛树",
    "textarea[name=marks]": "左肩膀有块胎记",
    "input[name=father_name]": "王建国",
    "input[name=mother_name]": "李秀英",
    "input[name=contact_name]": "李秀英",
    "input[name=contact_phone]": "13800000000",
}


def _self_search(police: User, name: str) -> SearchRegistration:
    """The man registered at a police station in March 2026: he lives in 福建 and
    remembers only his 小名 and a river; a doctor estimated his age from an X-ray."""
    from homeward.reunion.services import search_register

    return search_register(
        actor=police,
        kind="self",
        division=Division.objects.get(code=YUZHONG),
        name=name,
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


def _import_typed_profiles(analyst: User, families: int) -> None:
    """The DNA unit imports typed parents (FAM0000 …) and children (C0000 …)."""
    from homeward.dna.tests.test_dna_module import _import_population, _population

    _import_population(analyst, _population(n=families, unrelated=1))


def _sampled(analyst: User, search: SearchRegistration, man: SearchRegistration, n: int) -> None:
    """The family's blood is typed as reference family FAM000n, the man's as C000n — his
    true parents' child in the simulated population — and linked to his registry record."""
    from homeward.dna.models import ReferenceFamily, Specimen
    from homeward.dna.services import family_link_missing_child, specimen_link_person

    search.refresh_from_db()
    man.refresh_from_db()
    family_link_missing_child(
        actor=analyst,
        family=ReferenceFamily.objects.get(code=f"FAM{n:04d}"),
        person_id=search.person_id,
        purpose=f"寻亲 {search.tracking_code}",
    )
    specimen_link_person(
        actor=analyst,
        specimen=Specimen.objects.get(specimen_id=f"C{n:04d}"),
        person_id=man.person_id,
        purpose="寻亲比对",
    )


def _tick_and_submit(walk: Walk, form: str, button: str) -> None:
    page = walk.page
    page.check(f"{form} input[name=confirm]")
    with page.expect_navigation():
        page.click(button)


def _family_registers(chromium: Any, url: str, device: str, shots: int) -> tuple[str, str]:
    with walking(chromium, url, "reunion", device, "", "", flat=True, shots=shots) as family:
        page = family.page
        family.go("/public/reunion/", "public-form")
        # One bad input first: a month that does not exist is refused beside its field.
        page.select_option("select[name=division]", label=_district_label(YUZHONG))
        page.select_option("select[name=sex]", "male")
        for selector, value in FAMILY_FORM.items():
            page.fill(selector, value)
        family.submit_bad("form.form", "public-bad-month", {"input[name=missing_date]": "1998-13"})
        assert page.locator(".field:has(input[name=missing_date]) .errorlist").count() == 1
        page.fill("input[name=missing_date]", "1998-05")
        with page.expect_navigation():
            page.click("form.form button[type=submit]")
        code = page.inner_text("[data-testid=tracking-code]").strip()
        secret = page.inner_text("[data-testid=secret]").strip()
        assert code.startswith("XQ") and secret
        family.allowed.update({code, secret})
        family.check("public-received")
    return code, secret


def _district_label(code: str) -> str:
    division = Division.objects.get(code=code)
    return str(division)


def _family_checks(chromium: Any, url: str, device: str, code: str, secret: str, shots: int) -> str:
    with walking(chromium, url, "reunion", device, "", "", flat=True, shots=shots) as family:
        family.allowed.update({code, secret})
        page = family.page
        family.go("/public/reunion/status/", "public-status-form")
        page.fill("input[name=tracking_code]", code)
        page.fill("input[name=secret]", secret)
        with page.expect_navigation():
            page.click("form.form button[type=submit]")
        family.check("public-status-found")
        stage = page.inner_text("[data-testid=family-stage]")
        # The family never sees the candidate: neither his name nor where he lives.
        body = page.inner_text("main")
        assert "福建" not in body and "很可能" not in body
        return stage


def _story(chromium: Any, live_server: Any, device: str, n: int, police: User, dna: User) -> None:
    base = 0 if device == "desktop" else 20
    man = _self_search(police, name=f"陈志{'远' if n == 0 else '明'}")
    code, secret = _family_registers(chromium, live_server.url, device, base)
    search = SearchRegistration.objects.get(tracking_code=code)
    assert search.channel == SearchRegistration.Channel.PUBLIC
    assert search.status == SearchRegistration.Status.SUBMITTED

    with walking(
        chromium,
        live_server.url,
        "reunion",
        device,
        police.username,
        TEST_PASSWORD,
        otp=lambda: _otp_token(police),
        flat=True,
        shots=base + 3,
    ) as walk:
        walk.allowed.update({code, man.tracking_code})
        page = walk.page
        walk.menu_shows("寻亲")
        # The man's self-search is verified (he enters the registry, asked for blood) …
        walk.go(f"/reunion/{man.pk}/", "self-search")
        _tick_and_submit(walk, "form.form", "[data-testid=verify]")
        # … and the family's: a search without the box ticked is refused first.
        walk.go("/reunion/?status=submitted", "searches-submitted")
        page.click(f"a:has-text('{code}')")
        walk.check("family-search-submitted")
        # (The browser's own check is lifted so that the server's answer is seen.)
        page.eval_on_selector("form.form input[name=confirm]", "el => el.required = false")
        walk.submit_bad("form.form", "verify-without-the-box")
        assert "勾选" in page.inner_text(".messages")
        _tick_and_submit(walk, "form.form", "[data-testid=verify]")
        walk.check("family-search-verified")
        assert "已核实" in page.inner_text("[data-testid=search-status]")
        search.refresh_from_db()
        assert search.dna_request is not None  # the family is asked to give blood
        assert search.dna_request.source == "family_search"

        # On the second run the first family's registration (the same boy, found by
        # now) is suggested as a possible duplicate: a suggestion, nothing merged.
        assert page.locator("[data-testid=duplicate]").count() == n
        # The man is the search's candidate, 很可能, with the reasons in Chinese.
        candidates = page.locator("[data-testid=candidate]")
        assert candidates.count() >= 1
        first = candidates.first
        assert first.locator("[data-testid=band]").inner_text().strip() == "很可能"
        first.locator("summary").click()
        reasons = first.locator(".waterfall").inner_text()
        for reason in ("小名相同", "同一部位有同类体表特征"):
            assert reason in reasons, reasons
        walk.check("candidates")
        candidate = Candidate.objects.get(search=search, rank=1)
        assert candidate.found.self_search_id == man.pk

        # The DNA unit types the family's blood and the man's.
        _sampled(dna, search, man, n)

        first.locator("h3 a").click()
        walk.check("candidate")
        _tick_and_submit(walk, "form.form", "[data-testid=request-dna]")
        walk.check("dna-compared")
        result = page.inner_text("[data-testid=dna-result]")
        assert "支持" in result, result
        candidate.refresh_from_db()
        assert candidate.dna_decision == "SUPPORTS"
        assert candidate.combined_posterior is not None and candidate.combined_posterior > 0.999
        # The page says that only DNA confirms, and the DNA laboratory's own search of
        # the man (started with the comparison) put this family up for its review.
        assert "只有DNA能确认" in page.inner_text("[data-testid=only-dna]")
        assert "比中待复核" in page.inner_text("[data-testid=dna-module-review]")

        page.fill("input[name=note]", "DNA比中，亲生父母")
        _tick_and_submit(walk, "form.form", "[data-testid=confirm]")
        walk.check("confirmed")
        assert page.inner_text("[data-testid=candidate-state]").strip() == "DNA确认"
        # The way home of a self-searcher: the police record the day the family met.
        page.fill("input[name=reunited_on]", "2099-01-01")
        page.check("form.form input[name=confirm]")
        walk.submit_bad("form.form", "reunion-in-the-future")
        assert page.locator(".field:has(input[name=reunited_on]) .errorlist").count() == 1
        page.fill("input[name=reunited_on]", timezone.localdate().isoformat())
        page.fill("textarea[name=note]", "在渝中区公安分局认亲")
        _tick_and_submit(walk, "form.form", "[data-testid=reunite]")
        walk.check("reunited")
        assert "团聚" in page.inner_text("[data-testid=reunited]")
        walk.go(f"/reunion/{search.pk}/", "family-search-matched")
        assert "已找到亲人" in page.inner_text("[data-testid=search-status]")

    search.refresh_from_db()
    man.refresh_from_db()
    found = FoundPerson.objects.get(self_search=man)
    assert search.status == SearchRegistration.Status.MATCHED
    assert man.status == SearchRegistration.Status.MATCHED
    assert found.status == FoundPerson.Status.MATCHED
    assert Candidate.objects.get(search=search, state=Candidate.State.CONFIRMED).found == found

    stage = _family_checks(chromium, live_server.url, device, code, secret, base + 17)
    assert "团聚" in stage, stage


def test_a_family_finds_the_boy_lost_in_1998(
    browser: Any,  # noqa: F811
    live_server: Any,
    settings: Any,
    tmp_path: Path,
    make_user: Callable[..., User],
) -> None:
    settings.DNA_INDEX_DIR = tmp_path / "dna-index"
    # The public forms count submissions per address in the cache; the route walk, run
    # before this test in the suite, posts junk to them from the same 127.0.0.1.
    from django.core.cache import cache

    cache.clear()
    police = _user("reunion.police", f"{YUZHONG}-public_security", Role.INVESTIGATOR)
    dna = make_user(roles=[Role.DNA_ANALYST], agency_code="cq-public_security", username="dna")
    _import_typed_profiles(dna, families=len(DEVICES))
    for n, device in enumerate(DEVICES):
        _story(browser, live_server, device, n, police, dna)
