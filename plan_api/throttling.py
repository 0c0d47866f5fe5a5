from django.conf import settings
from rest_framework import throttling


class AnonRateThrottle(throttling.AnonRateThrottle):
    """DRF's per-client throttle, with its rate read from settings on each request (THROTTLE_ANON_RATE).

    DRF reads the rates once, when the class is defined; reading them per request lets tests and operators
    change them through settings. "off" (or "none") turns throttling off.
    """

    def get_rate(self):
        rate = settings.REST_FRAMEWORK.get("DEFAULT_THROTTLE_RATES", {}).get(self.scope)
        if rate is None or str(rate).lower() in ("off", "none", "0"):
            return None
        return rate
