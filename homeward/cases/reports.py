"""The case summary as PDF: header, task force and its three responsibilities,
people, supervision and the timeline. Interview summaries are never printed here."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Spacer

from homeward.cases.models import Case, Responsibility
from homeward.cases.selectors import case_events, case_parties, case_supervision, task_force_of
from homeward.cases.timeline import timeline_entries
from homeward.core.models import User
from homeward.core.pdf import Watermark, build, styles, table


def case_summary_pdf(user: User, case: Case, watermark: Watermark) -> bytes:
    style = styles()
    task_force = task_force_of(case)
    parties = list(case_parties(user, case))
    story: list[Flowable] = [
        Paragraph(_("Case summary"), style["title"]),
        Paragraph(f"{case.number} · {case.title}", style["subtitle"]),
        Spacer(1, 4 * mm),
        table(
            [
                [_("Case number"), case.number],
                [_("Crimes"), "、".join(crime.get_crime_display() for crime in case.crimes.all())],
                [_("District"), case.division.name_zh],
                [_("Opening unit"), case.owning_agency.name_zh],
                [_("Status"), case.get_status_display()],
                [_("Priority"), case.get_priority_display()],
                [_("Source"), case.get_source_display()],
                [_("Opened"), timezone.localtime(case.created_at).strftime("%Y-%m-%d")],
            ],
            widths=(40 * mm, 130 * mm),
        ),
        Paragraph(_("Task force (一长三包)"), style["heading"]),
        table(
            [
                [
                    _("Leader"),
                    f"{task_force.leader.full_name} · {task_force.leader.agency.name_zh}",
                ],
                [
                    _("Members"),
                    "、".join(m.user.full_name for m in task_force.members.select_related("user")),
                ],
            ],
            widths=(40 * mm, 130 * mm),
        ),
    ]
    progress = list(task_force.progress.select_related("author"))
    for code, label in Responsibility.choices:
        rows = [
            [
                timezone.localtime(e.created_at).strftime("%Y-%m-%d"),
                e.author.full_name,
                e.text[:300],
            ]
            for e in progress
            if e.responsibility == code
        ]
        story.append(Paragraph(str(label), style["body"]))
        story.append(
            table(
                [[_("Date"), _("By"), _("Progress")], *rows],
                header=True,
                widths=(25 * mm, 30 * mm, 115 * mm),
            )
        )
    if parties:
        story.append(Paragraph(_("People in the case"), style["heading"]))
        story.append(
            table(
                [
                    [_("Name"), _("Role")],
                    *[[p.person.full_name, p.get_role_display()] for p in parties],
                ],
                header=True,
            )
        )
    listings = list(case_supervision(case))
    if listings:
        story.append(Paragraph(_("Supervision (挂牌督办)"), style["heading"]))
        story.append(
            table(
                [
                    [_("Level"), pgettext("supervision", "Deadline"), _("Requirements")],
                    *[
                        [l_.get_level_display(), l_.deadline.isoformat(), l_.requirements[:200]]
                        for l_ in listings
                    ],
                ],
                header=True,
            )
        )
    entries = timeline_entries(case_events(case), parties)[-40:]
    story.append(Paragraph(_("Timeline"), style["heading"]))
    story.append(
        table(
            [
                [_("Time"), _("By"), _("Event")],
                *[
                    [
                        timezone.localtime(e.at).strftime("%Y-%m-%d %H:%M"),
                        str(e.actor_name),
                        str(e.text)[:120],
                    ]
                    for e in entries
                ],
            ],
            header=True,
            widths=(30 * mm, 30 * mm, 110 * mm),
        )
    )
    return build(story, title=_("Case summary"), watermark=watermark)
