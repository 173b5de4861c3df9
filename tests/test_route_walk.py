"""Every page URL, for every demo role, answered without a 5xx (issue 12).

The demo data set is seeded once; then, signed in as each demo account (and as nobody),
the walk requests every URL pattern of the site — patterns with arguments filled with
ids from the demo data — with GET, GET with junk in the query string, and POST of junk,
empty and over-long values. Form field names are read from the forms the page itself
shows, so the junk reaches the form code that real users meet. Every request runs in a
savepoint that is rolled back, so each one meets the same data and a failed write does
not spoil the next; cookies are restored after each request, so a junk post to the
sign-out or language pages does not change who walks.

Any response of 500 or more (or an exception escaping a view) fails the test, with the
role, method, URL and the last line of the traceback for each one. A new URL pattern
with arguments and no sample in :data:`SAMPLES` fails too, so the walk keeps covering
every URL.
"""

from __future__ import annotations

import contextlib
import copy
import functools
import io
import os
import time
import traceback
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urljoin, urlsplit

import pytest
from django.core.management import call_command
from django.db import models, transaction
from django.test import Client
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, resolve
from django.utils import timezone

from homeward.core.models import User
from homeward.testing.language import english_on_page

pytestmark = [pytest.mark.django_db]

# Patterns the walk leaves out, with the reason.
SKIPPED_PREFIXES = (
    "api/",  # the JSON API: its own error schema and schemathesis run (homeward/api*)
    "public/alerts/sw.js",  # a static service worker script
)

JUNK_VALUES = (
    "<script>alert(1)</script>",
    "-1",
    "abc",
    "9" * 40,
    "2026-13-45",
    "'; DROP TABLE x; --",
    "closed",
    "\x00",
    "1e999",
    "../../etc/passwd",
)
LONG_VALUE = "长" * 5000 + "9" * 400
# Django's own wording, which forms must not show (the platform's messages replace it).
STOCK_PHRASES = (
    "确保该值",
    "确保该变量",
    "选择一个有效的选项",
    "这个字段是必填项",
    "不在可用的选项中",
    "输入一个有效的",
    "Ensure this value",
    "This field is required",
    "Select a valid choice",
)
GENERIC_FIELDS = ("status", "action", "id", "pk", "q", "reason", "outcome", "text", "page")


# --- URL patterns and their sample arguments ----------------------------------------


def _first(model: type[models.Model], **filters: Any) -> Any:
    return model._default_manager.filter(**filters).order_by("pk").first()


def _from(model_path: str, **kwargs: str) -> Callable[[], list[dict[str, Any]]]:
    """Sample kwargs from the first and last rows of a model: {kwarg: attribute}."""

    def build() -> list[dict[str, Any]]:
        from django.apps import apps

        model = apps.get_model(model_path)
        rows = list(model._default_manager.order_by("pk")[:1]) + list(
            model._default_manager.order_by("-pk")[:1]
        )
        samples = []
        for row in rows:
            sample = {name: getattr(row, attribute) for name, attribute in kwargs.items()}
            if sample not in samples:
                samples.append(sample)
        # A missing id too, when the pattern takes one: the 404 path is a path as well.
        fake = {
            name: (999_999 if isinstance(v, int) else "X-NOT-THERE")
            for name, v in (samples[0] if samples else {name: 0 for name in kwargs}).items()
        }
        samples.append(fake)
        return samples

    return build


def _with(
    builder: Callable[[], list[dict[str, Any]]], name: str, values: Iterable[Any]
) -> Callable[[], list[dict[str, Any]]]:
    def build() -> list[dict[str, Any]]:
        return [{**sample, name: value} for sample in builder() for value in values]

    return build


def _evaluations() -> list[dict[str, Any]]:
    from homeward.coordination.models import Evaluation

    rows = [{"kind": e.kind, "year": e.year} for e in Evaluation.objects.order_by("pk")[:2]]
    return [
        *rows,
        {"kind": "stage", "year": timezone.localdate().year},
        {"kind": "junk", "year": 1},
    ]


def _policy_keys() -> list[dict[str, Any]]:
    from homeward.core.policy import policy_keys

    return [{"key": item.key} for item in policy_keys()[:2]] + [{"key": "no-such-setting"}]


