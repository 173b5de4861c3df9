"""Writes of the plan: unit plans and their tasks, progress, the annual reporting
calendar (15 December / 30 December), meetings, and evaluations.

Chapter 七 of the rules: every member unit writes its implementation plan and reports
its year's work to the joint-conference office at its level by 15 December; each
district's joint conference reports to the municipal joint conference and the district
government by 30 December, and meets at least once a year; the municipal joint
conference evaluates every year and at the end of 2030.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from homeward.coordination.indicators import all_indicators, compute
from homeward.coordination.models import (
    Activity,
    AnnualReport,
    BudgetLine,
    Donation,
    Evaluation,
    Indicator,
    Measure,
    Meeting,
    PlanTask,
    RegionListing,
    RegionProgress,
    Scorecard,
    TaskProgress,
    UnitPlan,
    VolunteerTeam,
)
from homeward.core.actors import check_transition, require_permission
from homeward.core.audit import audit_record
from homeward.core.audit_actions import AuditAction
from homeward.core.errors import DomainError
from homeward.core.models import Agency, User
from homeward.core.models.agencies import DISTRICT_GOVERNMENT_KIND, JOINT_CONFERENCE_OFFICE_KIND
from homeward.core.roles import P_PLAN_OVERSEE, P_PLAN_WRITE

MEMBER_UNIT_DUE = (12, 15)
DISTRICT_DUE = (12, 30)
# The stage evaluation of a year is due by this day of the next year (after the district
# reports of 30 December); the final evaluation is held at the end of 2030 (七、(一)).
STAGE_EVALUATION_DUE = (1, 31)
FINAL_EVALUATION_YEAR = 2030
FINAL_EVALUATION_OPENS = date(FINAL_EVALUATION_YEAR, 12, 1)
FINAL_EVALUATION_DUE = date(FINAL_EVALUATION_YEAR, 12, 31)


class PlanError:
    NOT_YOUR_UNIT = "plan_not_your_unit"
    NOT_PLAN_OWNER = "plan_not_plan_owner"
    BAD_STEP = "plan_bad_step"
    FINAL_ONLY_2030 = "plan_final_only_2030"
    TOO_EARLY = "plan_evaluation_too_early"


# An annual report: due -> submitted -> accepted, or returned for revision and filed again.
REPORT_TRANSITIONS: dict[str, frozenset[str]] = {
    AnnualReport.Status.DUE: frozenset({AnnualReport.Status.SUBMITTED}),
    AnnualReport.Status.RETURNED: frozenset({AnnualReport.Status.SUBMITTED}),
    AnnualReport.Status.SUBMITTED: frozenset(
        {AnnualReport.Status.ACCEPTED, AnnualReport.Status.RETURNED}
    ),
    AnnualReport.Status.ACCEPTED: frozenset(),
}


def _own_unit(actor: User, agency: Agency) -> None:
    require_permission(actor, P_PLAN_WRITE)
    if actor.agency_id != agency.pk:
        raise DomainError(
            PlanError.NOT_YOUR_UNIT, _("Only the unit's own staff write its plan."), status=403
        )
    _plan_owner(actor)


def _plan_owner(actor: User) -> None:
    from homeward.coordination.selectors import files_reports

    if not files_reports(actor):
        raise DomainError(
            PlanError.NOT_PLAN_OWNER,
            _(
                "Only the unit's plan owners write its plan and file its annual report; "
                "staff working in a township or a school do not."
            ),
            status=403,
        )


def office_for(agency: Agency) -> Agency:
    """The joint-conference office a unit reports to: its district's, or the municipal
    one (a district joint-conference office reports to the municipal office)."""
    if agency.kind == JOINT_CONFERENCE_OFFICE_KIND or agency.division_id is None:
        return Agency.objects.get(kind=JOINT_CONFERENCE_OFFICE_KIND, division__isnull=True)
    return Agency.objects.get(kind=JOINT_CONFERENCE_OFFICE_KIND, division_id=agency.division_id)


def _oversees(actor: User, agency: Agency) -> bool:
    return actor.has_perm(P_PLAN_OVERSEE) and actor.agency_id == office_for(agency).pk


def recipients_of(report: AnnualReport) -> list[Agency]:
    """Who receives the report (七、(四)): a member unit's goes to the joint-conference
    office at its level; a district joint conference's to the municipal joint conference
    and to the district's people's government."""
    if report.level == AnnualReport.Level.DISTRICT:
        recipients = [Agency.objects.get(kind=JOINT_CONFERENCE_OFFICE_KIND, division__isnull=True)]
        government = Agency.objects.filter(
            kind=DISTRICT_GOVERNMENT_KIND, division=report.agency.division
        ).first()
        if government is not None:
            recipients.append(government)
        return recipients
    return [office_for(report.agency)]


# --- Plans and progress -------------------------------------------------------------------


@transaction.atomic
def unit_plan_get_or_create(*, actor: User, year: int) -> UnitPlan:
    require_permission(actor, P_PLAN_WRITE)
    _plan_owner(actor)
    plan, created = UnitPlan.objects.get_or_create(
        agency=actor.agency, year=year, defaults={"created_by": actor}
    )
    if created:
        audit_record(
            actor=actor, action=AuditAction.UNIT_PLAN_CREATE, obj=plan, detail={"year": year}
        )
    return plan


@transaction.atomic
def plan_task_add(
    *,
    actor: User,
    plan: UnitPlan,
    measure: Measure,
    title: str,
    owner: str,
    deadline: date,
    indicator: str = "",
    target: Decimal | None = None,
) -> PlanTask:
    _own_unit(actor, plan.agency)
    errors: dict[str, list[str]] = {}
    if not title.strip():
        errors["title"] = [_("Describe the task.")]
    if not owner.strip():
        errors["owner"] = [_("Name who is responsible.")]
    if indicator and indicator not in Indicator.values:
        errors["indicator"] = [_("Choose an indicator.")]
    if deadline.year != plan.year:
        errors["deadline"] = [_("The deadline falls in the plan's year.")]
    if errors:
        raise ValidationError(errors)
    task = PlanTask.objects.create(
        plan=plan,
        measure=measure,
        title=title.strip(),
        owner=owner.strip(),
        indicator=indicator,
        target=target,
        deadline=deadline,
    )
    audit_record(
        actor=actor, action=AuditAction.PLAN_TASK_ADD, obj=plan, detail={"measure": measure.number}
    )
    return task


ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024


def _attachment(upload: Any) -> tuple[Any, str]:
    """A picture is re-encoded (metadata dropped); a PDF is rewritten without active
    content or metadata (core.uploads); nothing else (no HTML, scripts or office
    macros). Stored under a generated name."""
    from homeward.core.uploads import is_pdf, reencode_photo, sanitize_pdf

    if upload.size > ATTACHMENT_MAX_BYTES:
        raise ValidationError({"attachment": [_("At most 10 MB.")]})
    if is_pdf(upload):
        try:
            return sanitize_pdf(upload), "application/pdf"
        except DomainError as error:
            raise ValidationError({"attachment": [error.message]}) from error
    try:
        picture = reencode_photo(upload)
    except DomainError as error:
        raise ValidationError(
            {"attachment": [error.message, _("Attach a PDF or a picture.")]}
        ) from error
    return picture, "image/jpeg"


@transaction.atomic
def unit_plan_mirror(*, actor: User, year: int) -> UnitPlan:
    """A district unit starts its plan from the municipal counterpart's tasks."""
    require_permission(actor, P_PLAN_WRITE)
    agency = actor.agency
    if agency.division_id is None:
        raise DomainError(PlanError.BAD_STEP, _("Only a district unit mirrors the municipal plan."))
    source = UnitPlan.objects.filter(
        agency__kind=agency.kind, agency__division__isnull=True, year=year
    ).first()
    if source is None:
        raise DomainError(
            PlanError.BAD_STEP, _("The municipal unit has no plan for this year yet.")
        )
    plan = unit_plan_get_or_create(actor=actor, year=year)
    have = set(plan.tasks.values_list("measure_id", "title"))
    PlanTask.objects.bulk_create(
        [
            PlanTask(
                plan=plan,
                measure_id=task.measure_id,
                title=task.title,
                owner=task.owner,
                indicator=task.indicator,
                target=task.target,
                deadline=task.deadline,
            )
            for task in source.tasks.all()
            if (task.measure_id, task.title) not in have
        ]
    )
    audit_record(
        actor=actor, action=AuditAction.UNIT_PLAN_MIRROR, obj=plan, detail={"source": source.pk}
    )
    return plan


