"""The store: the one place that knows the storage layout (tables, migrations, the exchange file).

May import: harness.errors and harness.result (the typed result it serialises). Nothing
above it (scoring, reports, cli) is imported here.
"""

from harness.store.models import (
    Assignment,
    Base,
    Override,
    Record,
    Result,
    Store,
    Submission,
    new_id,
    now,
    result_summary,
)

__all__ = [
    "Assignment",
    "Base",
    "Override",
    "Record",
    "Result",
    "Store",
    "Submission",
    "new_id",
    "now",
    "result_summary",
]
