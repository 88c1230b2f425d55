"""Security headers of every console response (the shell's page and assets, and the UI fragments)."""

from __future__ import annotations


def content_security_policy(auth_origin: str | None = None) -> str:
    """The console's CSP: nothing inline, nothing from elsewhere, never framed.

    The login script exchanges the authorization code at the hosted login's token endpoint, the only other
    origin the page talks to.
    """
    connect = f"connect-src 'self' {auth_origin}; " if auth_origin else ""
    return (
        "default-src 'self'; script-src 'self'; style-src 'self'; "
        f"{connect}img-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
        "frame-ancestors 'none'"
    )


def security_headers(auth_origin: str | None = None) -> dict[str, str]:
    return {
        "Content-Security-Policy": content_security_policy(auth_origin),
        "X-Frame-Options": "DENY",
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
        "Strict-Transport-Security": "max-age=31536000; includeSubDomains",
        "Cross-Origin-Opener-Policy": "same-origin",
        "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
    }