SAMPLES: dict[str, Callable[[], list[dict[str, Any]]]] = {
    "tips:tip_detail": _from("tips.Tip", pk="pk"),
    "tips:reward_action": _from("tips.Tip", pk="pk"),
    "tips:tip_join_case": _from("tips.Tip", pk="pk"),
    "cases:case_detail": _from("cases.Case", pk="pk"),
    "cases:case_summary_pdf": _from("cases.Case", pk="pk"),
    "cases:case_status": _from("cases.Case", pk="pk"),
    "cases:leader_change": _from("cases.Case", pk="pk"),
    "cases:member_add": _from("cases.Case", pk="pk"),
    "cases:task_force_dissolve": _from("cases.Case", pk="pk"),
    "cases:progress_add": _from("cases.Case", pk="pk"),
    "cases:party_add": _from("cases.Case", pk="pk"),
    "cases:interview_add": _from("cases.Case", pk="pk"),
    "cases:interview_detail": _from("cases.Interview", pk="case_id", interview_id="pk"),
    "cases:supervision_report": _from("cases.SupervisionListing", pk="case_id", listing_id="pk"),
    "cases:supervision_case": _from("cases.Case", pk="pk"),
    "cases:supervision_lift": _from("cases.SupervisionListing", pk="case_id", listing_id="pk"),
    "alerts:detail": _from("alerts.Alert", pk="pk"),
    "alerts:edit": _from("alerts.Alert", pk="pk"),
    "alerts:publish": _from("alerts.Alert", pk="pk"),
    "alerts:end": _from("alerts.Alert", pk="pk"),
    "alerts:photo": _from("alerts.Alert", pk="pk"),
    "alerts:cap": _from("alerts.CapMessage", pk="alert_id", sequence="sequence"),
    "alerts:sightings": _from("alerts.Alert", pk="pk"),
    "alerts:sighting_photo": _from("alerts.Sighting", pk="alert_id", sid="pk"),
    "alerts:sighting_action": _with(
        _from("alerts.Sighting", pk="alert_id", sid="pk"), "action", ("clue", "dismiss", "junk")
    ),
    "alerts:notice_ack": _from("alerts.CommandNotice", nid="pk"),
    "public_alerts:detail": _from("alerts.Alert", public_id="public_id"),
    "public_alerts:photo": _from("alerts.Alert", public_id="public_id"),
    "prevention:ledger_entry": _from("prevention.LedgerEntry", pk="pk"),
    "prevention:dropout": _from("prevention.DropoutFile", pk="pk"),
    "prevention:found_child": _from("prevention.FoundChild", pk="pk"),
    "prevention:registration_check": _from("prevention.RegistrationCheck", pk="pk"),
    "prevention:offender": _from("prevention.OffenderFollowUp", pk="pk"),
    "victims:victim": _from("victims.Victim", pk="pk"),
    "victims:victim_pdf": _from("victims.Victim", pk="pk"),
    "victims:service": _from("victims.ServiceReferral", pk="pk"),
    "victims:placement": _from("victims.Placement", pk="pk"),
    "victims:institution": _from("victims.Institution", pk="pk"),
    "coordination:unit_duties": _from("core.Agency", code="code"),
    "coordination:progress_attachment": _from("coordination.TaskProgress", pk="pk"),
    "coordination:report": _from("coordination.AnnualReport", pk="pk"),
    "coordination:report_export": _with(
        _from("coordination.AnnualReport", pk="pk"), "fmt", ("pdf", "doc", "exe")
    ),
    "coordination:evaluation": _evaluations,
    "coordination:evaluation_ping_an": _evaluations,
    "people:person_detail": _from("people.Person", pk="pk"),
    "people:person_photo": _from("people.Person", pk="pk"),
    "dna:specimen_detail": _from("dna.Specimen", specimen_id="specimen_id"),
    "dna:specimen_search": _from("dna.Specimen", specimen_id="specimen_id"),
    "dna:run_detail": _from("dna.MatchRun", pk="pk"),
    "dna:candidate_detail": _from("dna.MatchCandidate", pk="pk"),
    "dna:candidate_report": _from("dna.MatchCandidate", pk="pk"),
    "dna:candidate_report_pdf": _from("dna.MatchCandidate", pk="pk"),
    "core:division_detail": _from("core.Division", code="code"),
    "core:user_detail": _from("core.User", pk="pk"),
    "core:user_toggle_active": _from("core.User", pk="pk"),
    "core:user_reset_password": _from("core.User", pk="pk"),
    "core:security_otp_reset": _from("otp_totp.TOTPDevice", pk="user_id"),
    "core:break_glass_review": _from("core.BreakGlass", pk="pk"),
    "core:security_role_request": _from("core.RoleRequest", pk="pk"),
    "core:handover_open": _from("core.SignInLink", pk="pk"),
    "core:signin_link": lambda: [{"token": "not-a-real-token"}, {"token": "长" * 60}],
    "core:agency_edit": _from("core.Agency", pk="pk"),
    "core:policy_edit": _policy_keys,
    "alerts:partner_edit": _from("alerts.Partner", pk="pk"),
    "alerts:partner_rotate": _from("alerts.Partner", pk="pk"),
    "prevention:school_admin_edit": _from("prevention.School", pk="pk"),
    "prevention:work_area_admin_edit": _from("prevention.WorkArea", user_pk="user_id"),
    "victims:institution_admin_edit": _from("victims.Institution", pk="pk"),
    "reunion:search_detail": _from("reunion.SearchRegistration", pk="pk"),
    "analysis:warning_detail": _from("analysis.Warning", pk="pk"),
    "analysis:warning_list_region": _from("analysis.Warning", pk="pk"),
    "analysis:warning_close": _from("analysis.Warning", pk="pk"),
    "analysis:warning_lift_listing": _from("analysis.Warning", pk="pk"),
    "reunion:search_action": _from("reunion.SearchRegistration", pk="pk"),
    "reunion:search_edit": _from("reunion.SearchRegistration", pk="pk"),
    "reunion:search_not_duplicate": _from("reunion.SearchRegistration", pk="pk"),
    "reunion:candidate_detail": _from("reunion.Candidate", pk="pk"),
    "reunion:candidate_action": _from("reunion.Candidate", pk="pk"),
    "reunion:candidate_reunite": _from("reunion.Candidate", pk="pk"),
    "reunion:found_detail": _from("reunion.FoundPerson", pk="pk"),
    "reunion:found_edit": _from("reunion.FoundPerson", pk="pk"),
    "reunion:found_not_duplicate": _from("reunion.FoundPerson", pk="pk"),
    "screening:post_detail": _from("screening.Post", pk="pk"),
    "screening:operation_detail": _from("screening.Operation", pk="pk"),
    "screening:operation_upload": _from("screening.Operation", pk="pk"),
    "screening:operation_status": _from("screening.Operation", pk="pk"),
    "screening:platform_active": _from("screening.Platform", pk="pk"),
    "screening:platform_token": _from("screening.Platform", pk="pk"),
    "screening:intake_detail": _from("screening.IntakeBatch", pk="pk"),
}


