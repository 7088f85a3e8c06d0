"""Merge rows that belong to the same customer.

Two rows are the same customer when their names have the same ``customer_key``. The first row seen
gives the display name and the country; spend is summed; emails and sources are collected in order.
"""

from __future__ import annotations

from collections.abc import Iterable

from custload.records import Customer, Row


def customer_key(name: str) -> str:
    """The key two rows must share to be merged: the name with runs of whitespace collapsed."""
    return " ".join(name.split())


def merge(rows: Iterable[Row]) -> list[Customer]:
    """Customers built from ``rows``, sorted by key."""
    customers: dict[str, Customer] = {}
    for row in rows:
        key = customer_key(row.name)
        customer = customers.get(key)
        if customer is None:
            customer = Customer(key=key, name=" ".join(row.name.split()), country=row.country)
            customers[key] = customer
        customer.spend_cents += row.spend_cents
        if row.email not in customer.emails:
            customer.emails.append(row.email)
        customer.sources.append(f"{row.batch}:{row.line}")
    return [customers[key] for key in sorted(customers)]
