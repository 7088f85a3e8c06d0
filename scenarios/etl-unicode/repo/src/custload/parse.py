"""Parse and validate one batch file.

A batch is a UTF-8 CSV (a byte-order mark is tolerated) with a header row that has at least the
columns in ``settings.REQUIRED_COLUMNS``. Any invalid line makes the whole batch invalid: the
error names the file and the line so the operator can send it back.
"""

from __future__ import annotations

import csv
from decimal import Decimal, InvalidOperation
from pathlib import Path

from custload.records import Row
from custload.settings import REQUIRED_COLUMNS


class BatchError(ValueError):
    """A batch file that cannot be loaded; ``batch`` and ``line`` say where."""

    def __init__(self, batch: str, line: int, message: str) -> None:
        super().__init__(f"{batch}:{line}: {message}")
        self.batch = batch
        self.line = line


def parse_amount(text: str, batch: str, line: int) -> int:
    """A non-negative amount with at most two decimals, in cents."""
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        raise BatchError(batch, line, f"spend {text!r} is not a number") from None
    if not value.is_finite() or value < 0:
        raise BatchError(batch, line, f"spend {text!r} must be a non-negative amount")
    cents = value * 100
    if cents != cents.to_integral_value():
        raise BatchError(batch, line, f"spend {text!r} has more than two decimals")
    return int(cents)


def parse_batch(path: Path) -> list[Row]:
    """Every row of the batch at ``path``; raise BatchError on the first invalid line."""
    batch = path.name
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in REQUIRED_COLUMNS if c not in (reader.fieldnames or ())]
        if missing:
            raise BatchError(batch, 1, "missing column(s): " + ", ".join(missing))
        rows = []
        for record in reader:
            line = reader.line_num
            name = (record["customer"] or "").strip()
            if not name:
                raise BatchError(batch, line, "empty customer name")
            email = (record["email"] or "").strip().lower()
            if email.count("@") != 1 or email.startswith("@") or email.endswith("@"):
                raise BatchError(batch, line, f"invalid email {email!r}")
            country = (record["country"] or "").strip().upper()
            if len(country) != 2 or not country.isascii() or not country.isalpha():
                raise BatchError(batch, line, f"invalid country code {country!r}")
            spend = parse_amount(record["spend"] or "", batch, line)
            rows.append(Row(batch, line, name, email, country, spend))
    return rows
