"""Pages and the partner API: who may see what (outsiders refused), audit of every post
view and decision, the review form, the platform's token."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from homeward.core.models import AuditEvent, User
from homeward.screening.models import Operation, Platform, Post, Takedown
from homeward.screening.services import posts_submit_api
from homeward.screening.tests.conftest import SELLER_AD, SELLER_REPOST

pytestmark = pytest.mark.django_db


@pytest.fixture
def yuzhong_post(wechat: Platform, douyin: Platform) -> Post:
    posts_submit_api(
        platform=wechat,
        items=[{"post_id": "w1", "text": SELLER_AD, "district": "500103"}],
        idempotency_key="views-0001",
    )
    posts_submit_api(
        platform=douyin,
        items=[{"post_id": "d1", "text": SELLER_REPOST, "district": "500103"}],
        idempotency_key="views-0002",
    )
    return Post.objects.get(platform_post_id="w1")


def test_the_queue_shows_the_flagged_cluster_once_with_its_cues(
    client_for: Callable[[User], Client], owner: User, yuzhong_post: Post
) -> None:
    response = client_for(owner).get(reverse("screening:queue"))
    assert response.status_code == 200
    body = response.content.decode()
    assert body.count('class="queue-row"') == 1
    assert '<mark class="cue"' in body
    assert "2 条帖子" in body
    assert AuditEvent.objects.filter(action="list", object_type="screening.post").exists()


def test_an_outsider_district_and_the_public_see_nothing(
    client_for: Callable[[User], Client],
    outsider: User,
    no_role_user: User,
    yuzhong_post: Post,
) -> None:
    detail = reverse("screening:post_detail", args=[yuzhong_post.pk])
    other = client_for(outsider)
    assert other.get(detail).status_code == 404
    assert 'class="queue-row"' not in other.get(reverse("screening:queue")).content.decode()
    assert AuditEvent.objects.filter(
        action="read", object_id=str(yuzhong_post.pk), outcome="denied"
    ).exists()
    assert client_for(no_role_user).get(reverse("screening:queue")).status_code == 403
    anonymous = Client()
    for url in (reverse("screening:queue"), detail, reverse("screening:operation_list")):
        response = anonymous.get(url)
        assert response.status_code in {302, 403}
        assert "送养" not in response.content.decode()


def test_a_reviewer_confirms_a_post_in_the_page(
    client_for: Callable[[User], Client], owner: User, yuzhong_post: Post
) -> None:
    client = client_for(owner)
    url = reverse("screening:post_detail", args=[yuzhong_post.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert '<mark class="cue"' in page.content.decode()
    assert "baobao_2026" in page.content.decode()
    assert AuditEvent.objects.filter(action="read", object_id=str(yuzhong_post.pk)).exists()
    # a decision without a label is refused beside the field, in Chinese
    refused = client.post(url, {"decision": "true", "label": ""})
    assert refused.status_code == 200
    assert "选择" in refused.content.decode()
    done = client.post(url, {"decision": "true", "label": "illegal_adoption"})
    assert done.status_code == 302
    yuzhong_post.refresh_from_db()
    assert yuzhong_post.status == Post.Status.CONFIRMED and yuzhong_post.tip_id
    assert Takedown.objects.count() == 2
    again = client.get(url).content.decode()
    assert yuzhong_post.tip.tracking_code in again


def test_the_cyberspace_office_creates_an_operation_and_sees_its_figures(
    client_for: Callable[[User], Client], cyberspace: User, wechat: Platform
) -> None:
    client = client_for(cyberspace)
    response = client.post(
        reverse("screening:operation_list"),
        {
            "name": "净网2026",
            "lead": "cyberspace",
            "starts_on": "2026-11-01",
            "platforms": [wechat.pk],
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    operation = Operation.objects.get(name="净网2026")
    page = client.get(reverse("screening:operation_detail", args=[operation.pk]))
    assert page.status_code == 200 and 'data-figure="screened">0<' in page.content.decode()
    bad = client.post(
        reverse("screening:operation_list"),
        {"name": "x", "lead": "cyberspace", "starts_on": "2026-11-05", "ends_on": "2026-11-01"},
    )
    assert bad.status_code == 200 and "结束" in bad.content.decode()


def test_an_upload_page_shows_progress_and_bad_rows(
    client_for: Callable[[User], Client],
    cyberspace: User,
    operation: Operation,
    django_capture_on_commit_callbacks: Callable[..., object],
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_for(cyberspace)
    content = "帖子编号,平台,内容\n1,微信,\n2,快手,你好\n".encode("gbk")
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[attr-defined]
        response = client.post(
            reverse("screening:operation_upload", args=[operation.pk]),
            {"file": SimpleUploadedFile("bad.csv", content, content_type="text/csv")},
        )
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert 'id="bad-rows"' in page and "快手" in page
    assert not Post.objects.exists()


def test_the_partner_api_takes_posts_and_answers_takedowns(
    client_for: Callable[[User], Client],
    owner: User,
    platform_tokens: dict[str, tuple[Platform, str]],
) -> None:
    wechat, token = platform_tokens["wechat"]
    _douyin, other_token = platform_tokens["douyin"]
    api = Client()
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}", "HTTP_IDEMPOTENCY_KEY": "push-000001"}
    payload = {
        "posts": [
            {"post_id": "a1", "text": SELLER_AD, "district": "500103"},
            {"post_id": "a2", "text": ""},
        ]
    }
    first = api.post(
        "/api/v1/partner/screening/posts",
        json.dumps(payload),
        content_type="application/json",
        **headers,
    )
    assert first.status_code == 201, first.content
    body = first.json()
    assert (body["created"], body["rejected"]) == (1, 1)
    assert body["items"][1]["errors"]["text"]
    assert "label" not in json.dumps(body)  # nothing of the classification goes back
    again = api.post(
        "/api/v1/partner/screening/posts",
        json.dumps(payload),
        content_type="application/json",
        **headers,
    )
    assert again.status_code == 200 and again.json()["replayed"] is True
    assert (
        api.post(
            "/api/v1/partner/screening/posts", json.dumps(payload), content_type="application/json"
        ).status_code
        == 401
    )
    # a reviewer confirms it; the platform fetches and answers its request
    client_for(owner).post(
        reverse("screening:post_detail", args=[Post.objects.get(platform_post_id="a1").pk]),
        {"decision": "true", "label": "illegal_adoption"},
    )
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    pending = api.get("/api/v1/partner/screening/takedowns", **auth).json()
    assert [row["post_id"] for row in pending] == ["a1"]
    assert (
        api.get(
            "/api/v1/partner/screening/takedowns", HTTP_AUTHORIZATION=f"Bearer {other_token}"
        ).json()
        == []
    )
    takedown_id = pending[0]["id"]
    stranger = api.post(
        f"/api/v1/partner/screening/takedowns/{takedown_id}",
        json.dumps({"status": "confirmed_removed"}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {other_token}",
    )
    assert stranger.status_code == 404
    removed = api.post(
        f"/api/v1/partner/screening/takedowns/{takedown_id}",
        json.dumps({"status": "confirmed_removed", "reference": "WX-77"}),
        content_type="application/json",
        **auth,
    )
    assert removed.status_code == 200 and removed.json()["status"] == "confirmed_removed"
    assert api.get("/api/v1/partner/screening/takedowns", **auth).json() == []
    assert Takedown.objects.get(pk=takedown_id).platform_reference == "WX-77"
