"""The Orders API client: one method per endpoint (see API.md)."""

from __future__ import annotations

import json
import logging
from typing import Any
from urllib.parse import quote, urlencode

from apiclient import settings
from apiclient.errors import ApiError, AuthError, NotFound
from apiclient.transport import Request, Response, Transport

log = logging.getLogger(__name__)


class OrdersClient:
    """Talks to the Orders API through ``transport`` with a bearer ``token``."""

    def __init__(self, transport: Transport, *, token: str,
                 base_url: str = settings.BASE_URL) -> None:
        self._transport = transport
        self._token = token
        self._base_url = base_url.rstrip("/")

    def get_order(self, order_id: str) -> dict[str, Any]:
        return self._request("GET", f"/orders/{quote(order_id, safe='')}")

    def list_orders(self, *, status: str | None = None) -> list[dict[str, Any]]:
        params = {"status": status} if status else None
        return self._request("GET", "/orders", params=params)["orders"]

    def create_order(self, customer_id: str, items: list[dict[str, Any]]) -> dict[str, Any]:
        return self._request("POST", "/orders", body={"customer_id": customer_id, "items": items})

    def update_order(self, order_id: str, changes: dict[str, Any]) -> dict[str, Any]:
        return self._request("PUT", f"/orders/{quote(order_id, safe='')}", body=changes)

    def cancel_order(self, order_id: str) -> None:
        self._request("DELETE", f"/orders/{quote(order_id, safe='')}")

    def _request(self, method: str, path: str, *, params: dict[str, str] | None = None,
                 body: dict[str, Any] | None = None) -> Any:
        request = self._build(method, path, params, body)
        response = self._transport.send(request)
        return self._decode(request, response)

    def _build(self, method: str, path: str, params: dict[str, str] | None,
               body: dict[str, Any] | None) -> Request:
        url = self._base_url + path + (f"?{urlencode(params)}" if params else "")
        headers = {"Authorization": f"Bearer {self._token}", "User-Agent": settings.USER_AGENT,
                   "Accept": "application/json"}
        data = None
        if body is not None:
            headers["Content-Type"] = "application/json"
            data = json.dumps(body).encode()
        return Request(method, url, headers, data)

    def _decode(self, request: Request, response: Response) -> Any:
        if 200 <= response.status < 300:
            return json.loads(response.body) if response.body else None
        message = _error_message(response)
        log.info("%s %s -> %s %s", request.method, request.url, response.status, message)
        if response.status == 404:
            raise NotFound(message, status=404)
        if response.status in (401, 403):
            raise AuthError(message, status=response.status)
        raise ApiError(message, status=response.status)


def _error_message(response: Response) -> str:
    try:
        return str(json.loads(response.body)["error"])
    except (ValueError, KeyError, TypeError):
        return response.body.decode(errors="replace")[:200] or "no details"
