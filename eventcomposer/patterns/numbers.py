"""Numbers the way event-ruler compares them.

event-ruler turns a number into a fixed-point integer (six decimal places) and only numbers in
-5e9..5e9 with at most six decimals take part in numeric matching; other numbers can still match
an exact value, but never a range. Working on scaled integers keeps comparisons exact.
"""

from __future__ import annotations

import math
from decimal import Decimal, InvalidOperation

SCALE = 10**6
LIMIT = 5_000_000_000 * SCALE  # +-5e9, scaled

RANGE_MESSAGE = "Value must be between -5.0E9 and 5.0E9, inclusive"
DECIMALS_MESSAGE = "Only values upto 6 decimals are supported"


def scaled_from_text(text: str) -> int:
    """A pattern number (its JSON text) as a scaled integer; ValueError with AWS's message."""
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValueError(RANGE_MESSAGE) from None
    if not number.is_finite():
        raise ValueError(RANGE_MESSAGE)
    if _decimal_places(number) > 6:
        raise ValueError(DECIMALS_MESSAGE)
    if abs(number) > 5_000_000_000:
        raise ValueError(RANGE_MESSAGE)
    return int(number.scaleb(6))


def _decimal_places(number: Decimal) -> int:
    """Digits right of the point once trailing zeros are dropped (BigDecimal's stripped scale)."""
    _sign, digits, exponent = number.as_tuple()
    assert isinstance(exponent, int)
    if not any(digits):
        return 0
    zeros = 0
    for digit in reversed(digits[1:]):
        if digit != 0:
            break
        zeros += 1
    return max(0, -(exponent + zeros))


def event_scaled(value: int | float) -> int | None:
    """An event number as a scaled integer, or None if it cannot take part in numeric matching.

    ``value`` must be an int or float (not bool). Floats are read through their shortest repr,
    which is what the event's JSON text said in all but contrived cases.
    """
    if isinstance(value, int):
        if -5_000_000_000 <= value <= 5_000_000_000:
            return int(value) * SCALE
        return None
    if not math.isfinite(value) or not -5e9 <= value <= 5e9:
        return None
    if value.is_integer():
        return int(value) * SCALE
    text = repr(value)
    if "e" in text:
        number = Decimal(text)
        if _decimal_places(number) > 6:
            return None
        return int(number.scaleb(6))
    decimals = len(text) - text.index(".") - 1
    if decimals > 6:
        return None
    return int(text.replace(".", "")) * 10 ** (6 - decimals)


def format_scaled(scaled: int) -> str:
    """A scaled integer back as a short decimal string (for explanations)."""
    number = Decimal(scaled) / SCALE
    text = format(number.normalize(), "f")
    return text
