"""The synthetic demo data set: people registered by district agencies across
Chongqing, reproducible from a fixed seed."""

from __future__ import annotations

import random
from datetime import date

from django.db import transaction

from homeward.core.models import Agency, Division, User
from homeward.demo.names import ETHNICITIES, birth_date, id_number, mobile_phone, person_name
from homeward.people.models import Person
from homeward.people.services import person_create

DEMO_SEED = 20211229  # the date the rules were issued
REFERENCE_DAY = date(2026, 6, 1)  # fixed so that the data set is identical on every machine


def demo_data_present() -> bool:
    return Person.objects.exists()


@transaction.atomic
def seed_people(*, count: int = 240, seed: int = DEMO_SEED) -> int:
    """Register ``count`` synthetic people through the person service, as the
    district public-security and civil-affairs bureaus would."""
    rng = random.Random(seed)  # noqa: S311  (reproducible synthetic data, not security)
    divisions = list(Division.objects.order_by("code"))
    registrars: dict[int, list[User]] = {}
    created = 0
    for index in range(count):
        division = divisions[index % len(divisions)]
        actor = _registrar(division, registrars, rng)
        sex = rng.choice(("male", "female"))
        kind = rng.random()
        fields: dict[str, object] = {
            "full_name": person_name(rng),
            "sex": sex,
            "ethnicity": rng.choice(ETHNICITIES),
            "household_division": division,
        }
        if kind < 0.12:
            # A child of unknown origin: no documents, age estimated by a doctor.
            fields["full_name"] = "无名氏" + str(index)
            fields["estimated_age_years"] = rng.randint(1, 12)
            fields["age_estimated_on"] = REFERENCE_DAY
            fields.pop("household_division")
        else:
            min_age, max_age = (0, 17) if kind < 0.5 else (18, 70)
            born = birth_date(rng, min_age=min_age, max_age=max_age, today=REFERENCE_DAY)
            fields["date_of_birth"] = born
            if max_age >= 18 or rng.random() < 0.4:
                fields["id_number"] = id_number(
                    rng, division_code=division.code, born=born, sex=sex
                )
            fields["phone"] = mobile_phone(rng) if max_age >= 18 else ""
            fields["address"] = f"{division.name_zh}{rng.randint(1, 300)}号"
        person_create(actor=actor, **{k: v for k, v in fields.items() if v not in ("", None)})  # type: ignore[arg-type]
        created += 1
    return created


def _registrar(division: Division, cache: dict[int, list[User]], rng: random.Random) -> User:
    """A service account per district bureau that registers the demo records. It holds
    the registering role (services check their actor) but has no usable password, so
    nobody signs in with it."""
    from django.contrib.auth.models import Group

    from homeward.core.models import RoleAssignment
    from homeward.core.roles import Role

    roles = {"public_security": Role.INVESTIGATOR, "civil_affairs": Role.CIVIL_AFFAIRS_CASEWORKER}
    if division.pk not in cache:
        users = []
        for kind, role in roles.items():
            agency = Agency.objects.get(division=division, kind=kind)
            user, _ = User.objects.get_or_create(
                username=f"demo.registrar.{division.code}.{kind}",
                defaults={"full_name": agency.name_zh, "agency": agency, "is_demo": True},
            )
            if user.has_usable_password():
                user.set_unusable_password()
                user.save(update_fields=["password"])
            RoleAssignment.objects.get_or_create(
                user=user, role=role, defaults={"group": Group.objects.get(name=role)}
            )
            users.append(user)
        cache[division.pk] = users
    return rng.choice(cache[division.pk])
