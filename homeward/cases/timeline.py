"""The case timeline in words. Events store codes and ids (``CaseEvent.detail``);
the words are made here, at display time, in the reader's language."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.utils.translation import gettext as _

from homeward.cases.models import (
    CaseEvent,
    CaseParty,
    CaseStatus,
    EventKind,
    ListingLevel,
    PartyRole,
    Responsibility,
)


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    kind: str
    actor_name: str
    text: str
    note: str


def _label(choices: Any, value: object) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return str(value)


def _person(detail: Mapping[str, Any], names: Mapping[int, str]) -> str:
    party_id = detail.get("party_id")
    if isinstance(party_id, int) and party_id in names:
        return names[party_id]
    return _("person #%(id)s") % {"id": detail.get("person_id", "?")}


def _field_name(field: object) -> str:
    names = {"title": _("title"), "priority": _("priority"), "crimes": _("crimes")}
    return names.get(str(field), str(field))


Describer = Callable[[Mapping[str, Any], Mapping[int, str]], str]

_DESCRIBE: dict[str, Describer] = {
    EventKind.OPENED: lambda d, n: _("Case %(number)s opened; task force led by %(leader)s.")
    % {"number": d.get("number", ""), "leader": d.get("leader_name", "")},
    EventKind.UPDATED: lambda d, n: _("Case details changed: %(fields)s.")
    % {"fields": ", ".join(_field_name(field) for field in d.get("fields", []))},
    EventKind.STATUS_CHANGED: lambda d, n: _("Status changed from “%(from)s” to “%(to)s”.")
    % {
        "from": _label(CaseStatus, d.get("from_status")),
        "to": _label(CaseStatus, d.get("to_status")),
    },
    EventKind.LEADER_CHANGED: lambda d, n: _("Task force leader changed from %(from)s to %(to)s.")
    % {"from": d.get("from_name", ""), "to": d.get("to_name", "")},
    EventKind.MEMBER_ADDED: lambda d, n: _("%(name)s joined the task force.")
    % {"name": d.get("user_name", "")},
    EventKind.TASK_FORCE_DISSOLVED: lambda d, n: _("Task force dissolved."),
    EventKind.PROGRESS_LOGGED: lambda d, n: _("Progress logged: %(responsibility)s.")
    % {"responsibility": _label(Responsibility, d.get("responsibility"))},
    EventKind.PERSON_ADDED: lambda d, n: _("%(person)s added as %(role)s.")
    % {"person": _person(d, n), "role": _label(PartyRole, d.get("role"))},
    EventKind.INTERVIEW_RECORDED: lambda d, n: (
        _("One-stop interview of %(person)s (a minor) recorded.")
        if d.get("minor")
        else _("One-stop interview of %(person)s recorded.")
    )
    % {"person": _person(d, n)},
    EventKind.SUPERVISION_LISTED: lambda d, n: _(
        "Listed for supervision (%(level)s level), deadline %(deadline)s."
    )
    % {"level": _label(ListingLevel, d.get("level")), "deadline": d.get("deadline", "")},
    EventKind.SUPERVISION_REPORTED: lambda d, n: _("Progress reported to the supervising office."),
    EventKind.SUPERVISION_LIFTED: lambda d, n: _("Supervision lifted."),
    EventKind.SUPERVISION_OVERDUE: lambda d, n: _("Supervision deadline %(deadline)s has passed.")
    % {"deadline": d.get("deadline", "")},
}


def describe(event: CaseEvent, names: Mapping[int, str]) -> str:
    """One sentence for ``event``; ``names`` maps case-party ids to people's names."""
    describer = _DESCRIBE.get(event.kind)
    if describer is None:
        return str(event.get_kind_display())
    return describer(event.detail or {}, names)


def timeline_entries(
    events: Iterable[CaseEvent], parties: Iterable[CaseParty]
) -> list[TimelineEntry]:
    names = {party.pk: party.person.full_name for party in parties}
    return [
        TimelineEntry(
            at=event.at,
            kind=event.kind,
            actor_name=event.actor.full_name if event.actor else _("Platform"),
            text=describe(event, names),
            note=event.note,
        )
        for event in events
    ]
