"""Request rates as written in settings ("120/minute", "off"), parsed and checked."""

import re
from dataclasses import dataclass

_UNITS = {
    **dict.fromkeys(("s", "sec", "second", "seconds"), 1),
    **dict.fromkeys(("m", "min", "minute", "minutes"), 60),
    **dict.fromkeys(("h", "hour", "hours"), 3600),
    **dict.fromkeys(("d", "day", "days"), 86400),
}
_RATE = re.compile(r"(\d+)\s*/\s*([a-z]+)")
OFF = ("off", "none")


@dataclass(frozen=True)
class Rate:
    limit: int  # requests …
    period: int  # … per this many seconds

    @property
    def interval(self):
        """Seconds between two requests at the sustained rate."""
        return self.period / self.limit


def parse_rate(text):
    """Rate(limit, period) for "N/second|minute|hour|day" (or DRF's "N/s|m|h|d"); None for "off" or "none".

    Raises ValueError, whose message completes "THROTTLE_ANON_RATE …", for anything else.
    """
    value = str(text).strip().lower()
    if value in OFF:
        return None
    match = _RATE.fullmatch(value)
    if not match or match[2] not in _UNITS:
        raise ValueError(
            f'must be a number of requests per second, minute, hour or day ("120/minute") or "off", not {text!r}'
        )
    if int(match[1]) < 1:
        raise ValueError(f'must allow at least one request per period (or be "off"), not {text!r}')
    return Rate(int(match[1]), _UNITS[match[2]])