@transaction.atomic
def progress_record(
    *,
    actor: User,
    task: PlanTask,
    recorded_on: date,
    text: str,
    figure: Decimal | None = None,
    done: bool = False,
    attachment: Any = None,
) -> TaskProgress:
    """Record work on a task. A task with a computed indicator gets its figure from the
    platform, whatever was typed."""
    _own_unit(actor, task.plan.agency)
    if not text.strip():
        raise ValidationError({"text": [_("Say what was done.")]})
    computed = bool(task.indicator)
    if computed:
        figure = Decimal(compute(task.indicator, task.plan.agency, task.plan.year))
    entry = TaskProgress(
        task=task,
        recorded_on=recorded_on,
        text=text.strip(),
        figure=figure,
        computed=computed,
        recorded_by=actor,
    )
    if attachment is not None:
        content, kind = _attachment(attachment)
        entry.attachment.save(content.name, content, save=False)
        entry.attachment_type = kind
    entry.save()
    if done and not task.done:
        task.done = True
        task.save(update_fields=["done"])
    audit_record(
        actor=actor, action=AuditAction.PLAN_PROGRESS, obj=task.plan, detail={"task": task.pk}
    )
    return entry


# --- Annual reports -----------------------------------------------------------------------


def _member_units() -> list[Agency]:
    """Agencies bound by the plan: every unit with a duty, their district counterparts,
    and the district joint-conference offices."""
    from homeward.coordination.models import Duty

    kinds = set(Duty.objects.values_list("agency__kind", flat=True))
    return list(
        Agency.objects.filter(kind__in=kinds)
        .exclude(kind__in=[JOINT_CONFERENCE_OFFICE_KIND, DISTRICT_GOVERNMENT_KIND])
        .order_by("pk")
    )


