"""Policy the system administrator sets in the database, with the deployment's settings
as defaults: the alert radius schedule, the legal-aid green channel's working days, the
follow-up schedule after a return, the dropout no-contact limit.

Each app declares its keys (:func:`register`, from its ``AppConfig.ready``) with a parser
that turns the stored text into the value the service uses and refuses a bad one with a
reason; the services read :func:`policy_value`. A key never set reads its default, so a
fresh installation behaves as its settings say."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from homeward.core.actors import require_permission
from homeward.core.audit import audit_record
from homeward.core.audit_actions import AuditAction
from homeward.core.errors import ActorError, DomainError
from homeward.core.models import PolicySetting, User
from homeward.core.roles import P_REFERENCE


@dataclass(frozen=True)
class PolicyKey:
    """A setting: its key, label and help for the page, its default (read from the
    deployment's settings, as text) and its parser (text -> value; ValueError with the
    reason on bad text)."""

    key: str
    label: str | Promise
    help: str | Promise
    default: Callable[[], str]
    parse: Callable[[str], Any]


_REGISTRY: dict[str, PolicyKey] = {}


def register(policy_key: PolicyKey) -> None:
    _REGISTRY[policy_key.key] = policy_key


def policy_keys() -> list[PolicyKey]:
    return [_REGISTRY[key] for key in sorted(_REGISTRY)]


def policy_key(key: str) -> PolicyKey:
    try:
        return _REGISTRY[key]
    except KeyError:
        raise LookupError(f"no policy setting {key!r}") from None


def policy_text(key: str) -> tuple[str, bool]:
    """The setting's text and whether it is the default (never set)."""
    spec = policy_key(key)
    stored = PolicySetting.objects.filter(key=key).values_list("value", flat=True).first()
    return (stored, False) if stored is not None else (spec.default(), True)


def policy_value(key: str) -> Any:
    """The setting's value as its service uses it."""
    return policy_key(key).parse(policy_text(key)[0])


@transaction.atomic
def policy_setting_save(*, actor: User, key: str, value: str) -> PolicySetting | None:
    """Set a policy (an empty ``value`` returns it to the deployment's default)."""
    require_permission(actor, P_REFERENCE)
    if not actor.agency.is_municipal:
        raise DomainError(
            ActorError.OUT_OF_AREA,
            _(
                "Policy settings apply to the whole municipality: a municipal administrator sets them."
            ),
            status=403,
        )
    spec = policy_key(key)
    before, _default = policy_text(key)
    value = value.strip()
    if not value:
        PolicySetting.objects.filter(key=key).delete()
        audit_record(
            actor=actor,
            action=AuditAction.POLICY_SETTING_SAVE,
            object_type="policy_setting",
            object_id=key,
            detail={"before": before, "after": spec.default(), "default": True},
        )
        return None
    try:
        spec.parse(value)
    except ValueError as error:
        raise ValidationError({"value": [str(error)]}) from None
    setting, _created = PolicySetting.objects.update_or_create(
        key=key, defaults={"value": value, "changed_by": actor}
    )
    audit_record(
        actor=actor,
        action=AuditAction.POLICY_SETTING_SAVE,
        object_type="policy_setting",
        object_id=key,
        detail={"before": before, "after": value, "default": False},
    )
    return setting


# --- Parsers shared by the apps' keys ------------------------------------------------------


def parse_days(text: str, *, minimum: int = 1, maximum: int = 3650) -> int:
    try:
        days = int(text.strip())
    except ValueError:
        raise ValueError(_("Give a whole number of days.")) from None
    if not minimum <= days <= maximum:
        raise ValueError(
            _("Give a number of days from %(min)d to %(max)d.") % {"min": minimum, "max": maximum}
        )
    return days


def parse_day_list(text: str) -> list[int]:
    """``"30,90,180,365"``: increasing numbers of days."""
    try:
        days = [int(part) for part in text.replace("，", ",").split(",") if part.strip()]
    except ValueError:
        raise ValueError(_("Give whole numbers of days separated by commas.")) from None
    if not days or any(d < 1 for d in days) or days != sorted(set(days)):
        raise ValueError(_("Give increasing whole numbers of days separated by commas."))
    return days


def parse_named_days(text: str, names: Mapping[str, str]) -> dict[str, int]:
    """``"审查:1,指派:2,办理:30"`` (or the English keys, ``review:1,…``): a number of days for
    each key of ``names`` ({key: Chinese name})."""
    aliases = {**{key: key for key in names}, **{label: key for key, label in names.items()}}
    shown = "、".join(names.values())
    found: dict[str, int] = {}
    for part in text.replace("，", ",").replace("：", ":").split(","):
        if not part.strip():
            continue
        name, sep, days = part.strip().partition(":")
        if not sep or name.strip() not in aliases:
            raise ValueError(
                _("Write name:days for each of %(names)s, separated by commas.") % {"names": shown}
            )
        found[aliases[name.strip()]] = parse_days(days, maximum=365)
    if set(found) != set(names):
        raise ValueError(_("Give days for each of %(names)s.") % {"names": shown})
    return found
