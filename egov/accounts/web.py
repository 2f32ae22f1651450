"""Request helpers of the account pages."""

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest | None) -> str | None:
    """The client's address, as seen by the outermost proxy we trust.

    TRUSTED_PROXY_COUNT (default 0) says how many reverse proxies append to X-Forwarded-For; without it
    the header is ignored, because a client can write anything there to dodge the login throttle.
    """
    if request is None:
        return None
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies:
        hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
        if len(hops) >= proxies:
            return hops[-proxies]
    return request.META.get("REMOTE_ADDR")
