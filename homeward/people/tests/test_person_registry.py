"""The person registry: encryption at rest, blind index, scoping, audited reads,
masking, optimistic locking, photos (issue 2 §7; SECURITY.md DP-01, DP-02, AC-02, AC-05)."""

from __future__ import annotations

import io
from collections.abc import Callable

import pytest
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client, override_settings
from PIL import Image

from homeward.core.errors import DomainError
from homeward.core.models import AuditEvent, Division, User
from homeward.people.models import Person
from homeward.people.services import person_create, person_set_photo, person_update

pytestmark = pytest.mark.django_db

ID_NUMBER = "500101201801010016"  # the SECURITY.md canary; valid check digit
PHONE = "13800138000"
ADDRESS = "渝中区解放碑步行街88号"


def _raw(person: Person, column: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM people_person WHERE id = %s", [person.pk])  # noqa: S608
        return str(cursor.fetchone()[0])


@pytest.fixture
def person(owner: User) -> Person:
    return person_create(
        actor=owner,
        full_name="陈小明",
        sex="male",  # the canary ID number is a man's (odd 17th digit)
        id_number=ID_NUMBER,
        phone=PHONE,
        address=ADDRESS,
    )


def test_identity_columns_hold_no_plaintext(person: Person) -> None:
    for column, value in (("id_number", ID_NUMBER), ("phone", PHONE), ("address", ADDRESS)):
        raw = _raw(person, column)
        assert value not in raw
        assert raw.startswith("hw1:t1:")
    person.refresh_from_db()
    assert (person.id_number, person.phone, person.address) == (ID_NUMBER, PHONE, ADDRESS)


def test_the_id_number_is_found_through_the_blind_index(
    person: Person, owner: User, client_for: Callable[[User], Client]
) -> None:
    response = client_for(owner).get("/api/v1/people/", {"q": f" {ID_NUMBER} "})
    assert [row["id"] for row in response.json()] == [person.pk]
    assert AuditEvent.objects.filter(action="search", detail__by="id_number").exists()


def test_an_id_number_is_registered_once(person: Person, owner: User) -> None:
    with pytest.raises(DomainError) as error:
        person_create(actor=owner, full_name="另一人", id_number=ID_NUMBER)
    assert error.value.code == "duplicate_id_number"


def test_an_invalid_id_number_gets_a_field_error(owner: User) -> None:
    with pytest.raises(ValidationError) as error:
        person_create(actor=owner, full_name="x", id_number="500101201801010012")
    assert error.value.error_dict["id_number"][0].code == "id_checksum"


def test_a_flipped_ciphertext_byte_gives_a_generic_error_and_is_audited(
    person: Person, owner: User, client_for: Callable[[User], Client]
) -> None:
    raw = _raw(person, "phone")
    flipped = raw[:-3] + ("A" if raw[-3] != "A" else "B") + raw[-2:]
    with connection.cursor() as cursor:
        cursor.execute("UPDATE people_person SET phone = %s WHERE id = %s", [flipped, person.pk])
    response = client_for(owner).get(f"/api/v1/people/{person.pk}")
    assert response.status_code == 500
    assert response.json()["code"] == "integrity_failure"
    assert PHONE.encode() not in response.content
    assert AuditEvent.objects.filter(action="integrity_failure").exists()


def test_missing_keys_stop_the_platform(tmp_path: object) -> None:
    from homeward.core.keys import keyring, reset_keyring_cache

    with override_settings(HOMEWARD_FIELD_KEYS="", HOMEWARD_FIELD_KEYS_FILE=tmp_path / "none.json"):  # type: ignore[operator]
        reset_keyring_cache()
        with pytest.raises(ImproperlyConfigured):
            keyring()
    reset_keyring_cache()


def test_key_rotation_re_encrypts_every_row_under_the_new_key(person: Person) -> None:
    from django.core.management import call_command

    from homeward.core.keys import reset_keyring_cache

    new_spec = "t1:dGVzdC1rZXktb25lLTAxMjM0NTY3ODlhYmNkZWYwMTI=,t2:c2Vjb25kLWtleS1mb3ItdGVzdHMtMDEyMzQ1Njc4OTA="
    with override_settings(HOMEWARD_FIELD_KEYS=new_spec, HOMEWARD_FIELD_KEY_ACTIVE="t2"):
        reset_keyring_cache()
        call_command("rotate_field_keys", stdout=io.StringIO())
        assert _raw(person, "id_number").startswith("hw1:t2:")
        person.refresh_from_db()
        assert person.id_number == ID_NUMBER
    reset_keyring_cache()


def test_an_outsider_gets_404_for_a_person_in_another_district(
    person: Person, outsider: User, client_for: Callable[[User], Client]
) -> None:
    client = client_for(outsider)
    assert client.get(f"/people/{person.pk}/").status_code == 404
    assert client.get(f"/api/v1/people/{person.pk}").status_code == 404
    assert person.pk not in [row["id"] for row in client.get("/api/v1/people/").json()]
    assert AuditEvent.objects.filter(action="read", outcome="denied", actor=outsider).exists()


def test_a_colleague_and_a_municipal_investigator_can_read_and_each_read_is_audited(
    person: Person,
    colleague: User,
    municipal_investigator: User,
    client_for: Callable[[User], Client],
) -> None:
    for reader in (colleague, municipal_investigator):
        response = client_for(reader).get(f"/people/{person.pk}/")
        assert response.status_code == 200
        assert ID_NUMBER.encode() in response.content
        assert (
            AuditEvent.objects.filter(action="read", actor=reader, object_id=str(person.pk)).count()
            == 1
        )


def test_no_identity_value_reaches_the_cache(
    person: Person, colleague: User, client_for: Callable[[User], Client]
) -> None:
    """DP-03: reading a person's identity (page, API, search) leaves the ID number,
    phone and address in no cache key or value."""
    import contextlib
    import pickle

    from django.core.cache import caches

    client = client_for(colleague)
    assert ID_NUMBER.encode() in client.get(f"/people/{person.pk}/").content
    assert client.get(f"/api/v1/people/{person.pk}").status_code == 200
    assert client.get("/people/", {"q": ID_NUMBER}).status_code == 200
    stored = b""
    for alias in caches:
        backend = caches[alias]
        entries = getattr(backend, "_cache", None)
        assert entries is not None, f"cache {alias} cannot be inspected by this test"
        for key, value in entries.items():
            stored += key.encode() + b"\0" + value + b"\0"
            with contextlib.suppress(Exception):
                stored += repr(pickle.loads(value)).encode() + b"\0"  # noqa: S301
    assert stored, "the requests cached nothing: the test would prove nothing"
    for canary in (ID_NUMBER, PHONE, ADDRESS):
        assert canary.encode() not in stored, canary


def test_identity_is_masked_for_roles_without_the_identity_permission(
    person: Person, make_user: Callable[..., User], client_for: Callable[[User], Client]
) -> None:
    teacher = make_user(roles=["education_officer"], agency_code="500103-education")
    response = client_for(teacher).get(f"/api/v1/people/{person.pk}")
    body = response.json()
    assert body["identity_masked"] is True
    assert ID_NUMBER not in response.content.decode()
    assert PHONE not in response.content.decode()


def test_a_district_user_cannot_register_into_another_district(owner: User) -> None:
    wanzhou = Division.objects.get(code="500101")
    person = person_create(actor=owner, division=wanzhou, full_name="李四")
    assert person.division.code == "500103"
    assert person.owning_agency == owner.agency


def test_server_set_fields_cannot_be_mass_assigned(owner: User) -> None:
    with pytest.raises(ValidationError) as error:
        person_create(actor=owner, full_name="x", owning_agency_id=1)  # type: ignore[arg-type]
    assert "owning_agency_id" in error.value.message_dict


def test_the_registration_form_ignores_server_set_fields(
    owner: User, outsider: User, client_for: Callable[[User], Client]
) -> None:
    """AC-05 through the page: a district user's POST naming another district, another
    owning unit, another creator or a version registers the person in the user's own
    district and unit (the database row)."""
    response = client_for(owner).post(
        "/people/new/",
        {
            "full_name": "赵小六",
            "sex": "female",
            "division": Division.objects.get(code="500101").pk,
            "owning_agency": outsider.agency_id,
            "owning_agency_id": outsider.agency_id,
            "created_by": outsider.pk,
            "created_by_id": outsider.pk,
            "version": 99,
            "is_staff": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    person = Person.objects.get(full_name="赵小六")
    assert person.division.code == "500103"
    assert person.owning_agency_id == owner.agency_id
    assert person.created_by_id == owner.pk
    assert person.version == 1


def test_a_stale_version_is_a_conflict(person: Person, owner: User) -> None:
    person_update(actor=owner, person=person, version=1, full_name="陈小美")
    with pytest.raises(DomainError) as error:
        person_update(actor=owner, person=person, version=1, full_name="陈晓梅")
    assert error.value.code == "version_conflict"
    assert error.value.status == 409
    person.refresh_from_db()
    assert (person.full_name, person.version) == ("陈小美", 2)


def _jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (40, 30), "red")
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (29.0, 33.0, 0.0)}
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif)
    return buffer.getvalue()


