"""Write reviewers' decisions as a labelled corpus (JSONL) for the next training run.

Each line is the engine's corpus format (``homeward.screening_engine.corpus``):
``{"id", "text", "label", "style", "hard_negative", "source"}`` — the reviewer's label
(corrected if the model was wrong), a false alarm as ``benign`` and a hard negative.
The file holds posts' text: keep it with the model's training data, under the same
protection as the database."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from homeward.core.audit import audit_record
from homeward.core.audit_actions import AuditAction
from homeward.screening.models import Review

STYLE_OF_PLATFORM = {
    "wechat": "wechat_moments",
    "douyin": "douyin_comment",
    "tieba": "tieba",
    "58": "classified",
    "qq": "qq_group",
}


class Command(BaseCommand):
    help = "Export reviewers' decisions as JSONL in the screening corpus format."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", required=True, type=Path, help="JSONL file to write")
        parser.add_argument("--since", default="", help="only reviews from this date (YYYY-MM-DD)")

    def handle(self, *args: object, **options: object) -> None:
        out = Path(str(options["out"]))
        reviews = Review.objects.select_related("post", "post__platform").order_by("pk")
        since = str(options["since"] or "")
        if since:
            try:
                reviews = reviews.filter(created_at__date__gte=since)
            except Exception as error:  # noqa: BLE001 - a bad date from the command line
                raise CommandError(f"--since: {error}") from None
        latest: dict[int, Review] = {}
        for review in reviews:
            latest[review.post_id] = review  # the newest decision on a post wins
        out.parent.mkdir(parents=True, exist_ok=True)
        with out.open("w", encoding="utf-8") as handle:
            for review in latest.values():
                post = review.post
                handle.write(
                    json.dumps(
                        {
                            "id": f"review-{post.platform.code}-{post.platform_post_id}",
                            "text": post.text,
                            "label": review.label,
                            "style": STYLE_OF_PLATFORM.get(post.platform.code, ""),
                            "hard_negative": not review.decision,
                            "source": f"reviewer decision {review.created_at:%Y-%m-%d}, "
                            f"model said {review.model_label or '-'} ({review.model_version})",
                        },
                        ensure_ascii=False,
                    )
                    + "\n"
                )
        audit_record(
            actor=None,
            action=AuditAction.EXPORT,
            object_type="screening.review",
            actor_username="console",
            detail={"rows": len(latest), "file": out.name},
        )
        self.stdout.write(f"{len(latest)} reviewed post(s) written to {out}")
