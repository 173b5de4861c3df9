"""Online screening, the "Done when" of issue 15, in Chromium on a desktop and a phone.

The cyberspace office (市委网信办) opens a 净网 operation and uploads its export — 10,000
posts on the desktop (600 on the phone, the same story smaller), written by
:mod:`homeward.screening.sample_posts`: ordinary posts, hard negatives that quote an
offer to warn, a few offers, and one seller's ad reposted with small edits on several
platforms. The upload is imported and classified in the background; the review queue
then shows the flagged posts, the seller's reposts as one cluster, with the cues marked.
A police investigator of 渝中区 opens the seller's post, sees his phone and WeChat id,
confirms it; a clue opens for the district police with the phone and WeChat attached
(as blind indexes, the clue module's own), and every post of the cluster gets a
takedown request to its platform.

Every page is checked by :mod:`tests.browser.walk` (no server error, no English,
nothing wider than the phone, errors beside their fields); screenshots are written to
var/screenshots/screening-NN-<page>-<device>.png.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest

from homeward.core.roles import Role
from homeward.screening.models import IntakeBatch, Operation, Post, Takedown
from homeward.screening.sample_posts import SELLER_PHONE, SELLER_WECHAT, sample_rows
from homeward.screening.services import platform_register
from homeward.testing.factories import TEST_PASSWORD
from homeward.tips.models import Tip, TipIdentifier
from homeward.tips.services import identifier_digest
from tests.browser.test_roles import DEVICES, _otp_token, _user, browser  # noqa: F401
from tests.browser.walk import walking

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

POSTS = {"desktop": 10_000, "phone": 600}
KEYS = ["post_id", "platform", "url", "author", "posted_at", "text", "district"]
HEADER = ["帖子编号", "平台", "链接", "作者", "发布时间", "内容", "区县"]


def _export(path: Path, count: int, seed: int) -> Path:
    """The operation's export as Chinese Excel saves it: CSV in GBK."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADER)
    for row in sample_rows(count, seed=seed):
        writer.writerow([row[key] for key in KEYS])
    path.write_bytes(buffer.getvalue().encode("gbk"))
    return path


