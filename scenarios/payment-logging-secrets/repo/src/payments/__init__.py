"""A small client for the card payment gateway."""

from .cards import Card, InvalidCard
from .client import Charge, PaymentClient, Refund
from .errors import CardDeclined, GatewayError, PaymentError

__all__ = [
    "Card",
    "CardDeclined",
    "Charge",
    "GatewayError",
    "InvalidCard",
    "PaymentClient",
    "PaymentError",
    "Refund",
]