@dataclass(frozen=True)
class Route:
    name: str
    route: str
    pattern: URLPattern


def routes() -> Iterator[Route]:
    def walk(patterns: Iterable[Any], prefix: str, namespace: str) -> Iterator[Route]:
        for entry in patterns:
            if isinstance(entry, URLResolver):
                yield from walk(
                    entry.url_patterns, prefix + str(entry.pattern), entry.namespace or namespace
                )
            elif isinstance(entry, URLPattern):
                name = f"{namespace}:{entry.name}" if namespace else str(entry.name)
                yield Route(name, prefix + str(entry.pattern), entry)

    for route in walk(get_resolver().url_patterns, "", ""):
        if not route.route.startswith(SKIPPED_PREFIXES):
            yield route


def concrete_urls() -> tuple[list[str], list[str]]:
    """(every URL to walk, the named patterns that have no sample)."""
    from django.urls import reverse

    urls: list[str] = []
    missing: list[str] = []
    for route in routes():
        converters = route.pattern.pattern.converters
        if not converters:
            urls.append("/" + route.route)
            continue
        builder = SAMPLES.get(route.name)
        if builder is None:
            missing.append(route.name)
            continue
        for kwargs in builder():
            with contextlib.suppress(NoReverseMatch):  # a fake id of the wrong shape
                urls.append(reverse(route.name, kwargs=kwargs))
    return list(dict.fromkeys(urls)), missing


# --- reading forms off a page --------------------------------------------------------


@dataclass
class Form:
    action: str
    method: str
    fields: dict[str, str] = field(default_factory=dict)  # name -> input type


