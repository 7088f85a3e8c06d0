"""custload: turn the customer CSV batches in a drop folder into deduplicated customer records."""

from custload.dedup import customer_key, merge
from custload.loader import batch_files, load_folder
from custload.parse import BatchError, parse_batch
from custload.records import Customer, Row

__all__ = [
    "BatchError",
    "Customer",
    "Row",
    "batch_files",
    "customer_key",
    "load_folder",
    "merge",
    "parse_batch",
]
