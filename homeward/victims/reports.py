"""The victim's special file (专门档案) as a PDF: everything the departments did, in one
document, watermarked with who printed it."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Spacer

from homeward.core.context import current_request_context
from homeward.core.models import User
from homeward.core.pdf import Watermark, build, styles, table
from homeward.victims.models import Victim


def _date(value: object) -> str:
    if value is None:
        return "—"
    if hasattr(value, "hour"):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")  # type: ignore[arg-type]
    return value.isoformat()  # type: ignore[attr-defined,no-any-return]


def special_file_pdf(user: User, victim: Victim) -> bytes:
    style = styles()
    person = victim.person
    story: list[Flowable] = [
        Paragraph(_("Special file of a trafficking victim"), style["title"]),
        Paragraph(victim.owning_agency.display_name, style["subtitle"]),
        Spacer(1, 4 * mm),
        Paragraph(_("The victim"), style["heading"]),
        table(
            [
                [_("Full name"), person.full_name],
                [_("Identity"), str(victim.get_identity_status_display())],
                [_("Age group"), str(victim.get_age_group_display())],
                [_("Origin"), f"{victim.get_origin_display()} {victim.origin_detail}"],
                [_("Rescued at"), _date(victim.rescued_at)],
                [_("Rescued by"), victim.rescuing_agency.display_name],
                [_("Case"), victim.case.number if victim.case else "—"],
                [_("Status"), str(victim.get_status_display())],
            ],
            widths=(45 * mm, 125 * mm),
        ),
    ]
    sections = [
        (
            _("Placements"),
            [[_("Placement institution"), _("Status"), _("From"), _("To")]]
            + [
                [
                    p.institution.name,
                    str(p.get_status_display()),
                    _date(p.started_on),
                    _date(p.ended_on),
                ]
                for p in victim.placements.select_related("institution")
            ],
        ),
        (
            _("Services"),
            [[_("Service"), _("Delivered by"), _("Status"), _("Outcome")]]
            + [
                [
                    str(s.get_kind_display()),
                    s.owner_agency.display_name,
                    str(s.get_status_display()),
                    s.outcome,
                ]
                for s in victim.services.select_related("owner_agency")
            ],
        ),
        (
            _("Case plan"),
            [[_("Goal"), _("Status")]]
            + [[g.goal, str(g.get_status_display())] for g in victim.goals.all()]
            + [[_date(r.reviewed_on), r.notes] for r in victim.reviews.all()],
        ),
        (
            _("Return and transfer"),
            [[_("Date"), _("Details")]]
            + [
                [_date(g.returned_on), f"{g.get_kind_display()} · {g.address}"]
                for g in victim.returns.all()
            ]
            + [
                [
                    _date(t.departed_on),
                    f"{t.get_kind_display()} · {t.destination} · {t.get_receiving_agency_display()} · {t.handed_over_to}",
                ]
                for t in victim.transfers.all()
            ],
        ),
        (
            _("Follow-up visits"),
            [[pgettext("follow-up visit", "Due"), _("Visited on"), _("What was found")]]
            + [[_date(f.due_on), _date(f.done_on), f.notes] for f in victim.follow_ups.all()],
        ),
        (
            _("Legal aid"),
            [[_("Received at"), _("Status"), _("Lawyer")]]
            + [
                [
                    _date(a.received_at),
                    str(a.get_status_display()),
                    a.lawyer.full_name if a.lawyer else "—",
                ]
                for a in victim.legal_aid.select_related("lawyer")
            ],
        ),
    ]
    for title, rows in sections:
        story.append(Paragraph(title, style["heading"]))
        if len(rows) > 1:
            story.append(table([[str(c) for c in row] for row in rows], header=True))
        else:
            story.append(Paragraph(_("None."), style["body"]))
    watermark = Watermark(
        printed_by=f"{user.full_name} ({user.username})",
        printed_at=timezone.localtime(),
        request_id=current_request_context().request_id,
        audience=_("confidential, for the units caring for this victim only"),
    )
    return build(story, title=_("Special file of a trafficking victim"), watermark=watermark)
