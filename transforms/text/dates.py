"""Publication dates (plain functions)."""
from __future__ import annotations

import datetime as dt

from dateutil import parser as dateparser


def parse_timestamp(value: str | None) -> dt.datetime | None:
    """An explicit timestamp (ISO 8601, RFC 2822...) to an aware UTC datetime, or None.
    A value without a zone is taken as UTC."""
    if not value or not isinstance(value, str):
        return None
    try:
        parsed = dateparser.parse(value.strip())
    except (ValueError, OverflowError, TypeError):
        return None
    if parsed is None:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.timezone.utc)
    return parsed.astimezone(dt.timezone.utc)