def _district_offices() -> list[Agency]:
    return list(
        Agency.objects.filter(kind=JOINT_CONFERENCE_OFFICE_KIND, division__isnull=False).order_by(
            "pk"
        )
    )


def _platform_in_use_by(day: date) -> bool:
    """Somebody had an account before ``day``: the platform was there to keep the
    calendar (a fresh installation does not open last year's reports)."""
    moment = datetime(day.year, day.month, day.day, tzinfo=timezone.get_current_timezone())
    return User.objects.filter(date_joined__lt=moment).exists()


def calendar_years(today: date) -> list[int]:
    """The reporting years whose reports must exist on ``today``: this year from 1
    December, and last year if the platform was in use then, so that a December without
    a tick (a server down, a ticker stopped) creates the reports on the next tick."""
    years = []
    if _platform_in_use_by(date(today.year - 1, 12, 1)):
        years.append(today.year - 1)
    if today >= date(today.year, 12, 1):
        years.append(today.year)
    return years


def _reports_open(year: int) -> int:
    existing = set(AnnualReport.objects.filter(year=year).values_list("agency_id", "level"))
    new = [
        AnnualReport(
            agency=agency,
            year=year,
            level=AnnualReport.Level.MEMBER_UNIT,
            due_on=date(year, *MEMBER_UNIT_DUE),
        )
        for agency in _member_units()
        if (agency.pk, AnnualReport.Level.MEMBER_UNIT) not in existing
    ] + [
        AnnualReport(
            agency=agency,
            year=year,
            level=AnnualReport.Level.DISTRICT,
            due_on=date(year, *DISTRICT_DUE),
        )
        for agency in _district_offices()
        if (agency.pk, AnnualReport.Level.DISTRICT) not in existing
    ]
    AnnualReport.objects.bulk_create(new, ignore_conflicts=True, batch_size=500)
    return len(new)


