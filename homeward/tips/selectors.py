"""Reads of the clue module: the triage queue is scoped to the police unit's district
(municipal police see all); every clue view is audited."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from homeward.core.audit import read_audited_or_404
from homeward.core.counts import Counts
from homeward.core.figures import FigureDefinition, figure_counts
from homeward.core.home import WorkItem, WorkKind
from homeward.core.models import User
from homeward.core.scoping import scope_filter
from homeward.tips.models import MandatoryReport, Tip, TipIdentifier


def tips_visible_to(user: User) -> QuerySet[Tip]:
    if not user.agency.is_public_security:
        return Tip.objects.none()
    return scope_filter(Tip.objects.all(), user).select_related(
        "division", "assigned_to", "owning_agency"
    )


def triage_queue(user: User, *, status: str = "", overdue_only: bool = False) -> QuerySet[Tip]:
    tips = tips_visible_to(user)
    if status:
        tips = tips.filter(status=status)
    else:
        tips = tips.filter(
            status__in=[
                Tip.Status.RECEIVED,
                Tip.Status.TRIAGED,
                Tip.Status.ASSIGNED,
                Tip.Status.VERIFYING,
            ]
        )
    if overdue_only:
        tips = tips.filter(overdue=True)
    return tips.order_by("-priority", "received_hour", "pk")


def tip_get_for_user(user: User, pk: int) -> Tip:
    """One clue in the user's scope (404 otherwise); the read is audited."""
    return read_audited_or_404(user, tips_visible_to(user), pk)


def _bigrams(text: str) -> set[str]:
    compact = "".join(text.split())
    return {compact[i : i + 2] for i in range(len(compact) - 1)}


def related_tips(user: User, tip: Tip, *, limit: int = 10) -> list[tuple[Tip, list[str]]]:
    """Possible duplicates or related clues in the user's scope, with the reasons:
    same contact detail (phone, WeChat, QQ, account or plate), same district and
    category within 7 days, similar text."""
    candidates = tips_visible_to(user).exclude(pk=tip.pk)
    reasons: dict[int, list[str]] = {}
    digests = list(tip.identifiers.values_list("digest", flat=True))
    for other_id in (
        TipIdentifier.objects.filter(digest__in=digests)
        .exclude(tip=tip)
        .values_list("tip_id", flat=True)
    ):
        reasons.setdefault(other_id, []).append(
            str(_("same contact detail (phone, WeChat, QQ or plate)"))
        )
    window = timedelta(days=7)
    nearby = candidates.filter(
        division=tip.division,
        received_hour__gte=tip.received_hour - window,
        received_hour__lte=tip.received_hour + window,
    )[:200]
    mine = _bigrams(tip.narrative)
    for other in nearby:
        if other.category == tip.category:
            reasons.setdefault(other.pk, []).append(str(_("same district, category and week")))
        theirs = _bigrams(other.narrative)
        if mine and theirs and len(mine & theirs) / len(mine | theirs) >= 0.3:
            reasons.setdefault(other.pk, []).append(str(_("similar text")))
    found = {t.pk: t for t in candidates.filter(pk__in=reasons)}
    ranked = sorted(reasons.items(), key=lambda item: (-len(item[1]), item[0]))
    return [(found[pk], why) for pk, why in ranked if pk in found][:limit]


def mandatory_reports_of(user: User) -> QuerySet[MandatoryReport]:
    """A mandatory reporter sees their own reports and their outcome."""
    return (
        MandatoryReport.objects.filter(reporter=user)
        .select_related("tip")
        .order_by("-tip__received_hour")
    )


