"""REL-01 with real concurrency: writers in threads, each with its own database
connection (as two gunicorn workers would have), released together."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connections
from django.test import Client

from homeward.cases.models import Case
from homeward.core.models import User

# Threads need committed data: these tests run in real transactions.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _at_once(func: Callable[[int], Any], copies: int) -> list[Any]:
    barrier = threading.Barrier(copies)
    results: list[Any] = [None] * copies
    errors: list[BaseException] = []

    def run(index: int) -> None:
        try:
            barrier.wait()
            results[index] = func(index)
        except BaseException as error:  # noqa: BLE001 - reported to the test below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(copies)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    return results


def test_two_officers_saving_the_same_version_at_once_one_wins_and_one_gets_409(
    case: Case, owner: User, colleague: User, client_for: Callable[[User], Client]
) -> None:
    # given: two officers read the case at version 1
    clients = [client_for(owner), client_for(colleague)]
    url = f"/api/v1/cases/{case.pk}"
    assert [c.get(url).json()["version"] for c in clients] == [1, 1]
    titles = ["甲的标题", "乙的标题"]

    # when: both save with what they read, at the same moment
    def save(index: int) -> tuple[int, dict[str, Any]]:
        response = clients[index].patch(
            url, {"version": 1, "title": titles[index]}, content_type="application/json"
        )
        return response.status_code, response.json()

    results = _at_once(save, 2)

    # then: one 200, one 409 naming the conflict; the row holds the winner's title at v2
    assert sorted(status for status, _ in results) == [200, 409], results
    winner = next(body for status, body in results if status == 200)
    loser = next(body for status, body in results if status == 409)
    assert loser["code"] == "version_conflict"
    case.refresh_from_db()
    assert case.version == 2
    assert case.title == winner["title"] and case.title in titles


def test_twenty_cases_opened_at_once_get_unique_gap_free_numbers(
    open_case: Callable[..., Case],
) -> None:
    # The district's counter for the year does not exist yet: its creation is raced too.
    cases = _at_once(lambda index: open_case(title=f"并发案件{index}").pk, 20)
    sequences = sorted(Case.objects.filter(pk__in=cases).values_list("sequence", flat=True))
    assert sequences == list(range(1, 21))
    numbers = list(Case.objects.values_list("number", flat=True))
    assert len(numbers) == len(set(numbers)) == 20
