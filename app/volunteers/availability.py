"""When a volunteer can help: day and part-of-day codes (stored comma-separated; empty = any).

The codes are what matching compares with a request's wanted day and part of the day.
"""

from __future__ import annotations

from app.core.validation import FieldError

DAYS = {"mon": "maandag", "tue": "dinsdag", "wed": "woensdag", "thu": "donderdag",
        "fri": "vrijdag", "sat": "zaterdag", "sun": "zondag"}
PARTS = {"morning": "ochtend", "afternoon": "middag", "evening": "avond"}
FIELDS = {"available_days": (DAYS, "Beschikbare dagen"),
          "available_parts": (PARTS, "Beschikbare dagdelen")}


def codes(value) -> list[str]:
    if value is None:
        return []
    items = value.split(",") if isinstance(value, str) else list(value)
    return [c.strip() for c in items if c and c.strip()]


def normalise(field: str, value) -> str | None:
    """The stored form ("mon,wed" in week order), or None for "any"; FieldError on unknown codes."""
    allowed, label = FIELDS[field]
    given = codes(value)
    unknown = [c for c in given if c not in allowed]
    if unknown:
        raise FieldError(field, f"{label}: onbekende waarde {', '.join(unknown)} "
                                f"(kies uit {', '.join(allowed)})")
    return ",".join(c for c in allowed if c in given) or None


def label(field: str, value) -> str:
    allowed, _ = FIELDS[field]
    names = [allowed.get(c, c) for c in codes(value)]
    return ", ".join(names) if names else "elke " + ("dag" if field == "available_days" else "tijd")