# The module's figures (core.figures): the plan's indicators and the situation
# analysis read these. A clue has no change timestamp (its receipt is kept to the hour,
# DP-08), so its rollup is rechecked by month.
FIGURES: list[FigureDefinition] = [
    FigureDefinition(
        key="clues_received",
        label=gettext_lazy("Clues received"),
        model="tips.Tip",
        date_field="received_hour",
        category_field="category",
        category_labels=dict(Tip.Category.choices),
        point_fields=("latitude", "longitude"),
    ),
    FigureDefinition(
        key="clues_substantiated",
        label=gettext_lazy("Clues substantiated"),
        model="tips.Tip",
        date_field="received_hour",
        category_field="category",
        category_labels=dict(Tip.Category.choices),
        condition=Q(status=Tip.Status.SUBSTANTIATED),
    ),
    FigureDefinition(
        key="mandatory_reports",
        label=gettext_lazy("Mandatory reports"),
        model="tips.Tip",
        date_field="received_hour",
        category_field="mandatory__institution_kind",
        category_labels=dict(MandatoryReport.InstitutionKind.choices),
        condition=Q(channel=Tip.Channel.MANDATORY),
    ),
]


def plan_counts(start: datetime, end: datetime) -> Counts:
    """Clues received and substantiated in [start, end), per district (the plan's
    indicators; numbers only)."""
    return figure_counts(FIGURES[:2], start, end)


def home_work(user: User, *, since: datetime | None, today: date) -> list[WorkItem]:
    """The home page's clue figures: overdue triage, new clues since the last visit,
    rewards waiting for approval (heads and the municipal bureau), and a mandatory
    reporter's reports still being handled."""
    from django.urls import reverse
    from django.utils.translation import gettext_lazy as _

    from homeward.core.roles import P_TIP_MANDATORY, P_TIP_REWARD_APPROVE, P_TIP_TRIAGE
    from homeward.tips.models import Reward

    items: list[WorkItem] = []
    if user.has_perm(P_TIP_TRIAGE):
        from django.db.models import Count, Q

        queue = reverse("tips:queue")
        # A clue keeps only the hour it was received (no exact time is stored), so
        # "new" counts from the hour of the last visit.
        hour = since.replace(minute=0, second=0, microsecond=0) if since else None
        counts = triage_queue(user).aggregate(
            overdue=Count("pk", filter=Q(overdue=True)),
            waiting=Count("pk", filter=Q(status=Tip.Status.RECEIVED)),
        )
        items.append(
            WorkItem(
                WorkKind.OVERDUE,
                _("Clues past their triage deadline"),
                counts["overdue"],
                f"{queue}?overdue=1",
            )
        )
        if hour is not None:
            items.append(
                WorkItem(
                    WorkKind.NEW,
                    _("New clues"),
                    tips_visible_to(user).filter(received_hour__gte=hour).count(),
                    queue,
                )
            )
        items.append(
            WorkItem(
                WorkKind.WAITING,
                _("Clues waiting for triage"),
                counts["waiting"],
                f"{queue}?status={Tip.Status.RECEIVED}",
            )
        )
    if user.has_perm(P_TIP_REWARD_APPROVE) and user.agency.is_public_security:
        pending = Reward.objects.filter(
            tip__in=tips_visible_to(user),
            status__in=[Reward.Status.APPLIED, Reward.Status.UNIT_APPROVED],
        )
        if not user.agency.is_municipal:
            pending = pending.filter(tip__owning_agency=user.agency)
        items.append(
            WorkItem(
                WorkKind.WAITING,
                _("Reporting rewards waiting for approval"),
                pending.count(),
                f"{reverse('tips:queue')}?status={Tip.Status.SUBSTANTIATED}",
            )
        )
    if user.has_perm(P_TIP_MANDATORY):
        open_statuses = [Tip.Status.RECEIVED, Tip.Status.TRIAGED, Tip.Status.ASSIGNED]
        items.append(
            WorkItem(
                WorkKind.WAITING,
                _("Your mandatory reports still being handled"),
                mandatory_reports_of(user)
                .filter(tip__status__in=[*open_statuses, Tip.Status.VERIFYING])
                .count(),
                reverse("tips:mandatory_list"),
            )
        )
    return items


def tracking_code_of(*, tip_id: int | None = None, mandatory_id: int | None = None) -> str:
    """The clue's tracking code, the reference people quote (never the database id);
    "" when there is no such clue."""
    if mandatory_id is not None:
        tip_id = (
            MandatoryReport.objects.filter(pk=mandatory_id).values_list("tip_id", flat=True).first()
        )
    if tip_id is None:
        return ""
    return Tip.objects.filter(pk=tip_id).values_list("tracking_code", flat=True).first() or ""
