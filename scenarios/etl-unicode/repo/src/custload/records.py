"""The two record types of the pipeline: a validated CSV row and a merged customer."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Row:
    """One validated line of a batch file."""

    batch: str
    """Name of the file the row came from."""
    line: int
    """Line number in that file (the header is line 1)."""
    name: str
    email: str
    country: str
    """ISO 3166 alpha-2 code, upper case."""
    spend_cents: int


@dataclass
class Customer:
    """Every row that belongs to one person, merged."""

    key: str
    """The dedup key all merged rows share (see ``dedup.customer_key``)."""
    name: str
    """Display name: the first spelling seen, whitespace tidied."""
    country: str
    spend_cents: int = 0
    emails: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    """``file:line`` of every merged row, in load order."""

    def to_dict(self) -> dict[str, object]:
        return {
            "name": self.name,
            "country": self.country,
            "spend": format_cents(self.spend_cents),
            "emails": list(self.emails),
            "sources": list(self.sources),
        }


def format_cents(cents: int) -> str:
    """``123456`` -> ``"1234.56"`` (no floats on the way)."""
    sign = "-" if cents < 0 else ""
    cents = abs(cents)
    return f"{sign}{cents // 100}.{cents % 100:02d}"