def reports_calendar(today: date | None = None) -> dict[str, int]:
    """The tick job. From 1 December the year's reports exist (one per member unit due 15
    December, one per district joint conference due 30 December); in the last 7 days the
    units not yet submitted are reminded; after the due date they are overdue. A missed
    December is caught up on the next tick; the evaluations are scheduled too."""
    today = today or timezone.localdate()
    counts = {"created": 0, "reminded": 0, "overdue": 0, "evaluations": 0}
    for year in calendar_years(today):
        counts["created"] += _reports_open(year)
    open_statuses = [AnnualReport.Status.DUE, AnnualReport.Status.RETURNED]
    counts["reminded"] = AnnualReport.objects.filter(
        status__in=open_statuses,
        reminded_at__isnull=True,
        due_on__gte=today,
        due_on__lte=today + timedelta(days=7),
    ).update(reminded_at=timezone.now())
    counts["overdue"] = AnnualReport.objects.filter(
        status__in=open_statuses, due_on__lt=today, overdue=False
    ).update(overdue=True)
    counts["evaluations"] = evaluations_schedule(today)
    return counts


def evaluations_schedule(today: date | None = None) -> int:
    """The yearly stage evaluation (七、(一) 每年应开展1次阶段性评估) and the final one at the
    end of 2030 are scheduled from 1 December of their year, due 31 January of the next
    year (stage) or 31 December 2030 (final); the municipal office is prompted from then
    on (the dashboard) until it publishes. Idempotent; catches up a missed December."""
    today = today or timezone.localdate()
    created = 0
    wanted: list[tuple[str, int, date]] = [
        (Evaluation.Kind.STAGE, year, date(year + 1, *STAGE_EVALUATION_DUE))
        for year in calendar_years(today)
    ]
    if today >= FINAL_EVALUATION_OPENS:
        wanted.append((Evaluation.Kind.FINAL, FINAL_EVALUATION_YEAR, FINAL_EVALUATION_DUE))
    now = timezone.now()
    for kind, year, due in wanted:
        evaluation, made = Evaluation.objects.get_or_create(
            kind=kind, year=year, defaults={"due_on": due, "prompted_at": now}
        )
        if made:
            created += 1
            audit_record(
                actor=None,
                action=AuditAction.EVALUATION_SCHEDULED,
                obj=evaluation,
                detail={"kind": kind, "year": year, "due_on": due.isoformat()},
                actor_username="system",
            )
        elif evaluation.prompted_at is None and evaluation.published_at is None:
            Evaluation.objects.filter(pk=evaluation.pk).update(due_on=due, prompted_at=now)
    return created


def evaluations_due(today: date | None = None) -> list[Evaluation]:
    """Scheduled evaluations not yet published, oldest first: the office's prompt."""
    return list(
        Evaluation.objects.filter(published_at__isnull=True, prompted_at__isnull=False).order_by(
            "due_on", "kind"
        )
    )


@transaction.atomic
def report_submit(*, actor: User, report: AnnualReport, body: str) -> AnnualReport:
    """File the report, with the computed figures of the year filled in."""
    _own_unit(actor, report.agency)
    check_transition(
        REPORT_TRANSITIONS,
        report.status,
        AnnualReport.Status.SUBMITTED,
        code=PlanError.BAD_STEP,
        message=_("This report has already been filed."),
    )
    if len(body.strip()) < 20:
        raise ValidationError({"body": [_("Write the report (at least a few sentences).")]})
    report.body = body.strip()
    report.figures = all_indicators(report.agency, report.year)
    report.status = AnnualReport.Status.SUBMITTED
    report.submitted_at = timezone.now()
    report.submitted_by = actor
    report.save()
    audit_record(
        actor=actor,
        action=AuditAction.ANNUAL_REPORT_SUBMIT,
        obj=report,
        detail={"late": timezone.localdate() > report.due_on},
    )
    return report


