"""Case numbers: unique and gap-free per district and year, e.g. 渝中-2026-0001."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import pytest
import time_machine
from django.db import IntegrityError, transaction
from django.utils import timezone

from homeward.cases.models import Case, CaseNumberCounter
from homeward.cases.services import division_short_name
from homeward.core.errors import AuditWriteError
from homeward.core.models import Division, User

pytestmark = pytest.mark.django_db


def test_numbers_run_from_one_without_gaps(open_case: Callable[..., Case]) -> None:
    # when
    cases = [open_case(title=f"案件{n}") for n in range(12)]
    # then
    year = timezone.localdate().year
    assert [case.number for case in cases] == [f"渝中-{year}-{n:04d}" for n in range(1, 13)]
    assert CaseNumberCounter.objects.get(division__code="500103", year=year).last_sequence == 12


def test_each_district_counts_on_its_own(
    open_case: Callable[..., Case], municipal_investigator: User, municipal_deputy_head: User
) -> None:
    open_case()
    wanzhou = Division.objects.get(code="500101")
    other = open_case(actor=municipal_investigator, leader=municipal_deputy_head, division=wanzhou)
    assert other.sequence == 1
    assert other.number.startswith("万州-")


def test_a_new_year_starts_again_at_one(open_case: Callable[..., Case]) -> None:
    tz = timezone.get_current_timezone()
    with time_machine.travel(datetime(2030, 12, 31, 23, 0, tzinfo=tz), tick=False):
        last = open_case()
    with time_machine.travel(datetime(2031, 1, 1, 0, 30, tzinfo=tz), tick=False):
        first = open_case()
    assert (last.number, first.number) == ("渝中-2030-0001", "渝中-2031-0001")


def test_a_failed_opening_gives_its_number_back(
    open_case: Callable[..., Case], monkeypatch: pytest.MonkeyPatch
) -> None:
    # given: the audit write of the second opening fails after its number was taken
    first = open_case()
    from homeward.cases.services import case_file

    def broken(**kwargs: object) -> None:
        raise AuditWriteError("down")

    monkeypatch.setattr(case_file, "audit_record", broken)
    with pytest.raises(AuditWriteError):
        open_case()
    monkeypatch.undo()
    # when
    third = open_case()
    # then
    assert third.sequence == first.sequence + 1
    assert Case.objects.count() == 2


def test_the_database_refuses_a_duplicate_number(case: Case) -> None:
    duplicate = Case(
        number=case.number,
        year=case.year,
        sequence=case.sequence + 1,
        title="x",
        division=case.division,
        owning_agency=case.owning_agency,
        source=case.source,
        opened_by=case.opened_by,
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()


@pytest.mark.parametrize(
    ("code", "short"),
    [
        ("500103", "渝中"),
        ("500104", "大渡口"),
        ("500233", "忠县"),
        ("500240", "石柱"),
        ("500241", "秀山"),
        ("500243", "彭水"),
    ],
)
def test_divisions_go_by_their_short_names(code: str, short: str) -> None:
    assert division_short_name(Division.objects.get(code=code)) == short
