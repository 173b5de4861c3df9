"""AUD-01: every view that reads a personal record writes a read event (issue 17).

The catalogue below lists each staff page that shows one victim's, minor's, person's,
clue's, case's or DNA record. Each is opened by a user whose role reaches it, for a
record that does not exist or is out of scope: the page answers 404 and the refused
read is in the trail (``read_audited_or_404``: an allowed read is audited by the same
call). A completeness check fails when a new page with a record id appears under these
modules without being catalogued or exempted with its reason.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from homeward.core.models import AuditEvent, User
from homeward.core.roles import TWO_FACTOR_ROLES, Role

pytestmark = pytest.mark.django_db

MISSING = 987654321
POLICE = ("cq-public_security", Role.INVESTIGATOR)
COMMANDER = ("cq-public_security", Role.ALERT_COMMANDER)
CIVIL = ("cq-civil_affairs", Role.CIVIL_AFFAIRS_CASEWORKER)
DNA = ("cq-public_security", Role.DNA_ANALYST)

# url name -> (agency, role, url kwargs)
CATALOGUE: dict[str, tuple[str, str, dict[str, Any]]] = {
    "people:person_detail": (*POLICE, {"pk": MISSING}),
    "people:person_photo": (*POLICE, {"pk": MISSING}),
    "tips:tip_detail": (*POLICE, {"pk": MISSING}),
    "cases:case_detail": (*POLICE, {"pk": MISSING}),
    "cases:case_summary_pdf": (*POLICE, {"pk": MISSING}),
    "cases:interview_detail": (*POLICE, {"pk": MISSING, "interview_id": MISSING}),
    "alerts:detail": (*COMMANDER, {"pk": MISSING}),
    "victims:victim": (*CIVIL, {"pk": MISSING}),
    "victims:victim_pdf": (*CIVIL, {"pk": MISSING}),
    "victims:placement": (*CIVIL, {"pk": MISSING}),
    "prevention:ledger_entry": (*CIVIL, {"pk": MISSING}),
    "prevention:dropout": ("500103-civil_affairs", Role.PREVENTION_WORKER, {"pk": MISSING}),
    "prevention:found_child": (*CIVIL, {"pk": MISSING}),
    "prevention:registration_check": (*POLICE, {"pk": MISSING}),
    "prevention:offender": (*POLICE, {"pk": MISSING}),
    "dna:specimen_detail": (*DNA, {"specimen_id": "NOSUCHSPECIMEN"}),
    "dna:candidate_detail": (*DNA, {"pk": MISSING}),
    "dna:candidate_report": (*DNA, {"pk": MISSING}),
    "dna:candidate_report_pdf": (*DNA, {"pk": MISSING}),
}

# Pages with a record id under the personal-data modules that are not reads of one
# personal record, with the reason.
EXEMPT = {
    "tips:reward_action": "a POST action; its service audits the decision",
    "tips:tip_join_case": "a POST action; audited by its service",
    "cases:case_status": "a POST action; audited by its service",
    "cases:leader_change": "a POST action; audited by its service",
    "cases:member_add": "a form for a POST action; the case is read by case_detail",
    "cases:task_force_dissolve": "a POST action; audited by its service",
    "cases:progress_add": "a POST action; audited by its service",
    "cases:party_add": "a POST action; audited by its service",
    "cases:interview_add": "a POST action; audited by its service",
    "cases:supervision_report": "a POST action; audited by its service",
    "cases:supervision_case": "supervision listing of a case: no personal fields",
    "cases:supervision_lift": "a POST action; audited by its service",
    "alerts:edit": "a draft alert form; the alert is read by alerts:detail",
    "alerts:publish": "a POST action; audited by its service",
    "alerts:end": "a POST action; audited by its service",
    "alerts:photo": "the alert photo, public once published",
    "alerts:cap": "the CAP message, public once published",
    "alerts:sightings": "sightings list of an alert (public reports)",
    "alerts:sighting_photo": "a public sighting's photo",
    "alerts:sighting_action": "a POST action; audited by its service",
    "alerts:notice_ack": "a POST action; audited by its service",
    "victims:service": "a referred service task; the victim is read by victims:victim",
    "victims:institution": "an institution, not a person",
    "dna:specimen_search": "a POST that starts a search; audited by the DNA service",
    "dna:run_detail": "progress of a search run; candidates are read by candidate_detail",
    "alerts:partner_edit": "a partner platform (reference data), not a person",
    "alerts:partner_rotate": "a POST action on a partner's token; audited by its service",
    "prevention:school_admin_edit": "a school (reference data), not a person",
    "prevention:work_area_admin_edit": "a staff member's work area (administration)",
    "victims:institution_admin_edit": "an institution (reference data), not a person",
}
READS = ("read", "dna_read")
MODULES = ("people:", "tips:", "cases:", "alerts:", "victims:", "prevention:", "dna:")


def _routes(patterns: list[Any], namespace: str = "") -> Iterator[tuple[str, str]]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _routes(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}", str(pattern.pattern)


def test_every_page_of_one_record_is_catalogued_or_exempted() -> None:
    with_ids = {
        name
        for name, route in _routes(get_resolver().url_patterns)
        if name.startswith(MODULES) and "<" in route
    }
    assert with_ids - set(CATALOGUE) - set(EXEMPT) == set()


def _client(make_user: Callable[..., User], agency: str, role: str) -> Client:
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from homeward.testing.fixtures import signed_in

    user = make_user(roles=[role], agency_code=agency, username=f"reader-{role}")
    client = signed_in(user)
    if role in TWO_FACTOR_ROLES:
        device = TOTPDevice.objects.create(user=user, name="t", confirmed=True)
        code = totp(device.bin_key, device.step, device.t0, device.digits, device.drift)
        client.post("/account/otp/", {"otp_token": f"{code:06d}"})
    return client


@pytest.mark.parametrize(
    "url_name",
    sorted(CATALOGUE),
)
def test_a_read_of_a_personal_record_is_audited(
    url_name: str, make_user: Callable[..., User]
) -> None:
    agency, role, kwargs = CATALOGUE[url_name]
    client = _client(make_user, agency, role)
    before = AuditEvent.objects.filter(action__in=READS).count()
    response = client.get(reverse(url_name, kwargs=kwargs))
    assert response.status_code == 404, (url_name, response.status_code)
    reads = AuditEvent.objects.filter(action__in=READS).order_by("-id")
    assert reads.count() == before + 1, f"{url_name} read no record through the audit"
    event = reads.first()
    assert event is not None
    assert event.outcome == "denied"
    assert event.actor_username == f"reader-{role}"
    assert event.agency_code == agency
    assert event.request_id and event.source_ip