@transaction.atomic
def report_review(
    *, actor: User, report: AnnualReport, accept: bool, note: str = ""
) -> AnnualReport:
    if not _oversees(actor, report.agency):
        raise DomainError(
            PlanError.NOT_YOUR_UNIT,
            _("The joint-conference office the unit reports to reviews the report."),
            status=403,
        )
    target = AnnualReport.Status.ACCEPTED if accept else AnnualReport.Status.RETURNED
    check_transition(
        REPORT_TRANSITIONS,
        report.status,
        target,
        code=PlanError.BAD_STEP,
        message=_("Only a filed report is reviewed."),
    )
    if not accept and not note.strip():
        raise ValidationError({"review_note": [_("Say what to revise.")]})
    report.status = target
    report.review_note = note.strip()[:300]
    report.reviewed_at = timezone.now()
    report.save()
    audit_record(
        actor=actor, action=AuditAction.ANNUAL_REPORT_REVIEW, obj=report, detail={"accept": accept}
    )
    return report


# --- Meetings -----------------------------------------------------------------------------


@transaction.atomic
def meeting_record(
    *, actor: User, held_on: date, title: str, minutes: str, decisions: str = ""
) -> Meeting:
    if actor.agency.kind != JOINT_CONFERENCE_OFFICE_KIND or not actor.has_perm(
        "coordination.oversee_plan"
    ):
        raise DomainError(
            PlanError.NOT_YOUR_UNIT,
            _("The joint-conference office records its meetings."),
            status=403,
        )
    if held_on > timezone.localdate():
        raise ValidationError({"held_on": [_("This date is in the future.")]})
    if not minutes.strip():
        raise ValidationError({"minutes": [_("Write the minutes.")]})
    meeting = Meeting.objects.create(
        agency=actor.agency,
        held_on=held_on,
        title=title.strip(),
        minutes=minutes.strip(),
        decisions=decisions.strip(),
        recorded_by=actor,
    )
    audit_record(actor=actor, action=AuditAction.MEETING_RECORD, obj=meeting)
    return meeting


def districts_without_meeting(year: int) -> list[Agency]:
    met = set(Meeting.objects.filter(held_on__year=year).values_list("agency_id", flat=True))
    return list(
        Agency.objects.filter(kind=JOINT_CONFERENCE_OFFICE_KIND, division__isnull=False)
        .exclude(pk__in=met)
        .select_related("division")
        .order_by("division__code")
    )


# --- Evaluations --------------------------------------------------------------------------


def criteria() -> list[dict[str, Any]]:
    """The configured evaluation criteria (``PLAN_EVALUATION_CRITERIA``)."""
    return list(settings.PLAN_EVALUATION_CRITERIA)


@dataclass(frozen=True)
class YearFacts:
    """What the platform knows of a year, read once for all the scorecards."""

    reports: dict[int, tuple[datetime | None, date]]
    tasks: dict[int, tuple[int, int]]
    met: set[int]
    progressed: set[int]

    @classmethod
    def of(cls, year: int) -> YearFacts:
        tasks = (
            PlanTask.objects.filter(plan__year=year)
            .values("plan__agency_id")
            .annotate(total=Count("pk"), done=Count("pk", filter=Q(done=True)))
            .order_by()
        )
        return cls(
            reports={
                agency: (submitted, due)
                for agency, submitted, due in AnnualReport.objects.filter(year=year).values_list(
                    "agency_id", "submitted_at", "due_on"
                )
            },
            tasks={row["plan__agency_id"]: (row["total"], row["done"]) for row in tasks},
            met=set(Meeting.objects.filter(held_on__year=year).values_list("agency_id", flat=True)),
            progressed=set(
                TaskProgress.objects.filter(task__plan__year=year).values_list(
                    "task__plan__agency_id", flat=True
                )
            ),
        )