class FormReader(HTMLParser):
    def __init__(self, page_url: str) -> None:
        super().__init__(convert_charrefs=True)
        self.page_url = page_url
        self.forms: list[Form] = []
        self._current: Form | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {key: value or "" for key, value in attrs}
        if tag == "form":
            action = urljoin(self.page_url, attributes.get("action") or self.page_url)
            self._current = Form(action=action, method=attributes.get("method", "get").lower())
            self.forms.append(self._current)
        elif tag in ("input", "select", "textarea") and self._current is not None:
            name = attributes.get("name")
            kind = attributes.get("type", tag).lower()
            if name and name != "csrfmiddlewaretoken" and kind not in ("submit", "button"):
                self._current.fields.setdefault(name, kind)
        elif tag == "button" and self._current is not None and attributes.get("name"):
            self._current.fields.setdefault(attributes["name"], "button")

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._current = None


def forms_on(page_url: str, html: str) -> list[Form]:
    reader = FormReader(page_url)
    reader.feed(html)
    return [f for f in reader.forms if urlsplit(f.action).netloc in ("", "testserver")]


def junk_data(fields: dict[str, str], variant: str, seed: int) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for index, (name, kind) in enumerate(sorted(fields.items())):
        if variant == "empty":
            data[name] = ""
        elif variant == "long":
            data[name] = LONG_VALUE
        else:
            data[name] = JUNK_VALUES[(seed + index) % len(JUNK_VALUES)]
        if kind == "file":
            content = (
                b"" if variant == "empty" else b"GIF89a junk" * (1 if variant == "junk" else 50_000)
            )
            upload = io.BytesIO(content)
            upload.name = "junk.jpg"
            data[name] = upload
    return data


# --- the walk ------------------------------------------------------------------------


def _by_design(url: str, response: Any) -> bool:
    """The readiness probe answers 503 when a dependency (the broker) is down: that is
    its job, not an error."""
    return urlsplit(url).path == "/readyz" and response.status_code == 503


def _answers_in_chinese(response: Any, html: str) -> bool:
    """A page (200) or a refusal (4xx) rendered in Chinese: what the user reads after a
    post that went wrong."""
    status = response.status_code
    return (status == 200 or 400 <= status < 500) and 'lang="zh-hans"' in html[:400]


def _echoed_words(data: dict[str, Any] | None) -> set[str]:
    """The junk's own Latin words ("abc", "closed", "passwd"): a form may show back what
    was typed (a search box, a reason kept in the form), which is not the page's English."""
    from homeward.testing.language import english_words

    words: set[str] = set()
    for value in (data or {}).values():
        if isinstance(value, str):
            words.update(english_words(value))
    return words


def _route_name(url: str) -> str:
    try:
        return resolve(urlsplit(url).path).view_name
    except Exception:  # noqa: BLE001  (a post to a path that resolves nowhere)
        return urlsplit(url).path


