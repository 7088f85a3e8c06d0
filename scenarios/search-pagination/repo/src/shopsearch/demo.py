"""A small demo catalogue, for local development and examples."""

from __future__ import annotations

from shopsearch.catalog import Product, parse_products

_ROWS = [
    ("BT-100", "Trail running shoe", "Fellstride", "shoes", 11900, ["running", "trail"]),
    ("BT-101", "Trail running shoe wide fit", "Fellstride", "shoes", 12900, ["running", "trail"]),
    ("BT-102", "Road running shoe", "Fellstride", "shoes", 9900, ["running", "road"]),
    ("BT-200", "Waterproof hiking boot", "Cairn", "shoes", 18900, ["hiking", "waterproof"]),
    ("BT-201", "Lightweight hiking boot", "Cairn", "shoes", 15900, ["hiking"]),
    ("BT-202", "Winter hiking boot", "Cairn", "shoes", 21900, ["hiking", "winter", "waterproof"]),
    ("JK-300", "Waterproof shell jacket", "Cairn", "jackets", 24900, ["waterproof", "hiking"]),
    ("JK-301", "Insulated winter jacket", "Northpeak", "jackets", 29900, ["winter", "down"]),
    ("JK-302", "Running wind jacket", "Fellstride", "jackets", 8900, ["running", "wind"]),
    ("JK-303", "Rain jacket for kids", "Northpeak", "jackets", 5900, ["waterproof", "kids"]),
    ("BP-400", "Hiking backpack 30 litres", "Northpeak", "backpacks", 13900, ["hiking"]),
    ("BP-401", "Running vest 5 litres", "Fellstride", "backpacks", 9400, ["running", "trail"]),
    ("BP-402", "Waterproof dry bag", "Cairn", "backpacks", 2900, ["waterproof"]),
    ("AC-500", "Merino hiking socks", "Northpeak", "accessories", 1900, ["hiking", "wool"]),
    ("AC-501", "Running socks twin pack", "Fellstride", "accessories", 1500, ["running"]),
    ("AC-502", "Trail gaiters", "Cairn", "accessories", 3400, ["trail", "hiking"]),
    ("AC-503", "Headlamp 400 lumens", "Northpeak", "accessories", 4500, ["running", "hiking"]),
]


def demo_products() -> list[Product]:
    return parse_products(
        {"sku": sku, "title": title, "brand": brand, "category": category, "price_cents": price,
         "tags": tags, "description": f"{title} by {brand}."}
        for sku, title, brand, category, price, tags in _ROWS
    )