def _score(agency: Agency, facts: YearFacts, criterion: dict[str, Any]) -> float:
    """0 to the criterion's weight, from what the platform knows."""
    weight = float(criterion["weight"])
    key = criterion["key"]
    if key == "report_on_time":
        submitted, due = facts.reports.get(agency.pk, (None, None))
        if submitted is None or due is None:
            return 0.0
        return weight if timezone.localtime(submitted).date() <= due else weight / 2
    if key == "tasks_done":
        total, done = facts.tasks.get(agency.pk, (0, 0))
        return weight * done / total if total else 0.0
    if key == "meeting_held":
        if agency.kind != JOINT_CONFERENCE_OFFICE_KIND:
            return weight
        return weight if agency.pk in facts.met else 0.0
    if key == "progress_recorded":
        return weight if agency.pk in facts.progressed else 0.0
    raise ValueError(f"unknown criterion {key!r}")


def _grade(total: float) -> str:
    if total >= 90:
        return Scorecard.Grade.EXCELLENT
    if total >= 75:
        return Scorecard.Grade.GOOD
    if total >= 60:
        return Scorecard.Grade.PASS
    return Scorecard.Grade.FAIL


@transaction.atomic
def evaluation_run(
    *, actor: User, kind: str, year: int, agencies: list[Agency] | None = None
) -> Evaluation:
    """Score every member unit and district joint conference on the configured criteria,
    pre-filled from what the platform knows; the office may then record verdicts.

    The year's facts are read in a few grouped queries and the scorecards written in
    bulk, so the query count does not grow with the number of units (about 1,250).
    A stage evaluation is for a year whose reports are open (from 1 December); the final
    evaluation is for 2030 only and only at its end (七、(一) 2030年年底进行终期评估)."""
    _municipal_office(actor)
    today = timezone.localdate()
    if kind not in Evaluation.Kind.values:
        raise ValidationError({"kind": [_("Choose the kind of evaluation.")]})
    if kind == Evaluation.Kind.FINAL:
        if year != FINAL_EVALUATION_YEAR:
            raise DomainError(PlanError.FINAL_ONLY_2030, _("The final evaluation is for 2030."))
        if today < FINAL_EVALUATION_OPENS:
            raise DomainError(
                PlanError.TOO_EARLY,
                _("The final evaluation is held at the end of 2030 (from 1 December 2030)."),
            )
    elif today < date(year, 12, 1):
        raise DomainError(
            PlanError.TOO_EARLY,
            _("The stage evaluation of a year opens on 1 December, with its annual reports."),
        )
    evaluation, _created = Evaluation.objects.get_or_create(
        kind=kind, year=year, defaults={"created_by": actor}
    )
    if evaluation.published_at is not None:
        raise DomainError(PlanError.BAD_STEP, _("This evaluation has been published."))
    scope = agencies if agencies is not None else _member_units() + _district_offices()
    facts = YearFacts.of(year)
    configured = criteria()
    existing = {card.agency_id: card for card in evaluation.scorecards.all()}
    changed: list[Scorecard] = []
    new: list[Scorecard] = []
    for agency in scope:
        scores = {c["key"]: round(_score(agency, facts, c), 1) for c in configured}
        total = round(sum(scores.values()), 1)
        card = existing.get(agency.pk) or Scorecard(evaluation=evaluation, agency=agency)
        card.scores = scores
        card.total = Decimal(str(total))
        card.grade = _grade(total)
        (changed if card.pk else new).append(card)
    Scorecard.objects.bulk_create(new, batch_size=500)
    Scorecard.objects.bulk_update(changed, ["scores", "total", "grade"], batch_size=500)
    evaluation.run_at = timezone.now()
    if evaluation.created_by_id is None:
        evaluation.created_by = actor
    evaluation.save(update_fields=["run_at", "created_by"])
    audit_record(
        actor=actor, action=AuditAction.EVALUATION_RUN, obj=evaluation, detail={"units": len(scope)}
    )
    return evaluation