@dataclass
class Walk:
    client: Client
    who: str
    failures: list[str] = field(default_factory=list)
    english: dict[str, set[str]] = field(default_factory=dict)  # route name -> findings
    # English on the answer to a junk post (a form's errors, a refusal): route -> findings
    post_english: dict[str, set[str]] = field(default_factory=dict)
    stock_wording: set[str] = field(default_factory=set)
    requests: int = 0
    seen_posts: set[tuple[str, tuple[str, ...]]] = field(default_factory=set)

    def request(self, method: str, url: str, data: dict[str, Any] | None = None) -> Any:
        cookies = copy.deepcopy(self.client.cookies)
        self.requests += 1
        try:
            with transaction.atomic():
                if method == "GET":
                    response = self.client.get(url, data or {})
                else:
                    response = self.client.post(url, data or {})
                transaction.set_rollback(True)
        except Exception as error:  # noqa: BLE001  (every escaping error is a finding)
            last = traceback.format_exception(error)[-1].strip()
            where = traceback.extract_tb(error.__traceback__)[-1]
            self.failures.append(
                f"{self.who} {method} {url} -> exception {last[:300]} at {Path(where.filename).name}:{where.lineno}"
            )
            response = None
        finally:
            self.client.cookies = cookies
        if response is not None and response.status_code >= 500 and not _by_design(url, response):
            self.failures.append(f"{self.who} {method} {url} -> {response.status_code}")
        elif response is not None and response.get("Content-Type", "").startswith("text/html"):
            html = response.content.decode("utf-8", "replace")
            stock = [phrase for phrase in STOCK_PHRASES if phrase in html]
            if stock:
                self.stock_wording.add(f"{method} {urlsplit(url).path}: {', '.join(stock)}")
            if method == "POST" and _answers_in_chinese(response, html):
                # The answer to junk: the form again with its errors, or a refusal page.
                # Both must speak the user's language, whatever the junk was.
                found = english_on_page(html, allowed=_echoed_words(data))
                if found:
                    route = _route_name(url)
                    self.post_english.setdefault(route, set()).update(str(f) for f in found)
        return response

    def walk(self, urls: list[str]) -> None:
        for seed, url in enumerate(urls):
            response = self.request("GET", url)
            if response is not None and response.status_code in (302, 403, 404, 405):
                # Not this role's page: one junk post is enough to show it stays shut.
                self.post_variants(url, dict.fromkeys(GENERIC_FIELDS, "text"), seed, ("junk",))
                continue
            page_forms: list[Form] = []
            if (
                response is not None
                and response.status_code == 200
                and response.get("Content-Type", "").startswith("text/html")
            ):
                html = response.content.decode("utf-8", "replace")
                page_forms = forms_on(url, html)
                found = english_on_page(html)
                if found:
                    route = resolve(urlsplit(url).path).view_name
                    self.english.setdefault(route, set()).update(str(item) for item in found)
            # Junk in the query string: filters, paging.
            get_fields = {"page": "text", "q": "text"}
            for form in page_forms:
                if form.method == "get":
                    get_fields.update(form.fields)
            self.request("GET", url + "?" + urlencode(junk_data(get_fields, "junk", seed)))
            # Posts to the URL itself, with the fields of its own forms.
            own = {}
            for form in page_forms:
                if form.method == "post" and urlsplit(form.action).path == url:
                    own.update(form.fields)
            self.post_variants(url, own or dict.fromkeys(GENERIC_FIELDS, "text"), seed)
            # Posts to the other places the page's forms send to.
            for form in page_forms:
                path = urlsplit(form.action).path
                if form.method == "post" and path != url:
                    self.post_variants(path, form.fields, seed)

    def post_variants(
        self,
        url: str,
        fields: dict[str, str],
        seed: int,
        variants: tuple[str, ...] = ("junk", "empty", "long"),
    ) -> None:
        key = (url, tuple(sorted(fields)))
        if key in self.seen_posts:
            return
        self.seen_posts.add(key)
        for variant in variants:
            self.request("POST", url, junk_data(fields, variant, seed))