def _story(chromium: Any, url: str, device: str, n: int, tmp_path: Path) -> None:
    base = 0 if device == "desktop" else 30
    officer = _user(f"screening.wangxin{n}", "cq-cyberspace", Role.CYBERSPACE_OFFICER)
    police = _user(f"screening.police{n}", "500103-public_security", Role.INVESTIGATOR)
    export = _export(tmp_path / f"jingwang-{device}.csv", POSTS[device], seed=100 + n)

    with walking(
        chromium,
        url,
        "screening",
        device,
        officer.username,
        TEST_PASSWORD,
        otp=lambda: _otp_token(officer),
        flat=True,
        shots=base,
    ) as walk:
        page = walk.page
        walk.menu_shows("网络巡查")
        walk.go("/screening/operations/", "operations")
        # One bad input first: an operation that ends before it starts.
        page.fill("input[name=name]", f"2026年冬季“净网”行动（{device}）")
        page.select_option("select[name=lead]", "cyberspace")
        page.fill("input[name=starts_on]", "2026-11-05")
        walk.submit_bad("form.card", "operation-bad-dates", {"input[name=ends_on]": "2026-11-01"})
        assert "结束日期早于开始日期" in page.inner_text(".field:has(input[name=ends_on])")
        page.fill("input[name=ends_on]", "2026-12-31")
        for box in page.locator("input[name=platforms]").all():
            box.check()
        with page.expect_navigation():
            page.click("form.card button[type=submit]")
        walk.check("operation")
        operation = Operation.objects.get(name__contains=device)
        # The export: 10,000 posts, imported and classified in the background (its speed
        # is measured by `make bench-screening-intake`, never asserted here).
        page.set_input_files("input[name=file]", str(export))
        page.set_default_timeout(600_000)
        with page.expect_navigation(timeout=600_000):
            page.click("form[enctype] button[type=submit]")
        page.wait_for_selector("#intake-done", timeout=600_000)
        page.set_default_timeout(15_000)
        walk.check("upload-done")
        batch = IntakeBatch.objects.get(operation=operation)
        assert batch.status == IntakeBatch.Status.DONE
        assert batch.created == POSTS[device]
        assert batch.encoding.startswith("GB")
        walk.go(f"/screening/operations/{operation.pk}/", "operation-figures")
        screened = page.inner_text("[data-figure=screened]")
        assert screened == str(POSTS[device])

    with walking(
        chromium,
        url,
        "screening",
        device,
        police.username,
        TEST_PASSWORD,
        otp=lambda: _otp_token(police),
        flat=True,
        shots=base + 10,
    ) as walk:
        page = walk.page
        walk.allowed.update({SELLER_WECHAT})
        walk.go(f"/screening/?operation={operation.pk}", "queue")
        rows = page.locator("tr.queue-row")
        assert rows.count() >= 1
        assert page.locator("tr.queue-row mark.cue").count() >= 1
        # The seller's reposts are one row: the cluster with the most posts.
        flagged = Post.objects.filter(operation=operation, flagged=True)
        seller_posts = [p for p in flagged if SELLER_WECHAT in p.text]
        assert len(seller_posts) >= 5, "the seller's reposts are flagged"
        heads = {p.cluster_head_id for p in seller_posts}
        assert len(heads) == 1, "the seller's reposts are one cluster"
        # The row shows the riskiest waiting post of the cluster: one of the seller's.
        links = ", ".join(f"a[href='/screening/posts/{p.pk}/']" for p in seller_posts)
        row = page.locator("tr.queue-row").filter(has=page.locator(links))
        assert row.count() == 1
        assert "条帖子" in row.locator(".cluster-size").inner_text()
        with page.expect_navigation():
            row.locator("a").first.click()
        walk.check("seller-post")
        contacts = page.inner_text("#identifiers")
        assert SELLER_PHONE in contacts and SELLER_WECHAT in contacts
        assert page.locator("#post-text mark.cue").count() >= 1
        # Confirming without saying what it offers is refused beside the field.
        page.check("input[name=decision][value=true]")
        page.select_option("select[name=label]", "")
        walk.submit_bad("form.review-form", "review-without-label")
        page.check("input[name=decision][value=true]")
        page.select_option("select[name=label]", "illegal_adoption")
        with page.expect_navigation():
            page.click("form.review-form button[type=submit]")
        walk.check("confirmed")
        reviewed = Post.objects.get(pk=int(page.url.rstrip("/").rsplit("/", 1)[1]))
        assert reviewed.status == Post.Status.CONFIRMED and reviewed.tip_id
        clue_code = page.inner_text("#outcome a")
        walk.allowed.add(clue_code)
        # The clue is in the district police's queue with the seller's contacts attached.
        tip = Tip.objects.get(pk=reviewed.tip_id)
        assert tip.tracking_code == clue_code
        attached = set(TipIdentifier.objects.filter(tip=tip).values_list("kind", "digest"))
        assert ("phone", identifier_digest("phone", SELLER_PHONE)) in attached
        assert ("wechat", identifier_digest("wechat", SELLER_WECHAT)) in attached
        with page.expect_navigation():
            page.click("#outcome a")
        walk.check("clue")
        assert SELLER_PHONE in page.inner_text("main")
        # Every post of the cluster has a takedown request to its own platform.
        cluster = Post.objects.filter(cluster_head_id=reviewed.cluster_head_id)
        requests = Takedown.objects.filter(post__in=cluster)
        assert requests.count() == cluster.count() >= len(seller_posts)
        assert all(t.platform_id == t.post.platform_id for t in requests.select_related("post"))
        walk.go("/screening/takedowns/", "takedowns")
        assert page.locator("#takedowns tbody tr").count() >= min(cluster.count(), 30)


def test_an_operation_uploads_posts_and_a_sellers_ad_becomes_a_clue(
    browser: Any,  # noqa: F811
    live_server: Any,
    tmp_path: Path,
) -> None:
    from homeward.demo.screening import PLATFORMS

    for code, name in PLATFORMS:
        platform_register(actor=None, code=code, name=name)
    for n, device in enumerate(DEVICES):
        _story(browser, live_server.url, device, n, tmp_path)
