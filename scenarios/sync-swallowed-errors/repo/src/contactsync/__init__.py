"""Keep the CRM's contact list in step with the webshop's customer export."""

from .crm import CrmError, CrmUnavailable, InMemoryCrm, RateLimited, Rejected
from .models import Contact, InvalidRow, parse_row

__all__ = [
    "Contact",
    "CrmError",
    "CrmUnavailable",
    "InMemoryCrm",
    "InvalidRow",
    "RateLimited",
    "Rejected",
    "parse_row",
]
