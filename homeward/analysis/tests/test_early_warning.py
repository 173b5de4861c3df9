"""The monthly early warning: a spike of forced-labour clues in one district is flagged
in its month, the warning reaches the offices and the district police, the job never
repeats a month and catches up missed ones; a key-region listing needs a person."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.test import Client

from homeward.analysis import services
from homeward.analysis.early_warning import early_warning_due, months_due
from homeward.analysis.models import Assessment, AssessmentRun, Warning, WarningNotice
from homeward.analysis.rollups import add_months
from homeward.coordination.models import RegionListing
from homeward.core.errors import DomainError
from homeward.core.models import AuditEvent, Division, User
from homeward.core.roles import Role
from homeward.tips.models import Tip

from .helpers import at, clues

pytestmark = pytest.mark.django_db

SPIKE_MONTH = date(2026, 10, 1)


def _history(division: Division, *, spike: int | None, seed: int = 7) -> None:
    """Four years of 1-4 forced-labour clues a month, then ``spike`` in October 2026."""
    rng = random.Random(seed)
    month = add_months(SPIKE_MONTH, -48)
    while month < SPIKE_MONTH:
        clues(division, month, rng.randint(1, 4), category=Tip.Category.FORCED_LABOUR)
        month = add_months(month, 1)
    if spike:
        clues(division, SPIKE_MONTH, spike, category=Tip.Category.FORCED_LABOUR)


@pytest.fixture
def office(make_user: Callable[..., User]) -> User:
    return make_user(
        roles=[Role.JOINT_CONFERENCE_OFFICER],
        agency_code="cq-joint_conference_office",
        username="office",
    )


def test_a_spike_is_flagged_in_its_month_and_sent_to_the_offices_and_police() -> None:
    # given
    wanzhou = Division.objects.get(code="500101")
    _history(wanzhou, spike=20)
    _history(Division.objects.get(code="500103"), spike=None, seed=8)
    # when the tick runs in November
    with time_machine.travel(at(date(2026, 11, 3))):
        raised = early_warning_due()
    # then October in 万州区 is a warning, for forced-labour clues and their total
    warnings = Warning.objects.filter(month=SPIKE_MONTH)
    assert raised == warnings.count() >= 1
    assert {w.division.code for w in warnings} == {"500101"}
    flagged = warnings.get(figure="clues_received", category="forced_labour")
    assert flagged.assessment.observed == 20
    assert flagged.assessment.threshold < 20
    recipients = set(
        WarningNotice.objects.filter(warning=flagged).values_list("agency__code", flat=True)
    )
    assert recipients == {
        "cq-joint_conference_office",
        "500101-joint_conference_office",
        "500101-public_security",
    }
    assert AuditEvent.objects.filter(action="analysis_warning_raise").count() == raised
    # and the quiet district's month was assessed without an alarm
    quiet = Assessment.objects.get(
        month=SPIKE_MONTH,
        division__code="500103",
        figure="clues_received",
        category="forced_labour",
    )
    assert not quiet.alarm and quiet.expected > 0


def test_the_job_never_repeats_a_month_and_catches_up_missed_ones() -> None:
    wanzhou = Division.objects.get(code="500101")
    _history(wanzhou, spike=20)
    with time_machine.travel(at(date(2026, 11, 3))):
        early_warning_due()
        assessments = Assessment.objects.count()
        warnings = Warning.objects.count()
        assert early_warning_due() == 0
        assert Assessment.objects.count() == assessments
        assert Warning.objects.count() == warnings
    # the ticker was down through December and January: both months are assessed
    with time_machine.travel(at(date(2027, 2, 2))):
        assert months_due() == [date(2026, 11, 1), date(2026, 12, 1), date(2027, 1, 1)]
        early_warning_due()
        assert months_due() == []
    assert set(AssessmentRun.objects.values_list("month", flat=True)) >= {
        date(2026, 10, 1),
        date(2026, 11, 1),
        date(2026, 12, 1),
        date(2027, 1, 1),
    }


def test_a_history_too_short_for_a_season_is_not_assessed() -> None:
    wanzhou = Division.objects.get(code="500101")
    clues(wanzhou, date(2026, 8, 1), 1, category=Tip.Category.FORCED_LABOUR)
    clues(wanzhou, SPIKE_MONTH, 30, category=Tip.Category.FORCED_LABOUR)
    with time_machine.travel(at(date(2026, 11, 3))):
        assert early_warning_due() == 0
    assert not Assessment.objects.exists()


def test_the_municipal_office_lists_the_district_with_a_deadline_and_a_reason(
    office: User, make_user: Callable[..., User]
) -> None:
    wanzhou = Division.objects.get(code="500101")
    _history(wanzhou, spike=20)
    with time_machine.travel(at(date(2026, 11, 3))):
        early_warning_due()
        warning = Warning.objects.get(figure="clues_received", category="forced_labour")
        # a district's office may not list; a past deadline is a field error
        district = make_user(
            roles=[Role.DISTRICT_COORDINATOR], agency_code="500101-joint_conference_office"
        )
        with pytest.raises(DomainError) as refused:
            services.warning_list_region(
                actor=district,
                warning=warning,
                deadline=date(2026, 12, 31),
                reason="x",
                warning_text="",
            )
        assert refused.value.code == "not_municipal_office"
        with pytest.raises(ValidationError) as bad:
            services.warning_list_region(
                actor=office,
                warning=warning,
                deadline=date(2026, 10, 1),
                reason="突增",
                warning_text="",
            )
        assert "deadline" in bad.value.message_dict
        assert not RegionListing.objects.exists()
        # when the office confirms
        listed = services.warning_list_region(
            actor=office,
            warning=warning,
            deadline=date(2027, 1, 31),
            reason="强迫劳动招工线索突增",
            warning_text="10月强迫劳动线索20条，超过预警阈值",
        )
    # then
    assert listed.status == Warning.Status.LISTED
    assert listed.listing is not None and listed.listing.division == wanzhou
    assert listed.listing.deadline == date(2027, 1, 31)
    assert AuditEvent.objects.filter(action="analysis_warning_list").count() == 1
    assert AuditEvent.objects.filter(action="region_listing_create").count() == 1
    with pytest.raises(DomainError) as again:
        services.warning_list_region(
            actor=office, warning=listed, deadline=date(2027, 1, 31), reason="再次", warning_text=""
        )
    assert again.value.code == "already_decided"


# --- One warning a spike ------------------------------------------------------------------


def _continuing_spike(division: Division) -> None:
    """Four years of 1-4 forced-labour clues a month, then 20 in October 2026 and 18 in
    November: one spike over two months."""
    _history(division, spike=20)
    clues(division, add_months(SPIKE_MONTH, 1), 18, category=Tip.Category.FORCED_LABOUR)


def _notices() -> int:
    return WarningNotice.objects.count()


def test_a_spike_and_its_total_are_one_warning() -> None:
    wanzhou = Division.objects.get(code="500101")
    _history(wanzhou, spike=20)
    with time_machine.travel(at(date(2026, 11, 3))):
        raised = early_warning_due()
    # the forced-labour clues and the clues' total are both above their thresholds ...
    alarms = Assessment.objects.filter(month=SPIKE_MONTH, division=wanzhou, alarm=True)
    assert set(alarms.values_list("category", flat=True)) == {"forced_labour", ""}
    # ... and raise one warning, of the category, with the total attached to it
    assert raised == 1
    warning = Warning.objects.get()
    assert warning.category == "forced_labour" and not warning.continues
    total = alarms.get(category="")
    assert total.attached_to == warning
    assert _notices() == 3  # the municipal office, the district's office and its police
    assert AuditEvent.objects.filter(action="analysis_warning_raise").count() == 1
    assert AuditEvent.objects.filter(action="analysis_warning_continue").count() == 1


def test_a_spike_that_continues_stays_one_warning_and_notifies_once() -> None:
    wanzhou = Division.objects.get(code="500101")
    _continuing_spike(wanzhou)
    with time_machine.travel(at(date(2026, 11, 3))):
        assert early_warning_due() == 1
    notices = _notices()
    # the November tick runs twice; December assesses November
    with time_machine.travel(at(date(2026, 11, 3), hour=11)):
        assert early_warning_due() == 0
    with time_machine.travel(at(date(2026, 12, 2))):
        assert early_warning_due() == 0
        assert early_warning_due() == 0
    november = Assessment.objects.get(
        month=date(2026, 11, 1), division=wanzhou, figure="clues_received", category="forced_labour"
    )
    assert november.alarm  # the spike is still above the threshold ...
    warning = Warning.objects.get()
    assert november.attached_to == warning  # ... in the same warning
    assert warning.month == SPIKE_MONTH and warning.last_month == date(2026, 11, 1)
    assert warning.continues
    assert _notices() == notices  # nobody is notified again
    assert AssessmentRun.objects.get(month=date(2026, 11, 1)).warnings == 0


def test_a_continuing_spike_assessed_late_is_one_warning(
    office: User, client_for: Callable[[User], Client]
) -> None:
    wanzhou = Division.objects.get(code="500101")
    _continuing_spike(wanzhou)
    # the ticker was down in November: December assesses October and November at once
    with time_machine.travel(at(date(2026, 12, 2))):
        assert months_due()[-2:] == [SPIKE_MONTH, date(2026, 11, 1)]
        assert early_warning_due() == 1
        page = client_for(office).get(f"/analysis/warnings/{Warning.objects.get().pk}/")
        listing = client_for(office).get("/analysis/warnings/")
    warning = Warning.objects.get()
    assert warning.last_month == date(2026, 11, 1)
    assert _notices() == 3
    html = page.content.decode()
    assert 'data-testid="attached"' in html and "2026-10 – 2026-11" in html
    assert "2026-11" in html and "持续" in html
    assert 'data-testid="continues"' in listing.content.decode()


def test_a_spike_after_a_closed_warning_is_a_new_warning(office: User) -> None:
    wanzhou = Division.objects.get(code="500101")
    _continuing_spike(wanzhou)
    with time_machine.travel(at(date(2026, 11, 3))):
        early_warning_due()
        first = Warning.objects.get()
        services.warning_close(actor=office, warning=first, note="招聘会集中举报，已核实")
    with time_machine.travel(at(date(2026, 12, 2))):
        assert early_warning_due() == 1
    second = Warning.objects.exclude(pk=first.pk).get()
    assert second.month == date(2026, 11, 1) and second.category == "forced_labour"
    assert _notices() == 6


def test_a_listed_spike_continues_until_its_listing_is_lifted(office: User) -> None:
    wanzhou = Division.objects.get(code="500101")
    _continuing_spike(wanzhou)
    clues(wanzhou, add_months(SPIKE_MONTH, 2), 17, category=Tip.Category.FORCED_LABOUR)
    with time_machine.travel(at(date(2026, 11, 3))):
        early_warning_due()
        warning = services.warning_list_region(
            actor=office,
            warning=Warning.objects.get(),
            deadline=date(2027, 3, 31),
            reason="强迫劳动招工线索突增",
            warning_text="",
        )
    # November continues the listed warning
    with time_machine.travel(at(date(2026, 12, 2))):
        assert early_warning_due() == 0
    warning.refresh_from_db()
    assert warning.last_month == date(2026, 11, 1) and Warning.objects.count() == 1
    # the listing is lifted in December; December's count above the threshold is news
    with time_machine.travel(at(date(2026, 12, 20))):
        services.warning_listing_lift(actor=office, warning=warning)
    with time_machine.travel(at(date(2027, 1, 4))):
        assert early_warning_due() == 1
    new = Warning.objects.exclude(pk=warning.pk).get()
    assert new.month == date(2026, 12, 1) and new.status == Warning.Status.OPEN
