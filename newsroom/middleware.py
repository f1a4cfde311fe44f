"""Security headers that Django's SecurityMiddleware does not set: Content-Security-Policy and
Permissions-Policy; and a Referrer-Policy of no-referrer on the public site.

The public site has no inline script or style, so its policy allows only files from this origin.
A template that needs an inline script uses `{{ request.csp_nonce }}`: the nonce is made only when
a template asks for it, and only then added to the policy. The Django admin writes a few inline
`style` attributes, which a nonce cannot cover, so under the admin path styles may also be inline;
its scripts stay as strict as the public site's.
"""

import secrets

from django.conf import settings
from django.utils.functional import SimpleLazyObject

PUBLIC_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self'",
    "font-src": "'self'",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}
ADMIN_POLICY = {**PUBLIC_POLICY, "style-src": "'self' 'unsafe-inline'", "img-src": "'self' data:"}

PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"


def _policy(directives: dict[str, str]) -> str:
    return "; ".join(f"{name} {value}" for name, value in directives.items())


class SecurityHeadersMiddleware:
    """Adds Content-Security-Policy and Permissions-Policy to every response that lacks them."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.admin_prefix = "/" + settings.ADMIN_PATH

    def __call__(self, request):
        nonces = []

        def make_nonce():
            nonces.append(secrets.token_urlsafe(16))
            return nonces[0]

        request.csp_nonce = SimpleLazyObject(make_nonce)
        response = self.get_response(request)

        in_admin = request.path_info.startswith(self.admin_prefix)
        directives = ADMIN_POLICY if in_admin else PUBLIC_POLICY
        if not in_admin:
            # Readers' clicks tell no one where they came from. The admin keeps same-origin: Django's
            # CSRF check over HTTPS relies on the Referer of its own forms.
            response.headers["Referrer-Policy"] = "no-referrer"
        if nonces:
            directives = {**directives, "script-src": f"{directives['script-src']} 'nonce-{nonces[0]}'"}
        response.headers.setdefault("Content-Security-Policy", _policy(directives))
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response


def client_ip(request) -> str | None:
    """The reader's address, for throttling admin logins.

    Behind NEWSROOM_PROXY_COUNT trusted proxies (load balancer, TLS terminator) the address is the
    one the outermost trusted proxy appended to X-Forwarded-For; entries further left are whatever
    the client sent and cannot be trusted. With no proxy it is the socket's address.
    """
    count = settings.NEWSROOM_PROXY_COUNT
    if count:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= count:
            return forwarded[-count]
    return request.META.get("REMOTE_ADDR")
