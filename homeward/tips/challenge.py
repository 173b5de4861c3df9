"""A light challenge for the public report form once a connection has sent many reports
in an hour: a small sum to answer, signed so the server keeps no state, each one good
once. A person with a real clue answers it and is never turned away (issue 12)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.core import signing
from django.core.cache import cache

_SALT = "homeward.tips.challenge"
_MAX_AGE = 3600


@dataclass(frozen=True)
class Challenge:
    left: int
    right: int
    token: str


def challenge_new() -> Challenge:
    left, right = secrets.randbelow(8) + 2, secrets.randbelow(8) + 2
    nonce = secrets.token_hex(8)
    token = signing.dumps({"sum": left + right, "nonce": nonce}, salt=_SALT, compress=True)
    return Challenge(left=left, right=right, token=token)


def challenge_passed(token: str, answer: str) -> bool:
    """The answer is right and the challenge was not used before."""
    try:
        data = signing.loads(token, salt=_SALT, max_age=_MAX_AGE)
    except signing.BadSignature:
        return False
    try:
        right = int(answer.strip()) == int(data["sum"])
    except (TypeError, ValueError, KeyError):
        return False
    return right and cache.add(f"tip-challenge:{data.get('nonce', '')}", 1, _MAX_AGE)
