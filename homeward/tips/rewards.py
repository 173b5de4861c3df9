"""Reporting rewards: application → approval by the case unit → approval by the
municipal bureau above a configurable amount → paid. The anonymous reporter is paid
on presenting the clue's tracking code and secret. Every step is audited."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from homeward.core.audit import audit_record
from homeward.core.audit_actions import AuditAction, audit_action
from homeward.core.errors import DomainError
from homeward.core.models import User
from homeward.tips.models import Reward, RewardStep, Tip
from homeward.tips.services import secret_matches


class RewardError:
    NOT_SUBSTANTIATED = "reward_needs_substantiated_clue"
    BAD_STEP = "reward_bad_step"
    NOT_ALLOWED = "reward_not_allowed"
    WRONG_SECRET = "reward_wrong_secret"  # noqa: S105  (an error code, not a credential)


def _needs_municipal(reward: Reward) -> bool:
    return reward.amount > Decimal(settings.TIP_REWARD_MUNICIPAL_THRESHOLD)


def _next_steps(reward: Reward) -> set[str]:
    if reward.status == Reward.Status.APPLIED:
        return {Reward.Status.UNIT_APPROVED, Reward.Status.REJECTED}
    if reward.status == Reward.Status.UNIT_APPROVED:
        if _needs_municipal(reward):
            return {Reward.Status.MUNICIPAL_APPROVED, Reward.Status.REJECTED}
        return {Reward.Status.PAID, Reward.Status.REJECTED}
    if reward.status == Reward.Status.MUNICIPAL_APPROVED:
        return {Reward.Status.PAID, Reward.Status.REJECTED}
    return set()


def _may_act(actor: User, reward: Reward, to: str) -> bool:
    if not actor.has_perm("tips.approve_reward") or not actor.agency.is_public_security:
        return False
    if to == Reward.Status.MUNICIPAL_APPROVED:
        return actor.agency.is_municipal
    return actor.agency_id == reward.tip.owning_agency_id or actor.agency.is_municipal


@transaction.atomic
def reward_apply(*, actor: User, tip: Tip, amount: Decimal, grounds: str) -> Reward:
    if tip.status != Tip.Status.SUBSTANTIATED:
        raise DomainError(
            RewardError.NOT_SUBSTANTIATED, _("Only a substantiated clue earns a reward.")
        )
    if not (
        actor.agency.is_public_security
        and (actor.agency_id == tip.owning_agency_id or actor.agency.is_municipal)
    ):
        raise DomainError(
            RewardError.NOT_ALLOWED,
            _("Only the police unit of the clue applies for its reward."),
            status=403,
        )
    reward = Reward.objects.create(
        tip=tip, amount=amount, grounds=grounds.strip()[:300], applied_by=actor
    )
    RewardStep.objects.create(
        reward=reward, status=Reward.Status.APPLIED, actor=actor, note=reward.grounds
    )
    audit_record(
        actor=actor, action=AuditAction.REWARD_APPLIED, obj=reward, detail={"amount": str(amount)}
    )
    return reward


def reward_step(
    *,
    actor: User,
    reward: Reward,
    to: str,
    note: str = "",
    tracking_code: str = "",
    secret: str = "",
    payment_reference: str = "",
) -> Reward:
    """One step of the reward. A payment needs the reporter's tracking code and secret;
    a refused payment is audited in its own transaction, so the refusal stays recorded."""
    if to == Reward.Status.PAID:
        tip = Tip.objects.get(pk=reward.tip_id)
        if tracking_code.strip().upper() != tip.tracking_code or not secret_matches(
            secret, tip.secret_hash
        ):
            audit_record(
                actor=actor, action=AuditAction.REWARD_PAYMENT_REFUSED, obj=reward, outcome="denied"
            )
            raise DomainError(
                RewardError.WRONG_SECRET, _("The tracking code and secret do not match the clue.")
            )
    return _reward_step(
        actor=actor, reward=reward, to=to, note=note, payment_reference=payment_reference
    )


@transaction.atomic
def _reward_step(
    *, actor: User, reward: Reward, to: str, note: str, payment_reference: str
) -> Reward:
    locked = Reward.objects.select_for_update().select_related("tip").get(pk=reward.pk)
    if to not in _next_steps(locked):
        raise DomainError(RewardError.BAD_STEP, _("This step is not possible now."), status=409)
    if not _may_act(actor, locked, to):
        raise DomainError(RewardError.NOT_ALLOWED, _("You may not take this step."), status=403)
    if to == Reward.Status.PAID:
        locked.payment_reference = payment_reference.strip()[:60]
        locked.paid_at = timezone.now()
    locked.status = to
    locked.save()
    RewardStep.objects.create(reward=locked, status=to, actor=actor, note=note.strip()[:300])
    audit_record(actor=actor, action=audit_action(f"reward_{to}"), obj=locked)
    return locked
