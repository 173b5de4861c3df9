"""The browser hardening headers every page carries (SECURITY.md WEB-01)."""

from __future__ import annotations

from django.http import HttpResponse


def csp_directives(response: HttpResponse) -> dict[str, str]:
    policy = response["Content-Security-Policy"]
    return dict(
        (part.strip().split(" ", 1) + [""])[:2] for part in policy.split(";") if part.strip()
    )


def _check(condition: bool, message: str) -> None:
    if not condition:
        raise AssertionError(message)


def assert_hardened(response: HttpResponse) -> str:
    """Assert the CSP directives and the other headers of WEB-01; return ``script-src``
    (which holds the response's nonce)."""
    directives = csp_directives(response)
    script = directives["script-src"]
    _check("'unsafe-inline'" not in script and "*" not in script, f"script-src {script}")
    _check("'nonce-" in script, f"no nonce in script-src {script}")
    for directive in ("object-src", "base-uri", "frame-ancestors"):
        _check(directives.get(directive) == "'none'", f"{directive} {directives.get(directive)}")
    _check(response["X-Content-Type-Options"] == "nosniff", "X-Content-Type-Options")
    _check(
        response["Referrer-Policy"] in {"same-origin", "no-referrer", "strict-origin"},
        f"Referrer-Policy {response['Referrer-Policy']}",
    )
    return script
