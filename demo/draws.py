"""The story's draws: days of field and office work, weighted samples, growth in rupiah."""

import datetime
import random

from django.utils import timezone


def random_day(rng: random.Random, start: datetime.date, end: datetime.date) -> datetime.date:
    """A day between start and end, both included."""
    return start + datetime.timedelta(days=rng.randint(0, max(0, (end - start).days)))


def at_hour(day: datetime.date, hour: int) -> datetime.datetime:
    """That day at that hour in Asia/Jakarta, but never later than now."""
    return min(timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour))), timezone.now())


def field_day(day: datetime.date) -> datetime.date:
    """Field work does not happen on Sundays."""
    return day + datetime.timedelta(days=1) if day.weekday() == 6 else day


def last_field_day(day: datetime.date) -> datetime.date:
    """The last day of field work up to `day`: a Sunday gives the Saturday before.

    A draw that ends here stays on or before `day` after `field_day`, which moves a Sunday forward.
    """
    return day - datetime.timedelta(days=1) if day.weekday() == 6 else day


def grown(amount: int, percent: int) -> int:
    """`amount` grown by `percent`, rounded up to a thousand rupiah so the growth is never understated."""
    total = -(-amount * (100 + percent) // 100)
    return -(-total // 1000) * 1000


def weighted_sample(rng: random.Random, weights: dict, count: int) -> list:
    """`count` distinct keys, the heavier ones more likely (Efraimidis–Spirakis)."""
    keyed = sorted(weights, key=lambda item: rng.random() ** (1 / weights[item]), reverse=True)
    return keyed[:count]


def office_day(day: datetime.date, start: datetime.date, end: datetime.date) -> datetime.date:
    """The bendahara pays on working days: a weekend moves to the Friday before, or the Monday after."""
    if day.weekday() < 5:
        return day
    friday = day - datetime.timedelta(days=day.weekday() - 4)
    monday = day + datetime.timedelta(days=7 - day.weekday())
    return friday if friday >= start else monday if monday <= end else day
