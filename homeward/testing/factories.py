"""factory_boy factories for the core and people models."""

from __future__ import annotations

from typing import Any

import factory
from django.contrib.auth.models import Group

from homeward.core.models import Agency, Division, RoleAssignment, User
from homeward.people.models import Person

TEST_PASSWORD = "Kx7#pLm2-Vq9!rT"  # noqa: S105  (test-only credential)


def agency(code: str) -> Agency:
    return Agency.objects.get(code=code)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"测试用户{n}")
    agency = factory.LazyFunction(lambda: agency("500103-public_security"))

    @factory.post_generation
    def password(obj: User, create: bool, extracted: str | None, **kwargs: Any) -> None:
        obj.set_password(extracted or TEST_PASSWORD)
        if create:
            obj.save(update_fields=["password"])

    @factory.post_generation
    def roles(obj: User, create: bool, extracted: list[str] | None, **kwargs: Any) -> None:
        for role in extracted or []:
            RoleAssignment.objects.create(user=obj, group=Group.objects.get(name=role), role=role)


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    full_name = factory.Sequence(lambda n: f"张{n}")
    sex = "female"
    division = factory.LazyFunction(lambda: Division.objects.get(code="500103"))
    owning_agency = factory.LazyAttribute(
        lambda person: Agency.objects.get(division=person.division, kind="public_security")
    )
