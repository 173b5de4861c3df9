"""One way to make application HMACs and idempotency digests (issue 13): a keyring key,
not SECRET_KEY — rotating the Django secret does not lock partners out or forget a
retried sighting; a partner token from an older release is recognised once and moved."""

from __future__ import annotations

import pytest

from homeward.alerts.models import Partner
from homeward.alerts.services import partner_for_token, partner_register
from homeward.core.errors import DomainError
from homeward.core.idempotency import (
    IDEMPOTENCY_KEY_REUSED,
    app_hmac,
    check_replay,
    idempotency_digest,
    legacy_secret_key_hmac,
    payload_digest,
)

pytestmark = pytest.mark.django_db


def test_digests_do_not_depend_on_the_django_secret(settings) -> None:  # type: ignore[no-untyped-def]
    before = (app_hmac("p", "v"), idempotency_digest("sighting", "k1"))
    settings.SECRET_KEY = "rotated-" + "x" * 50
    assert (app_hmac("p", "v"), idempotency_digest("sighting", "k1")) == before
    assert app_hmac("p", "v") != app_hmac("q", "v")  # purposes are separated


def test_a_partner_keeps_working_after_the_secret_key_is_rotated(settings) -> None:  # type: ignore[no-untyped-def]
    partner, token, _secret = partner_register(actor=None, code="maps", name="地图")
    settings.SECRET_KEY = "rotated-" + "y" * 50
    assert partner_for_token(token) == partner


def test_a_token_of_an_older_release_is_recognised_and_moved() -> None:
    token = "legacy-token-value"
    legacy = legacy_secret_key_hmac(f"partner-token:{token}")
    partner = Partner.objects.create(
        code="old", name="旧平台", signing_secret="s", token_digest=legacy
    )
    assert partner_for_token(token) == partner
    partner.refresh_from_db()
    assert partner.token_digest == app_hmac("partner-token", token)
    assert partner_for_token("wrong") is None


def test_a_replay_with_another_payload_is_refused() -> None:
    stored = payload_digest("tip", "a")
    check_replay(stored, payload_digest("tip", "a"))
    with pytest.raises(DomainError) as refused:
        check_replay(stored, payload_digest("tip", "b"))
    assert refused.value.code == IDEMPOTENCY_KEY_REUSED and refused.value.status == 409


def test_a_reporter_keeps_their_secret_after_the_secret_key_is_rotated(settings) -> None:  # type: ignore[no-untyped-def]
    from homeward.core.models import Division
    from homeward.tips.services import secret_matches, tip_status_for_reporter, tip_submit

    submission = tip_submit(
        channel="public",
        category="trafficking",
        narrative="在车站看到一名男子带着哭闹的女孩",
        division=Division.objects.get(code="500103"),
        idempotency_key="rotate-" + "k" * 12,
    )
    settings.SECRET_KEY = "rotated-" + "z" * 50
    view = tip_status_for_reporter(
        tracking_code=submission.tip.tracking_code, secret=submission.secret
    )
    assert view is not None
    # and a verifier stored by an older release still matches
    legacy = legacy_secret_key_hmac(f"tip-secret-verifier\x00{submission.secret.upper()}")
    assert secret_matches(submission.secret, legacy)
    assert not secret_matches("WRONGSECRET", legacy)


def test_a_browser_subscribed_by_an_older_release_is_found_again() -> None:
    from homeward.alerts.models import Channel, Subscriber
    from homeward.alerts.services import (
        _legacy_push_ref,
        public_push_ref,
        public_push_unsubscribe,
        web_push_subscribe,
    )

    subscription = {
        "endpoint": "https://push.example.cn/abc",
        "keys": {"p256dh": "BElbnZ", "auth": "c2VjcmV0"},
    }
    old = web_push_subscribe(subscription=subscription, latitude=29.56, longitude=106.55)
    Subscriber.objects.filter(pk=old.pk).update(external_ref=_legacy_push_ref(subscription))
    again = web_push_subscribe(subscription=subscription, latitude=29.6, longitude=106.5)
    assert again.pk == old.pk and again.external_ref == public_push_ref(subscription)
    Subscriber.objects.filter(pk=old.pk).update(external_ref=_legacy_push_ref(subscription))
    assert public_push_unsubscribe(subscription) == 1
    assert not Subscriber.objects.filter(channel=Channel.WEB_PUSH, active=True).exists()