@transaction.atomic
def scorecard_verdict(
    *, actor: User, scorecard: Scorecard, verdict: str, grounds: str
) -> Scorecard:
    """A commendation or a public criticism with its grounds (七、(三))."""
    _municipal_office(actor)
    if scorecard.evaluation.published_at is not None:
        raise DomainError(PlanError.BAD_STEP, _("This evaluation has been published."))
    if verdict not in ("commended", "criticised", ""):
        raise ValidationError({"verdict": [_("Choose commendation or criticism.")]})
    if verdict and not grounds.strip():
        raise ValidationError({"grounds": [_("State the grounds.")]})
    scorecard.verdict = verdict
    scorecard.grounds = grounds.strip()[:300]
    scorecard.save(update_fields=["verdict", "grounds"])
    audit_record(
        actor=actor,
        action=AuditAction.SCORECARD_VERDICT,
        obj=scorecard.evaluation,
        detail={"verdict": verdict},
    )
    return scorecard


@transaction.atomic
def evaluation_publish(*, actor: User, evaluation: Evaluation) -> Evaluation:
    _municipal_office(actor)
    evaluation.refresh_from_db()
    if evaluation.published_at is not None:
        raise DomainError(PlanError.BAD_STEP, _("This evaluation has been published."))
    if evaluation.run_at is None:
        raise DomainError(PlanError.BAD_STEP, _("Run the evaluation before publishing it."))
    evaluation.published_at = timezone.now()
    evaluation.save(update_fields=["published_at"])
    audit_record(actor=actor, action=AuditAction.EVALUATION_PUBLISH, obj=evaluation)
    return evaluation


# --- Key regions, funding, publicity and training ---------------------------------------


def _municipal_office(actor: User) -> None:
    if not (
        actor.has_perm(P_PLAN_OVERSEE)
        and actor.agency.kind == JOINT_CONFERENCE_OFFICE_KIND
        and actor.agency.division_id is None
    ):
        raise DomainError(
            PlanError.NOT_YOUR_UNIT,
            _("The municipal joint-conference office does this."),
            status=403,
        )


def _office_of(actor: User, division_id: int | None) -> None:
    if not (
        actor.has_perm(P_PLAN_OVERSEE)
        and actor.agency.kind == JOINT_CONFERENCE_OFFICE_KIND
        and (actor.agency.division_id is None or actor.agency.division_id == division_id)
    ):
        raise DomainError(
            PlanError.NOT_YOUR_UNIT,
            _("The joint-conference office of this district does this."),
            status=403,
        )


@transaction.atomic
def region_listing_create(
    *, actor: User, division: Any, reason: str, warning: str, deadline: date
) -> RegionListing:
    _municipal_office(actor)
    if not reason.strip():
        raise ValidationError({"reason": [_("Say why the region is listed.")]})
    if deadline <= timezone.localdate():
        raise ValidationError({"deadline": [_("The deadline is in the future.")]})
    listing = RegionListing.objects.create(
        division=division,
        reason=reason.strip(),
        warning=warning.strip(),
        deadline=deadline,
        listed_by=actor,
    )
    audit_record(
        actor=actor,
        action=AuditAction.REGION_LISTING_CREATE,
        obj=listing,
        detail={"division": division.code},
    )
    return listing


@transaction.atomic
def region_progress_add(*, actor: User, listing: RegionListing, text: str) -> RegionProgress:
    _office_of(actor, listing.division_id)
    if listing.lifted_at is not None:
        raise DomainError(PlanError.BAD_STEP, _("This listing has been lifted."))
    if not text.strip():
        raise ValidationError({"text": [_("Say what was done.")]})
    progress = RegionProgress.objects.create(
        listing=listing, reported_on=timezone.localdate(), text=text.strip(), reported_by=actor
    )
    audit_record(actor=actor, action=AuditAction.REGION_PROGRESS, obj=listing)
    return progress


