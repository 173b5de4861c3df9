"""Demo online screening (issue 15): five platforms, a 净网 operation of 市委网信办 with
300 posts of an export already classified — among them one seller's ad reposted on
three platforms — so that `make run` shows a review queue with a cluster."""

from __future__ import annotations

from datetime import date

from django.db import transaction

from homeward.core.models import User
from homeward.screening.models import Operation, Platform, Post

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
    from homeward.screening.pipeline import posts_process
    from homeward.screening.sample_posts import sample_rows
    from homeward.screening.services import (
        rows_resolve,
        posts_store,
        operation_create,
        platform_register,
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
    created, _existing = posts_store(
        rows, resolved, source=Post.Source.UPLOAD, operation=operation, intake=None
    )
    ids = sorted(created.values())
    for start in range(0, len(ids), 500):
        posts_process(ids[start : start + 500])
    return len(ids)
