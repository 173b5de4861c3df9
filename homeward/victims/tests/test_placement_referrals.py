"""A stay in an institution and the services referred for it (issue 12): a referral names
the placement it serves, the placement page lists its referrals and refers a service for
the stay, the service checks that the stay is the victim's own and current, and the
checks and the audit trail hold for the pages as for the services."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from homeward.core.errors import DomainError
from homeward.core.models import AuditEvent, User
from homeward.victims import services
from homeward.victims.models import Institution, Placement, ServiceReferral, Victim

from .test_victims import _rescued_child, people, welfare  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db


def _in_care(people: dict[str, User], welfare: Institution) -> tuple[Victim, Placement]:  # noqa: F811
    victim = _rescued_child(people["police"])
    proposed = services.placement_propose(
        actor=people["caseworker"], victim=victim, institution=welfare
    )
    stay = services.placement_decide(actor=people["caseworker"], placement=proposed, accept=True)
    victim.refresh_from_db()
    return victim, stay


def _due() -> str:
    return (timezone.localdate() + timedelta(days=5)).isoformat()


def test_the_victim_page_refers_for_the_current_stay_and_links_both_ways(
    people: dict[str, User],  # noqa: F811
    welfare: Institution,  # noqa: F811
    client_for: Callable[[User], Client],
) -> None:
    victim, stay = _in_care(people, welfare)
    caseworker = client_for(people["caseworker"])
    page = caseworker.get(f"/victims/{victim.pk}/").content.decode()
    # The referral form offers the current stay, chosen already.
    assert f'<option value="{stay.pk}" selected>' in page
    response = caseworker.post(
        f"/victims/{victim.pk}/",
        {
            "action": "refer",
            "refer-kind": "counselling",
            "refer-due_on": _due(),
            "refer-placement": stay.pk,
        },
    )
    assert response.status_code == 302
    referral = ServiceReferral.objects.get()
    assert referral.placement == stay
    event = AuditEvent.objects.filter(action="service_refer").latest("pk")
    assert event.detail["placement"] == stay.pk
    # The victim page: the stay links to its page, the service row names its stay.
    page = caseworker.get(f"/victims/{victim.pk}/").content.decode()
    assert page.count(f'href="/victims/placements/{stay.pk}/"') == 2
    assert f'href="/victims/services/{referral.pk}/"' in page
    # The placement page lists the referral, with a link the caseworker can open.
    placement_page = caseworker.get(f"/victims/placements/{stay.pk}/")
    assert placement_page.status_code == 200
    html = placement_page.content.decode()
    assert f'href="/victims/services/{referral.pk}/"' in html
    assert AuditEvent.objects.filter(
        action="read", object_type="victims.placement", object_id=str(stay.pk)
    ).exists()
    # ... and the caseworker can open it (read only: the delivering unit updates it).
    service_page = caseworker.get(f"/victims/services/{referral.pk}/")
    assert service_page.status_code == 200
    html = service_page.content.decode()
    assert welfare.name in html and f'href="/victims/placements/{stay.pk}/"' in html
    assert 'name="status"' not in html
    assert (
        caseworker.post(f"/victims/services/{referral.pk}/", {"status": "accepted"}).status_code
        == 403
    )
    referral.refresh_from_db()
    assert referral.status == "referred"
    # The delivering unit sees which stay the service is for, and updates it.
    doctor = client_for(people["doctor"])
    html = doctor.get(f"/victims/services/{referral.pk}/").content.decode()
    assert welfare.name in html and 'name="status"' in html
    # Not a manager of victims: no placement page, so no link to it.
    assert f'href="/victims/placements/{stay.pk}/"' not in html
    assert doctor.get(f"/victims/placements/{stay.pk}/").status_code == 403


def test_the_placement_page_refers_a_service_prefilled_with_its_stay(
    people: dict[str, User],  # noqa: F811
    welfare: Institution,  # noqa: F811
    client_for: Callable[[User], Client],
) -> None:
    victim, stay = _in_care(people, welfare)
    caseworker = client_for(people["caseworker"])
    page = caseworker.get(f"/victims/placements/{stay.pk}/").content.decode()
    assert 'data-testid="placement-refer"' in page
    # No placement field: the stay is the page's own.
    assert 'name="refer-placement"' not in page
    bad = caseworker.post(f"/victims/placements/{stay.pk}/", {"refer-kind": "medical"})
    assert bad.status_code == 200 and bad.context["form"].errors
    assert not ServiceReferral.objects.exists()
    # School placement for a six-year-old: the service's own rule answers on the form.
    response = caseworker.post(
        f"/victims/placements/{stay.pk}/",
        {"refer-kind": "school", "refer-due_on": _due(), "refer-note": "就近入学"},
    )
    assert response.status_code == 302
    assert response["Location"] == f"/victims/placements/{stay.pk}/"
    referral = ServiceReferral.objects.get()
    assert (referral.placement, referral.kind, referral.victim) == (stay, "school", victim)
    page = caseworker.get(f"/victims/placements/{stay.pk}/").content.decode()
    assert f'href="/victims/services/{referral.pk}/"' in page
    # Vocational training is for 16 and over: refused, nothing referred.
    refused = caseworker.post(
        f"/victims/placements/{stay.pk}/", {"refer-kind": "vocational", "refer-due_on": _due()}
    )
    assert refused.status_code == 200 and refused.context["form"].non_field_errors()
    assert ServiceReferral.objects.count() == 1
    # Legal aid from the placement page: the green-channel referral names the stay too.
    caseworker.post(
        f"/victims/placements/{stay.pk}/",
        {"refer-kind": "legal_aid", "refer-due_on": _due(), "refer-note": "追索赔偿"},
    )
    assert ServiceReferral.objects.get(kind="legal_aid").placement == stay


def test_out_of_scope_and_ended_stays_are_refused_by_the_service(
    people: dict[str, User],  # noqa: F811
    welfare: Institution,  # noqa: F811
    client_for: Callable[[User], Client],
) -> None:
    victim, stay = _in_care(people, welfare)
    other_victim = _rescued_child(people["police"])
    # Another district's caseworker: no placement page, no referral.
    wanzhou = client_for(people["other_district"])
    assert wanzhou.get(f"/victims/placements/{stay.pk}/").status_code == 404
    assert (
        wanzhou.post(
            f"/victims/placements/{stay.pk}/", {"refer-kind": "medical", "refer-due_on": _due()}
        ).status_code
        == 404
    )
    with pytest.raises(DomainError) as outside:
        services.service_refer(
            actor=people["other_district"],
            victim=victim,
            kind="medical",
            due_on=timezone.localdate(),
            placement=stay,
        )
    assert outside.value.code == "out_of_area"
    # Another victim's stay is not this victim's.
    with pytest.raises(ValidationError) as wrong:
        services.service_refer(
            actor=people["caseworker"],
            victim=other_victim,
            kind="medical",
            due_on=timezone.localdate(),
            placement=stay,
        )
    assert "placement" in wrong.value.message_dict
    # Posted on the victim page, another victim's stay is not among the choices.
    response = client_for(people["caseworker"]).post(
        f"/victims/{other_victim.pk}/",
        {
            "action": "refer",
            "refer-kind": "medical",
            "refer-due_on": _due(),
            "refer-placement": stay.pk,
        },
    )
    assert response.status_code == 200 and response.context["forms"]["refer"].errors
    assert not ServiceReferral.objects.exists()
    # A stay that ended takes no new referral; its page says so and keeps its list.
    Placement.objects.filter(pk=stay.pk).update(
        status=Placement.Status.ENDED, ended_on=timezone.localdate()
    )
    stay.refresh_from_db()
    with pytest.raises(ValidationError):
        services.service_refer(
            actor=people["caseworker"],
            victim=victim,
            kind="medical",
            due_on=timezone.localdate(),
            placement=stay,
        )
    page = client_for(people["caseworker"]).get(f"/victims/placements/{stay.pk}/")
    assert 'data-testid="placement-refer"' not in page.content.decode()
    ended = client_for(people["caseworker"]).post(
        f"/victims/placements/{stay.pk}/", {"refer-kind": "medical", "refer-due_on": _due()}
    )
    assert ended.status_code == 200 and ended.context["form"].errors
    assert not ServiceReferral.objects.exists()


def test_the_migration_links_earlier_referrals_to_the_stay_they_were_made_in(
    people: dict[str, User],  # noqa: F811
    welfare: Institution,  # noqa: F811
) -> None:
    import importlib

    from django.apps import apps

    victim, stay = _in_care(people, welfare)
    during = services.service_refer(
        actor=people["caseworker"], victim=victim, kind="medical", due_on=timezone.localdate()
    )
    before = services.service_refer(
        actor=people["caseworker"], victim=victim, kind="counselling", due_on=timezone.localdate()
    )
    ServiceReferral.objects.filter(pk=before.pk).update(
        referred_at=timezone.now() - timedelta(days=30)
    )
    assert during.placement is None
    migration = importlib.import_module(
        "homeward.victims.migrations.0003_referral_serves_a_placement"
    )
    migration.link_existing(apps, None)
    during.refresh_from_db()
    before.refresh_from_db()
    assert during.placement == stay
    assert before.placement is None  # referred before the stay started
