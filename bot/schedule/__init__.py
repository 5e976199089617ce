"""Schedules: digest subscriptions and feed polling."""

from bot.schedule.spec import ScheduleSpec, parse_schedule

__all__ = ["ScheduleSpec", "parse_schedule"]
