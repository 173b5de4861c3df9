"""The system administrator's reference data in core: agencies added or renamed after an
institutional reform, and users' leadership posts (who may lead a task force under
一长三包, who receives a legal-aid escalation)."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from homeward.core.actors import require_division, require_permission
from homeward.core.audit import audit_record
from homeward.core.audit_actions import AuditAction
from homeward.core.models import Agency, Division, User
from homeward.core.roles import P_REFERENCE

_SLUG = re.compile(r"^[a-z][a-z0-9_]{1,47}$")
LEADER_POSTS = ("head", "deputy_head")


@transaction.atomic
def agency_save(
    *,
    actor: User,
    agency: Agency | None = None,
    kind: str = "",
    division: Division | None = None,
    name_zh: str,
    name_en: str,
    is_conference_member: bool = False,
) -> Agency:
    """Add an agency (a new unit after a reform) or rename one. A new agency's code is
    ``<district code>-<function>`` (``cq-<function>`` for a municipal unit), as the
    shipped agencies' are; its function and district do not change once created (the
    records that name it keep their meaning). A district unit's municipal counterpart is
    the municipal unit of the same function, when there is one."""
    require_permission(actor, P_REFERENCE)
    if agency is not None:
        kind, division = agency.kind, agency.division
    if division is not None:
        require_division(actor, division.pk)
    elif not actor.agency.is_municipal:
        require_division(actor, None)
    errors: dict[str, list[str]] = {}
    name_zh, name_en = name_zh.strip(), name_en.strip()
    if not _SLUG.match(kind):
        errors["kind"] = [_("Use lower-case letters, digits and underscores, as public_security.")]
    if not name_zh:
        errors["name_zh"] = [_("Give the Chinese name.")]
    elif Agency.objects.filter(name_zh=name_zh).exclude(pk=agency.pk if agency else 0).exists():
        errors["name_zh"] = [_("An agency with this name exists already.")]
    if not name_en:
        errors["name_en"] = [_("Give the English name.")]
    if (
        agency is None
        and not errors.get("kind")
        and Agency.objects.filter(kind=kind, division=division).exists()
    ):
        errors["kind"] = [_("This level already has a unit of this function: rename it.")]
    if errors:
        raise ValidationError(errors)
    created = agency is None
    if agency is None:
        agency = Agency(
            code=f"{division.code if division else 'cq'}-{kind}",
            kind=kind,
            division=division,
            level=Agency.Level.DISTRICT if division else Agency.Level.MUNICIPAL,
            parent=(
                Agency.objects.filter(kind=kind, division__isnull=True).first()
                if division
                else None
            ),
        )
    before = {"name_zh": agency.name_zh, "name_en": agency.name_en}
    agency.name_zh = name_zh
    agency.name_en = name_en
    agency.is_conference_member = is_conference_member
    agency.save()
    audit_record(
        actor=actor,
        action=AuditAction.AGENCY_SAVE,
        obj=agency,
        detail={"created": created, "code": agency.code, "before": before if not created else {}},
    )
    return agency


@transaction.atomic
def leader_post_set(*, actor: User, user: User, post: str) -> User:
    """Record that ``user`` is head or deputy head of their agency (or neither). Heads
    and deputy heads of county-level-or-above public security lead task forces."""
    require_permission(actor, P_REFERENCE)
    if user.agency.division_id is not None or not actor.agency.is_municipal:
        require_division(actor, user.agency.division_id)
    if post not in ("", *LEADER_POSTS):
        raise ValidationError({"post": [_("Choose head, deputy head or none.")]})
    before = user.leader_post
    User.objects.filter(pk=user.pk).update(leader_post=post)
    user.leader_post = post
    audit_record(
        actor=actor,
        action=AuditAction.LEADER_POST_SET,
        obj=user,
        detail={"before": before, "after": post},
    )
    return user
