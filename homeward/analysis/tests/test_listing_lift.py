"""Lifting a key-region listing from the warning it was made from: the municipal office
alone, in two steps (a confirmation page names the district and what lifting does),
audited, once; the district sees the listing and its state but no button; outsiders are
refused."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
import time_machine
from django.test import Client

from homeward.analysis import services
from homeward.analysis.models import Warning
from homeward.coordination.models import RegionListing
from homeward.coordination.services import region_listing_lift, region_progress_add
from homeward.core.errors import DomainError
from homeward.core.models import AuditEvent, User

from .conftest import TODAY

pytestmark = pytest.mark.django_db


@pytest.fixture
def listed(spike: Warning, office: User, wanzhou_office: User) -> Warning:
    with time_machine.travel(TODAY):
        warning = services.warning_list_region(
            actor=office,
            warning=spike,
            deadline=date(2027, 1, 31),
            reason="强迫劳动招工线索突增",
            warning_text="请30日内报告整治情况",
        )
        assert warning.listing is not None
        region_progress_add(actor=wanzhou_office, listing=warning.listing, text="开展专项整治行动")
    return warning


def _lift_url(warning: Warning) -> str:
    return f"/analysis/warnings/{warning.pk}/lift/"


def test_the_office_lifts_the_listing_after_confirming(
    office: User, listed: Warning, client_for: Callable[[User], Client]
) -> None:
    client = client_for(office)
    with time_machine.travel(TODAY):
        page = client.get(f"/analysis/warnings/{listed.pk}/").content.decode()
        assert 'data-testid="lift-listing"' in page and "开展专项整治行动" in page
        # the first step only asks
        asked = client.post(_lift_url(listed))
        assert asked.status_code == 200
        html = asked.content.decode()
        assert 'data-testid="lift-confirm"' in html and "万州区" in html
        assert "强迫劳动招工线索突增" in html and 'name="confirm" value="yes"' in html
        listing = RegionListing.objects.get(pk=listed.listing_id)
        assert listing.lifted_at is None
        assert not AuditEvent.objects.filter(action="region_listing_lift").exists()
        # the second lifts it
        done = client.post(_lift_url(listed), {"confirm": "yes"})
    assert done.status_code == 302 and done["Location"].endswith(f"/warnings/{listed.pk}/")
    listing.refresh_from_db()
    assert listing.lifted_at is not None
    event = AuditEvent.objects.get(action="region_listing_lift")
    assert event.actor_id == office.pk
    with time_machine.travel(TODAY):
        after = client.get(f"/analysis/warnings/{listed.pk}/").content.decode()
    assert "已于" in after and "解除督办" in after and 'data-testid="lift-listing"' not in after


def test_a_listing_is_lifted_once(
    office: User, listed: Warning, client_for: Callable[[User], Client]
) -> None:
    assert listed.listing is not None
    with time_machine.travel(TODAY):
        services.warning_listing_lift(actor=office, warning=listed)
    first = RegionListing.objects.get(pk=listed.listing_id).lifted_at
    # a double submit, or the key regions page, after the lift
    with time_machine.travel(date(2026, 12, 1)):
        again = client_for(office).post(_lift_url(listed), {"confirm": "yes"})
        with pytest.raises(DomainError) as refused:
            region_listing_lift(actor=office, listing=listed.listing)
    assert refused.value.code == "plan_bad_step"
    assert again.status_code == 302
    assert RegionListing.objects.get(pk=listed.listing_id).lifted_at == first
    assert AuditEvent.objects.filter(action="region_listing_lift").count() == 1


def test_a_warning_without_a_listing_has_nothing_to_lift(
    office: User, spike: Warning, client_for: Callable[[User], Client]
) -> None:
    with pytest.raises(DomainError) as refused:
        services.warning_listing_lift(actor=office, warning=spike)
    assert refused.value.code == "not_listed"
    with time_machine.travel(TODAY):
        response = client_for(office).post(_lift_url(spike), {"confirm": "yes"})
    assert response.status_code == 302
    assert not AuditEvent.objects.filter(action="region_listing_lift").exists()


def test_outsiders_cannot_lift(
    listed: Warning,
    wanzhou_office: User,
    yuzhong_office: User,
    make_user: Callable[..., User],
    client_for: Callable[[User], Client],
) -> None:
    nobody = make_user(roles=[], agency_code="500101-civil_affairs")
    with time_machine.travel(TODAY):
        # the district's own office sees the listing and its progress, not the button
        page = client_for(wanzhou_office).get(f"/analysis/warnings/{listed.pk}/")
        assert page.status_code == 200
        html = page.content.decode()
        assert 'data-testid="listing"' in html and 'data-testid="lift-listing"' not in html
        assert client_for(wanzhou_office).post(_lift_url(listed)).status_code == 403
        assert (
            client_for(wanzhou_office).post(_lift_url(listed), {"confirm": "yes"}).status_code
            == 403
        )
        # another district does not see the warning at all; no role, no page
        assert (
            client_for(yuzhong_office).post(_lift_url(listed), {"confirm": "yes"}).status_code
            == 404
        )
        assert client_for(nobody).post(_lift_url(listed), {"confirm": "yes"}).status_code in (
            403,
            404,
        )
        # a lift is a POST
        assert client_for(wanzhou_office).get(_lift_url(listed)).status_code == 405
    with pytest.raises(DomainError) as refused:
        services.warning_listing_lift(actor=wanzhou_office, warning=listed)
    assert refused.value.code == "not_municipal_office"
    assert RegionListing.objects.get(pk=listed.listing_id).lifted_at is None
    assert not AuditEvent.objects.filter(action="region_listing_lift").exists()
