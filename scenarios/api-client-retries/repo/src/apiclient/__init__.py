"""Client for the Orders API, over a pluggable transport."""

from apiclient.client import OrdersClient
from apiclient.errors import ApiError, AuthError, NotFound, TransportError
from apiclient.transport import Request, Response, Transport

__all__ = [
    "ApiError",
    "AuthError",
    "NotFound",
    "OrdersClient",
    "Request",
    "Response",
    "Transport",
    "TransportError",
]
