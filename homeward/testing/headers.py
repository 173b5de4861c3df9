"""The browser hardening headers every page carries (SECURITY.md WEB-01)."""

from __future__ import annotations

from django.http import HttpResponse


def csp_directives(response: HttpResponse) -> dict[str, str]:
    policy = response["Content-Security-Policy"]
    return dict(
        (part.strip().split(" ", 1) + [""])[:2] for part in policy.split(";") if part.strip()
    )


def assert_hardened(response: HttpResponse) -> str:
    """Assert the CSP directives and the other headers of WEB-01; return ``script-src``
    (which holds the response's nonce)."""
    directives = csp_directives(response)
    script = directives["script-src"]
    assert "'unsafe-inline'" not in script and "*" not in script, script
    assert "'nonce-" in script, script
    assert directives["object-src"] == "'none'"
    assert directives["base-uri"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] in {"same-origin", "no-referrer", "strict-origin"}
    return script