def test_photos_are_re_encoded_without_exif_and_served_only_to_authorised_users(
    person: Person, owner: User, outsider: User, client_for: Callable[[User], Client]
) -> None:
    upload = SimpleUploadedFile("IMG_0001.jpg", _jpeg_with_gps(), content_type="image/jpeg")
    assert Image.open(io.BytesIO(_jpeg_with_gps())).getexif()
    person_set_photo(actor=owner, person=person, upload=upload)
    assert "IMG_0001" not in person.photo.name
    stored = Image.open(person.photo.open("rb"))
    assert not stored.getexif()
    assert client_for(owner).get(f"/people/{person.pk}/photo/").status_code == 200
    assert client_for(outsider).get(f"/people/{person.pk}/photo/").status_code == 404
    assert Client().get(f"/people/{person.pk}/photo/").status_code == 302


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("shell.jpg", b"<?php system($_GET['c']); ?>"),
        ("page.jpg", b"<html><script>alert(1)</script></html>"),
        ("x.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
    ],
)
def test_files_that_are_not_images_are_rejected(
    person: Person, owner: User, name: str, content: bytes
) -> None:
    with pytest.raises(DomainError) as error:
        person_set_photo(actor=owner, person=person, upload=SimpleUploadedFile(name, content))
    assert error.value.code == "bad_photo"


def test_when_the_audit_write_fails_the_read_returns_503_without_data(
    person: Person,
    owner: User,
    client_for: Callable[[User], Client],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    client = client_for(owner)
    from homeward.core import audit
    from homeward.core.errors import AuditWriteError

    def broken(**kwargs: object) -> None:
        raise AuditWriteError("down")

    monkeypatch.setattr(audit, "audit_read", broken)
    response = client.get(f"/people/{person.pk}/")
    assert response.status_code == 503
    assert "陈小明".encode() not in response.content


@pytest.mark.parametrize(
    ("value", "start", "end", "masked"),
    [
        ("500101201801010016", 6, 0, "500101************"),
        ("13800138000", 3, 2, "138******00"),
        ("abc", 3, 2, "***"),
        ("", 3, 2, ""),
    ],
)
def test_mask_keeps_only_the_requested_ends(value: str, start: int, end: int, masked: str) -> None:
    from homeward.people.selectors import mask

    assert mask(value, keep_start=start, keep_end=end) == masked
