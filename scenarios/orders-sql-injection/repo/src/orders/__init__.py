"""Order storage for the shop back office, on SQLite."""

from .db import connect
from .models import Order, OrderStatus
from .repository import OrderNotFound, OrderRepository

__all__ = ["Order", "OrderNotFound", "OrderRepository", "OrderStatus", "connect"]
