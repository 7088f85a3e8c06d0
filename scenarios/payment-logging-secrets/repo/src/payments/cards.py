"""Card details as the checkout collects them.

Card numbers (PANs) and security codes are PCI data: they may be sent to the gateway and nowhere
else. Never log them, put them in exception messages or store them; use ``last4`` / ``masked()``.
"""

from __future__ import annotations

from dataclasses import dataclass, field


class InvalidCard(ValueError):
    """The card details cannot be right (checked before anything is sent)."""


def luhn_ok(number: str) -> bool:
    digits = [int(d) for d in number]
    checksum = 0
    for i, d in enumerate(reversed(digits)):
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        checksum += d
    return checksum % 10 == 0


@dataclass(frozen=True)
class Card:
    number: str = field(repr=False)
    exp_month: int
    exp_year: int
    cvc: str = field(repr=False)
    holder: str = ""

    def __post_init__(self) -> None:
        digits = self.number.replace(" ", "").replace("-", "")
        object.__setattr__(self, "number", digits)
        if not (digits.isdigit() and 12 <= len(digits) <= 19 and luhn_ok(digits)):
            raise InvalidCard("card number is not valid")
        if not (self.cvc.isdigit() and len(self.cvc) in (3, 4)):
            raise InvalidCard("security code must be 3 or 4 digits")
        if not 1 <= self.exp_month <= 12:
            raise InvalidCard("expiry month must be 1-12")

    @property
    def last4(self) -> str:
        return self.number[-4:]

    def masked(self) -> str:
        """``**** 4242``: safe to log and to show to support."""
        return f"**** {self.last4}"
