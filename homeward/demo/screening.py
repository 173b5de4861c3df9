"""Demo online screening (issue 15): five platforms, a 净网 operation of 市委网信办 with
300 posts of an export already classified — among them one seller's ad reposted on
three platforms — so that `make run` shows a review queue with a cluster."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from homeward.core.models import User
from homeward.screening.models import IntakeBatch, Operation, Platform, Post

PLATFORMS = (
    ("wechat", "微信"),
    ("douyin", "抖音"),
    ("tieba", "百度贴吧"),
    ("58", "58同城"),
    ("qq", "QQ群"),
)


@transaction.atomic
def seed_screening(*, count: int = 300) -> int:
    from homeward.screening.intake import check_values
    from homeward.screening.sample_posts import SELLER_WECHAT, sample_rows
    from homeward.screening.services import (
        operation_create,
        platform_register,
        post_review,
        posts_store,
        rows_resolve,
    )

    if Post.objects.exists():
        return 0
    for code, name in PLATFORMS:
        if not Platform.objects.filter(code=code).exists():
            platform_register(actor=None, code=code, name=name)
    officer = User.objects.get(username="demo.cyberspace")
    operation = operation_create(
        actor=officer,
        name="2026年“净网”专项行动（演示）",
        lead=Operation.Lead.CYBERSPACE,
        starts_on=date(2026, 11, 1),
        platforms=list(Platform.objects.all()),
    )
    rows = [check_values(n, row) for n, row in enumerate(sample_rows(count, seed=7), start=2)]
    resolved = rows_resolve(rows)
    batch = IntakeBatch.objects.create(
        source=Post.Source.UPLOAD,
        operation=operation,
        file_name="净网行动导出（演示）.csv",
        status=IntakeBatch.Status.RUNNING,
        requested_by=officer,
    )
    created, _existing = posts_store(
        rows, resolved, source=Post.Source.UPLOAD, operation=operation, intake=batch
    )
    ids = sorted(created.values())
    flagged = Post.objects.filter(intake=batch, flagged=True).count()
    IntakeBatch.objects.filter(pk=batch.pk).update(
        status=IntakeBatch.Status.DONE,
        progress=100,
        total=len(rows),
        created=len(ids),
        flagged=flagged,
        encoding="UTF-8",
        finished_at=timezone.now(),
    )
    # One other offer already confirmed by the district police: a clue and a takedown
    # request; the seller's reposts still wait in the queue.
    other = Post.objects.filter(
        operation=operation, flagged=True, division__code="500103"
    ).order_by("-score")
    police = User.objects.get(username="demo.investigator")
    for post in other:
        if SELLER_WECHAT not in post.text:
            post_review(actor=police, post=post, decision=True, label=post.label)
            break
    return len(ids)
