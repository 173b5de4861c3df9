"""One path from a domain error to a page response: a refusal that escapes a page view
becomes a message for the user, never a 500 (issue 12)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from homeward.core.models import User

pytestmark = [pytest.mark.django_db, pytest.mark.urls("homeward.core.tests.page_error_urls")]


@pytest.mark.parametrize(
    ("path", "status", "message"),
    [
        ("/refuse/domain/", 409, "该交接已确认。"),
        ("/refuse/plain/", 400, "身份证号码校验位不正确。"),
        ("/refuse/fields/", 400, "请填写接收人。"),
    ],
)
def test_a_refusal_on_a_get_is_an_error_page_with_its_message(
    owner: User, client_for: Callable[[User], Client], path: str, status: int, message: str
) -> None:
    response = client_for(owner).get(path)
    assert response.status_code == status
    assert message in response.content.decode()
    assert 'lang="zh-hans"' in response.content.decode()


def test_a_refused_form_post_goes_back_to_its_page_with_the_message_in_a_banner(
    owner: User, client_for: Callable[[User], Client]
) -> None:
    client = client_for(owner)
    response = client.post("/refuse/domain/", {}, HTTP_REFERER="http://testserver/people/")
    assert response.status_code == 303
    assert response["Location"] == "http://testserver/people/"
    page = client.get("/people/")
    assert "该交接已确认。" in page.content.decode()


def test_a_refused_post_from_another_site_is_not_sent_back_there(
    owner: User, client_for: Callable[[User], Client]
) -> None:
    response = client_for(owner).post(
        "/refuse/plain/", {}, HTTP_REFERER="https://evil.example/phish"
    )
    assert response.status_code == 400
    assert "身份证号码校验位不正确。" in response.content.decode()


def test_a_refused_htmx_request_reloads_its_page_with_the_banner(
    owner: User, client_for: Callable[[User], Client]
) -> None:
    client = client_for(owner)
    response = client.post(
        "/refuse/fields/", {}, HTTP_HX_REQUEST="true", HTTP_REFERER="http://testserver/people/"
    )
    assert response.status_code == 204 and response["HX-Refresh"] == "true"
    assert "请填写接收人。" in client.get("/people/").content.decode()


def test_the_api_keeps_its_own_error_handling(
    owner: User, client_for: Callable[[User], Client]
) -> None:
    response = client_for(owner).get("/api/v1/people/999999")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")


def test_an_expired_form_token_is_explained_in_chinese(owner: User) -> None:
    from homeward.testing.fixtures import signed_in

    client = signed_in(owner)
    client.handler.enforce_csrf_checks = True
    response = client.post("/people/new/", {"full_name": "x"})
    assert response.status_code == 403
    assert "表单已过期" in response.content.decode()


def test_a_nul_character_in_the_query_string_is_dropped_before_the_view() -> None:
    from django.http import HttpRequest, HttpResponse
    from django.test import RequestFactory

    from homeward.core.page_errors import PageErrorMiddleware

    seen: dict[str, list[str]] = {}

    def view(request: HttpRequest) -> HttpResponse:
        seen.update(dict(request.GET.lists()))
        return HttpResponse("ok")

    # given a filter with a NUL character (PostgreSQL refuses it in a text comparison)
    request = RequestFactory().get("/agencies/?kind=a%00b&q=%00&page=2")
    # when it passes the page middleware
    PageErrorMiddleware(view)(request)
    # then the view reads the filter without it
    assert seen == {"kind": ["ab"], "q": [""], "page": ["2"]}
