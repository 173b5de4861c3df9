"""Bad input on the victims pages is a message on the form, never a 500 (issue 12,
breaks 2 and 3)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.utils import timezone

from homeward.core.models import Division, User
from homeward.people.models import Person
from homeward.testing.factories import PersonFactory
from homeward.victims import services
from homeward.victims.models import Transfer, Victim

from .test_victims import people  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db

# 500101 19900307 002 + check digit 2 is right; these are typing mistakes.
MISTYPED_ID_NUMBERS = [
    "500101199003070024",  # wrong check digit (2 is right)
    "5001011990030700",  # 16 digits
    "50010119900307002Y",  # a letter other than X
]


def _victim_form(id_number: str) -> dict[str, str]:
    return {
        "full_name": "龙小燕",
        "sex": "female",
        "id_number": id_number,
        "identity_status": "identified",
        "age_at_rescue": "15",
        "origin": "chongqing",
        "rescued_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "how_rescued": "在长途汽车站解救",
        "division": str(Division.objects.get(code="500103").pk),
    }


@pytest.mark.parametrize("id_number", MISTYPED_ID_NUMBERS)
def test_a_mistyped_id_number_on_the_victim_form_is_a_field_error_and_the_form_is_kept(
    people: dict[str, User],  # noqa: F811
    client_for: Callable[[User], Client],
    id_number: str,
) -> None:
    # given the police registering a rescued victim
    client = client_for(people["police"])
    # when the ID number is mistyped
    response = client.post("/victims/new/", _victim_form(id_number))
    # then the form comes back with the error on the ID number and everything typed kept
    assert response.status_code == 200
    form = response.context["form"]
    assert "id_number" in form.errors
    assert "身份证号" in form.errors["id_number"][0]
    page = response.content.decode()
    assert "龙小燕" in page and "在长途汽车站解救" in page
    assert not Person.objects.exists() and not Victim.objects.exists()


def test_posting_the_same_hand_over_twice_is_a_message_not_a_500(
    people: dict[str, User],  # noqa: F811
    client_for: Callable[[User], Client],
) -> None:
    # given a victim from another province on the way home with an escort
    caseworker = people["caseworker"]
    victim = services.victim_register(
        actor=people["police"],
        person=PersonFactory(full_name="阿依"),
        identity_status="identified",
        age_at_rescue=16,
        origin="other_province",
        origin_detail="云南省",
        rescued_at=timezone.now(),
        how_rescued="解救",
        division=Division.objects.get(code="500103"),
    )
    transfer = services.transfer_start(
        actor=caseworker,
        victim=victim,
        kind=Transfer.Kind.TRANSFER,
        destination="云南省昆明市",
        receiving_agency="province_rescue_station",
        escort="冉秀英、何晓琳",
        departed_on=timezone.localdate(),
    )
    client = client_for(caseworker)
    form = {"action": "handover", "transfer": str(transfer.pk), "handed_over_to": "昆明市救助站"}
    # when the hand-over is confirmed, then posted again (a double click, a reload)
    first = client.post(f"/victims/{victim.pk}/", form)
    second = client.post(f"/victims/{victim.pk}/", form, follow=True)
    # then the second is a message on the victim's page
    assert first.status_code == 302
    assert second.status_code == 200
    assert "已确认" in second.content.decode()
    transfer.refresh_from_db()
    assert transfer.handed_over_to == "昆明市救助站"
