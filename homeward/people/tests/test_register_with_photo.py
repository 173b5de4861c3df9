"""A registration is one service call in one transaction: a photo the service refuses
leaves nothing saved, and the retry makes no duplicate (issue 12, break 4)."""

from __future__ import annotations

import io
from collections.abc import Callable

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from homeward.core.errors import DomainError
from homeward.core.models import User
from homeward.people.models import Person
from homeward.people.services import person_create

pytestmark = pytest.mark.django_db


def _image(kind: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 40), "blue").save(buffer, format=kind)
    return buffer.getvalue()


def _form(photo: SimpleUploadedFile) -> dict[str, object]:
    return {"full_name": "冉小军", "sex": "male", "date_of_birth": "2015-06-01", "photo": photo}


def test_a_refused_photo_saves_nothing_and_the_retry_registers_the_person_once(
    owner: User, client_for: Callable[[User], Client]
) -> None:
    client = client_for(owner)
    # given a GIF, which the photo pipeline refuses
    gif = SimpleUploadedFile("kid.gif", _image("GIF"), content_type="image/gif")
    # when the person is registered with it
    refused = client.post("/people/new/", _form(gif))
    # then the refusal is on the photo field and no one is registered
    assert refused.status_code == 200
    assert refused.context["form"].errors["photo"]
    assert not Person.objects.exists()
    # when the user retries with a JPEG
    jpeg = SimpleUploadedFile("kid.jpg", _image("JPEG"), content_type="image/jpeg")
    accepted = client.post("/people/new/", _form(jpeg))
    # then exactly one person exists, with the photo
    assert accepted.status_code == 302
    person = Person.objects.get()
    assert person.photo and person.full_name == "冉小军"


def test_the_service_registers_the_person_and_the_photo_together(owner: User) -> None:
    gif = SimpleUploadedFile("kid.gif", _image("GIF"), content_type="image/gif")
    with pytest.raises(DomainError) as error:
        person_create(actor=owner, full_name="冉小军", sex="male", photo=gif)
    assert error.value.code == "bad_photo"
    assert not Person.objects.exists()
