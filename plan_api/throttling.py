import logging

from django.conf import settings
from rest_framework import throttling

logger = logging.getLogger(__name__)


class AnonRateThrottle(throttling.AnonRateThrottle):
    """DRF's per-client throttle, with its rate read from settings on each request (THROTTLE_ANON_RATE).

    DRF reads the rates once, when the class is defined; reading them per request lets tests and operators
    change them through settings. "off" (or "none") turns throttling off. When the cache that holds the
    counts (Redis) is away, requests are let through rather than failed: the API stays up, unthrottled.
    """

    def get_rate(self):
        rate = settings.REST_FRAMEWORK.get("DEFAULT_THROTTLE_RATES", {}).get(self.scope)
        if rate is None or str(rate).lower() in ("off", "none", "0"):
            return None
        return rate

    def allow_request(self, request, view):
        try:
            return super().allow_request(request, view)
        except Exception:  # the cache client may raise anything
            logger.warning("throttle cache unavailable; request let through", exc_info=True)
            return True
