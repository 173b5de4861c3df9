"""XLSX export of the ledger for the unit that owns it (watermarked; the view audits it)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from homeward.core.exports import xlsx_table
from homeward.core.models import User
from homeward.prevention.models import LedgerEntry, RiskReason


def ledger_xlsx(user: User, entries: QuerySet[LedgerEntry]) -> bytes:
    headers = [
        _("Record"),
        _("Name"),
        _("Category"),
        _("Risk level"),
        _("Reasons"),
        _("Township"),
        _("Village or community"),
        _("Guardian's whereabouts"),
        _("Who cares for them now"),
        _("Responsible worker"),
        _("Next visit due"),
        _("Visit overdue"),
        _("Status"),
    ]
    labels = dict(RiskReason.choices)
    rows = (
        [
            e.pk,
            e.person.full_name,
            str(e.get_category_display()),
            str(e.get_risk_level_display()),
            "; ".join(str(labels.get(r, r)) for r in e.risk_reasons),
            e.township.name_zh,
            e.village,
            e.guardian_whereabouts,
            e.carer,
            e.responsible_worker.full_name,
            e.next_visit_due.isoformat() if e.next_visit_due else "",
            _("Yes") if e.overdue else "",
            str(e.get_status_display()),
        ]
        for e in entries.iterator(chunk_size=500)
    )
    return xlsx_table(user, _("Ledger"), headers, rows)
