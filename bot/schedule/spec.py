"""Schedules as people write them: "daily 08:00 Europe/Oslo", "weekdays 07:30", "every 6 hours"."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from bot.errors import CommandError

__all__ = ["ScheduleSpec", "parse_schedule"]

_TIME = re.compile(r"^([01]?\d|2[0-3])[:.]([0-5]\d)$")
_UNITS = {
    "minute": 1,
    "minutes": 1,
    "min": 1,
    "mins": 1,
    "m": 1,
    "minutt": 1,
    "minutter": 1,
    "hour": 60,
    "hours": 60,
    "h": 60,
    "time": 60,
    "timer": 60,
}


@dataclass(frozen=True)
class ScheduleSpec:
    """When a digest is due: ``kind`` is "daily", "weekdays" or "every"."""

    kind: str
    at: str | None
    interval_minutes: int | None
    timezone: str

    @classmethod
    def of(cls, row: Any) -> ScheduleSpec:
        """The schedule of a stored subscription row."""
        return cls(row.schedule, row.at, row.interval_minutes, row.timezone)

    def describe(self) -> str:
        if self.kind == "every":
            minutes = self.interval_minutes or 0
            if minutes % 60 == 0:
                hours = minutes // 60
                return f"every {hours} hour{'s' if hours != 1 else ''}"
            return f"every {minutes} minute{'s' if minutes != 1 else ''}"
        return f"{self.kind} at {self.at} ({self.timezone})"

    def previous_fire(self, now: datetime) -> datetime:
        """The latest scheduled time at or before ``now`` (an aware datetime)."""
        if self.kind == "every":
            step = timedelta(minutes=self.interval_minutes or 60)
            epoch = datetime(2000, 1, 1, tzinfo=now.tzinfo)
            return epoch + ((now - epoch) // step) * step
        zone = ZoneInfo(self.timezone)
        hour, minute = (int(x) for x in (self.at or "00:00").split(":"))
        local = now.astimezone(zone)
        day = local.date()
        for _ in range(8):
            fire = datetime.combine(day, time(hour, minute), tzinfo=zone)
            # Wall-clock times that DST skips or repeats resolve through UTC.
            fire = fire.astimezone(now.tzinfo)
            if fire <= now and (self.kind == "daily" or day.weekday() < 5):
                return fire
            day -= timedelta(days=1)
        raise AssertionError("a weekday occurs within 8 days")

    def period(self) -> timedelta:
        """The span one digest covers the first time (no earlier digest to continue from)."""
        if self.kind == "every":
            return timedelta(minutes=self.interval_minutes or 60)
        return timedelta(days=1)


def _zone(name: str) -> str | None:
    """The IANA zone ``name`` names, in its own capitals ("europe/oslo": Europe/Oslo)."""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return _zone_names().get(name.lower())
    return name


@functools.cache
def _zone_names() -> dict[str, str]:
    return {zone.lower(): zone for zone in available_timezones()}


# What people write for a zone that is no IANA name: an abbreviation ("CET", "EST") or an
# offset ("GMT+1"). Neither follows summer time, so each is refused with the name to use,
# rather than read as the digest's topic.
# Not those that are also news topics: PST (the security service), MET (the weather
# institute), IST.
_ABBREVIATIONS = frozenset(
    "CET CEST EET EEST WET WEST MEST BST EST EDT CST CDT MST MDT PDT HST "
    "AKST AKDT AEST AEDT JST KST MSK".split()
)
_OFFSET = re.compile(r"(?:UTC|GMT)[+-]\d{1,2}(?::?\d{2})?", re.IGNORECASE)


def _zone_like(word: str) -> bool:
    return word in _ABBREVIATIONS or bool(_OFFSET.fullmatch(word))


def parse_schedule(
    words: list[str], default_zone: str, min_interval_minutes: int
) -> tuple[ScheduleSpec, list[str]]:
    """Parse the schedule at the start of ``words``; return it and the words left (the topic)."""
    if not words:
        raise CommandError(
            "Say when: `subscribe daily 08:00 [Europe/Oslo] [topic]`, "
            "`subscribe weekdays 07:30`, or `subscribe every 6 hours`."
        )
    kind = words[0].lower()
    rest = words[1:]
    if kind in ("daily", "weekdays", "daglig", "hverdager"):
        kind = {"daglig": "daily", "hverdager": "weekdays"}.get(kind, kind)
        if not rest or not _TIME.match(rest[0]):
            got = rest[0] if rest else "nothing"
            raise CommandError(f"“{got}” is not a time of day; write it as HH:MM, e.g. 08:00.")
        hour, minute = _TIME.match(rest[0]).groups()  # type: ignore[union-attr]
        at = f"{int(hour):02d}:{minute}"
        rest = rest[1:]
        zone = default_zone
        if rest and _zone_like(rest[0]):
            raise CommandError(
                f"“{rest[0]}” does not follow summer time; use an IANA name like "
                "Europe/Oslo or America/New_York (or UTC)."
            )
        if rest and ("/" in rest[0] or rest[0].upper() == "UTC"):
            found = _zone(rest[0] if rest[0].upper() != "UTC" else "UTC")
            if found is None:
                raise CommandError(
                    f"“{rest[0]}” is not a time zone I know; use an IANA name like Europe/Oslo."
                )
            zone, rest = found, rest[1:]
        return ScheduleSpec(kind, at, None, zone), rest
    if kind in ("every", "hver"):
        if len(rest) < 2 or not rest[0].isdigit() or rest[1].lower() not in _UNITS:
            raise CommandError("Write an interval as `every N hours` or `every N minutes`.")
        minutes = int(rest[0]) * _UNITS[rest[1].lower()]
        if minutes < max(min_interval_minutes, 1):
            shortest = f"{min_interval_minutes} minute{'s' if min_interval_minutes != 1 else ''}"
            raise CommandError(f"The shortest interval here is {shortest}.")
        if minutes > 7 * 24 * 60:
            raise CommandError("The longest interval is a week; use `daily` or `weekdays` instead.")
        return ScheduleSpec("every", None, minutes, default_zone), rest[2:]
    raise CommandError(f"“{words[0]}” is not a schedule; use daily, weekdays or every.")