def signed_in_client(user: User) -> Client:
    """A client signed in as ``user`` with the second factor passed and a fresh step-up."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from homeward.core.stepup import SESSION_REAUTH_AT

    client = Client()
    client.force_login(user)
    session = client.session
    device = TOTPDevice.objects.filter(user=user).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="walk", confirmed=True)
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session[SESSION_REAUTH_AT] = timezone.now().isoformat()
    session.save()
    return client


@pytest.fixture
def demo_data(settings: Any, tmp_path: Path) -> None:
    settings.VAR_DIR = tmp_path
    started = time.monotonic()
    call_command("seed_demo", people=60, stdout=io.StringIO())
    print(f"seed: {time.monotonic() - started:.1f} s", flush=True)  # noqa: T201


@pytest.fixture
def quiet_request_log() -> Iterator[None]:
    """Refusals (403, 404) are logged with a traceback each: thousands of them here."""
    import logging

    logger = logging.getLogger("django.request")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    yield
    logger.setLevel(level)


def test_every_url_of_every_role_answers_junk_without_a_server_error(
    demo_data: None, quiet_request_log: None
) -> None:
    from django.utils import translation

    from homeward.demo.accounts import DEMO_ACCOUNTS

    with translation.override("zh-hans"):
        # Without compiled catalogues every page is English and the language checks
        # report the whole site: say so once instead.
        assert translation.gettext("Sign out") != "Sign out", (
            "the zh-hans catalogue is not compiled: run manage.py i18n_compile"
        )
    urls, missing = concrete_urls()
    assert missing == [], f"URL patterns without a sample in SAMPLES: {missing}"
    started = time.monotonic()
    failures: list[str] = []
    english: dict[str, set[str]] = {}
    post_english: dict[str, set[str]] = {}
    stock_wording: set[str] = set()
    requests = 0
    # Each role signs in just before its walk: a session idle for 15 minutes ends.
    walkers: list[tuple[str, Callable[[], Client]]] = [("anonymous", Client)]
    # HOMEWARD_ROUTE_WALK_ROLES=demo.investigator,demo.caseworker walks only those (a quick
    # local check); the default, and CI, walk every demo account.
    only = {name for name in os.environ.get("HOMEWARD_ROUTE_WALK_ROLES", "").split(",") if name}
    for account in DEMO_ACCOUNTS:
        if only and account.username not in only:
            continue
        user = User.objects.get(username=account.username)
        walkers.append((account.username, functools.partial(signed_in_client, user)))
    for who, sign_in in walkers:
        client = sign_in()
        walk = Walk(client=client, who=who)
        role_started = time.monotonic()
        walk.walk(urls)
        if who != "anonymous":
            # still signed in at the end: the walk did not quietly turn anonymous
            assert client.get("/").status_code == 200, f"{who} was signed out during the walk"
        failures.extend(walk.failures)
        for route, found in walk.english.items():
            english.setdefault(route, set()).update(found)
        for route, found in walk.post_english.items():
            post_english.setdefault(route, set()).update(f"{who}: {item}" for item in found)
        requests += walk.requests
        stock_wording |= walk.stock_wording
        print(  # noqa: T201
            f"  {who}: {walk.requests} requests, {time.monotonic() - role_started:.1f} s",
            flush=True,
        )
    elapsed = time.monotonic() - started
    from django.db import connection

    report = Path(__file__).resolve().parents[1] / "var" / f"route-walk-{connection.vendor}.txt"
    report.parent.mkdir(exist_ok=True)
    report.write_text("\n".join(failures) + "\n", encoding="utf-8")
    report.with_suffix(".english.txt").write_text(
        "".join(
            f"{route}\n" + "".join(f"  {item}\n" for item in sorted(found))
            for route, found in sorted(english.items())
        ),
        encoding="utf-8",
    )
    report.with_suffix(".post-english.txt").write_text(
        "".join(
            f"{route}\n" + "".join(f"  {item}\n" for item in sorted(found))
            for route, found in sorted(post_english.items())
        ),
        encoding="utf-8",
    )
    print(  # noqa: T201
        f"route walk: {len(urls)} URLs, {len(walkers)} roles, {requests} requests, {elapsed:.0f} s"
    )
    assert failures == [], f"{len(failures)} server errors:\n" + "\n".join(failures)
    assert sorted(stock_wording) == [], "Django's stock wording shown"
    assert english == {}, "English on zh-hans pages (var/route-walk-*.english.txt)"
    assert post_english == {}, (
        "English in the answers to junk posts (var/route-walk-*.post-english.txt):\n"
        + "\n".join(
            f"{route}: {item}" for route, found in sorted(post_english.items()) for item in found
        )[:6000]
    )


def test_the_walk_reports_english_in_the_answer_to_a_junk_post() -> None:
    """The language check of the answers to junk posts, on answers made up here: English
    on a Chinese page is reported under its route; the junk the page shows back, an
    English page and a server error's page are not."""
    from django.http import HttpResponse

    def page(lang: str, body: str, status: int = 200) -> HttpResponse:
        return HttpResponse(
            f'<!DOCTYPE html><html lang="{lang}"><body><main>{body}</main></body></html>',
            status=status,
            content_type="text/html; charset=utf-8",
        )

    answers = iter(
        [
            page("zh-hans", '<ul class="errorlist"><li>This field is required.</li></ul>'),
            page("zh-hans", "<p>没有找到“abc”。</p>", 404),
            page("en", "<p>This field is required.</p>", 400),
            page("zh-hans", "<p>已保存。</p>"),
        ]
    )

    class Answering:
        cookies: Any = {}

        def post(self, url: str, data: dict[str, Any]) -> HttpResponse:
            return next(answers)

    walk = Walk(client=Answering(), who="demo.test")  # type: ignore[arg-type]
    walk.request("POST", "/victims/", {"q": "This"})
    walk.request("POST", "/victims/", {"q": "abc"})
    walk.request("POST", "/victims/", {"q": ""})
    walk.request("POST", "/victims/", {"q": ""})
    assert list(walk.post_english) == ["victims:queue"]
    (found,) = walk.post_english["victims:queue"]
    assert "field is required" in found