@transaction.atomic
def region_listing_lift(*, actor: User, listing: RegionListing) -> RegionListing:
    """The municipal joint-conference office lifts a key-region listing (once: a second
    lift, from another page or a double submit, is refused and keeps the first date)."""
    _municipal_office(actor)
    locked = RegionListing.objects.select_for_update().get(pk=listing.pk)
    if locked.lifted_at is not None:
        raise DomainError(PlanError.BAD_STEP, _("This listing has been lifted."))
    locked.lifted_at = timezone.now()
    locked.save(update_fields=["lifted_at"])
    audit_record(actor=actor, action=AuditAction.REGION_LISTING_LIFT, obj=locked)
    listing.lifted_at = locked.lifted_at
    return locked


@transaction.atomic
def budget_line_set(*, actor: User, year: int, budgeted: Decimal, executed: Decimal) -> BudgetLine:
    """The office records its level's budget line and how much of it was spent."""
    _office_of(actor, actor.agency.division_id)
    if budgeted < 0 or executed < 0:
        raise ValidationError({"budgeted": [_("Amounts are not negative.")]})
    line, _created = BudgetLine.objects.update_or_create(
        division_id=actor.agency.division_id,
        year=year,
        defaults={"budgeted": budgeted, "executed": executed, "recorded_by": actor},
    )
    audit_record(actor=actor, action=AuditAction.BUDGET_LINE_SET, obj=line, detail={"year": year})
    return line


@transaction.atomic
def donation_record(
    *,
    actor: User,
    donor_kind: str,
    donor_name: str,
    amount: Decimal,
    received_on: date,
    purpose: str = "",
) -> Donation:
    _office_of(actor, actor.agency.division_id)
    if donor_kind not in Donation.DonorKind.values:
        raise ValidationError({"donor_kind": [_("Choose organisation or individual.")]})
    if amount <= 0:
        raise ValidationError({"amount": [_("The amount is positive.")]})
    donation = Donation.objects.create(
        division_id=actor.agency.division_id,
        donor_kind=donor_kind,
        donor_name=donor_name.strip(),
        amount=amount,
        received_on=received_on,
        purpose=purpose.strip(),
        recorded_by=actor,
    )
    audit_record(actor=actor, action=AuditAction.DONATION_RECORD, obj=donation)
    return donation


@transaction.atomic
def activity_record(*, actor: User, **fields: Any) -> Activity:
    """A campaign or a training held by the actor's unit (its counts feed the indicators)."""
    require_permission(actor, P_PLAN_WRITE)
    if fields.get("kind") not in Activity.Kind.values:
        raise ValidationError({"kind": [_("Choose campaign or training.")]})
    if fields.get("held_on") and fields["held_on"] > timezone.localdate():
        raise ValidationError({"held_on": [_("This date is in the future.")]})
    activity = Activity.objects.create(agency=actor.agency, recorded_by=actor, **fields)
    audit_record(
        actor=actor,
        action=AuditAction.ACTIVITY_RECORD,
        obj=activity,
        detail={"kind": activity.kind},
    )
    return activity


@transaction.atomic
def volunteer_team_save(
    *, actor: User, name: str, members: int, activities: str = "", evaluation: str = ""
) -> VolunteerTeam:
    require_permission(actor, P_PLAN_WRITE)
    if not name.strip():
        raise ValidationError({"name": [_("Name the team.")]})
    team, _created = VolunteerTeam.objects.update_or_create(
        agency=actor.agency,
        name=name.strip(),
        defaults={
            "members": members,
            "activities": activities.strip(),
            "evaluation": evaluation.strip(),
            "updated_at": timezone.now(),
        },
    )
    audit_record(actor=actor, action=AuditAction.VOLUNTEER_TEAM_SAVE, obj=team)
    return team
