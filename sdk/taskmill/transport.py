"""HTTP with the standard library: JSON in and out, API errors turned into exceptions."""
from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

from taskmill.errors import BY_STATUS, TaskmillError


class Transport:
    def __init__(self, base_url: str, token: str, timeout_s: float) -> None:
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.timeout_s = timeout_s

    def request(self, method: str, path: str, body: Any = None, query: dict | None = None,
                timeout_s: float | None = None) -> tuple[int, Any]:
        """Send one request; returns (status, decoded JSON body) for 2xx, raises otherwise."""
        url = self.base_url + path
        if query:
            url += "?" + urllib.parse.urlencode({k: v for k, v in query.items() if v is not None})
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(url, data=data, method=method, headers={
            "Authorization": f"Bearer {self.token}", "Accept": "application/json",
            **({"Content-Type": "application/json"} if data is not None else {})})
        try:
            with urllib.request.urlopen(request, timeout=timeout_s or self.timeout_s) as response:
                return response.status, _decode(response.read())
        except urllib.error.HTTPError as error:
            raise _api_error(error.code, _decode(error.read())) from None
        except urllib.error.URLError as error:
            raise TaskmillError(f"cannot reach Taskmill at {self.base_url}: {error.reason}") from None


def _decode(raw: bytes) -> Any:
    if not raw:
        return None
    try:
        return json.loads(raw)
    except ValueError:
        return raw.decode("utf-8", "replace")


def _api_error(status: int, body: Any) -> TaskmillError:
    error = body.get("error", {}) if isinstance(body, dict) else {}
    message = error.get("message") or f"HTTP {status}"
    cls = BY_STATUS.get(status, TaskmillError)
    return cls(message, status=status, code=error.get("code"), details=error.get("details"))
