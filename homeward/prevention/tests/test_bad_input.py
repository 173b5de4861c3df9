"""Bad input on the prevention pages is a message on the form, never a 500 (issue 12,
break 2)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from homeward.core.models import Township, User
from homeward.people.models import Person
from homeward.prevention.models import LedgerEntry

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "id_number",
    [
        "500240201703020024",  # wrong check digit
        "5002402017030200",  # 16 digits
        "50024020170302002Y",  # a letter other than X
    ],
)
def test_a_mistyped_id_number_on_the_ledger_form_is_a_field_error_and_the_form_is_kept(
    director: User,
    towns: tuple[Township, Township],
    client_for: Callable[[User], Client],
    id_number: str,
) -> None:
    # given a child director adding a left-behind child to the ledger
    client = client_for(director)
    # when the ID number is mistyped
    response = client.post(
        "/prevention/ledger/new/",
        {
            "full_name": "谭小花",
            "sex": "female",
            "date_of_birth": "2017-03-02",
            "id_number": id_number,
            "category": "left_behind_child",
            "township": towns[0].pk,
            "village": "龙河村",
            "responsible_worker": director.pk,
            "risk_level": "high",
        },
    )
    # then the error is on the ID number, the rest is kept, nothing is saved
    assert response.status_code == 200
    form = response.context["form"]
    assert "身份证号" in form.errors["id_number"][0]
    assert "龙河村" in response.content.decode()
    assert not Person.objects.exists() and not LedgerEntry.objects.exists()
