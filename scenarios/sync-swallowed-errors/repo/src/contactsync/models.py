"""Contacts as the CRM knows them, and how a row of the webshop export becomes one."""

from __future__ import annotations

import re
from dataclasses import dataclass

#: Deliberately loose: the CRM does the real validation, we only catch obvious garbage early.
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")

#: Columns the webshop export must have; extra columns are ignored.
REQUIRED_COLUMNS = ("email", "first_name", "last_name")


class InvalidRow(ValueError):
    """A row of the export that cannot become a contact."""


@dataclass(frozen=True)
class Contact:
    """One person in the CRM, keyed by e-mail address."""

    email: str
    first_name: str
    last_name: str
    marketing_opt_in: bool = False

    @property
    def display_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


def _opt_in(value: str) -> bool:
    text = value.strip().lower()
    if text in ("1", "yes", "true", "y"):
        return True
    if text in ("", "0", "no", "false", "n"):
        return False
    raise InvalidRow(f"marketing_opt_in must be yes or no, not {value!r}")


def parse_row(row: dict[str, str]) -> Contact:
    """Build a contact from one row of the export (keys are column names).

    E-mail addresses are compared case-insensitively by the CRM, so they are lower-cased here.
    """
    email = (row.get("email") or "").strip().lower()
    if not _EMAIL.match(email):
        raise InvalidRow(f"not an e-mail address: {email!r}")
    first = (row.get("first_name") or "").strip()
    last = (row.get("last_name") or "").strip()
    if not first and not last:
        raise InvalidRow(f"{email}: a contact needs a first or a last name")
    return Contact(email, first, last, _opt_in(row.get("marketing_opt_in") or ""))
