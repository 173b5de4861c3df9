"""Background matching: tasks take ids and call the matching services (idempotent: a
repeated run ranks the same search again and stores the same rows)."""

from __future__ import annotations

from celery import shared_task


@shared_task(
    name="homeward.reunion.tasks.match_search",
    acks_late=True,
    ignore_result=True,
    autoretry_for=(OSError,),
    max_retries=3,
)  # type: ignore[misc]
def match_search(search_id: int) -> int:
    from homeward.reunion.services.matching import search_match

    return search_match(search_id)


@shared_task(
    name="homeward.reunion.tasks.match_found",
    acks_late=True,
    ignore_result=True,
    autoretry_for=(OSError,),
    max_retries=3,
)  # type: ignore[misc]
def match_found(found_id: int) -> int:
    from homeward.reunion.services.matching import found_match

    return found_match(found_id)
