"""One GraphQL request to a traindx server, with the failures sorted into retry-worthy and not."""

from __future__ import annotations

import json
import socket
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

from ..encode import plain

# Codes meaning the request itself is wrong: sending it again gets the same
# answer (the TypeScript monitor's graphql-http.ts uses the same set).
PERMANENT_CODES = frozenset(
    {"BAD_TRACE", "BAD_USER_INPUT", "GRAPHQL_VALIDATION_FAILED", "GRAPHQL_PARSE_FAILED"}
)


class DeliveryError(Exception):
    """A failed request; `permanent` when a resend cannot help (the server refused the content)."""

    def __init__(self, message: str, permanent: bool, code: str = "") -> None:
        super().__init__(message)
        self.permanent = permanent
        self.code = code


def endpoint_url(url: str) -> str:
    """`http://host:4000` → `http://host:4000/graphql`; a URL with a path is kept."""
    parts = urllib.parse.urlsplit(url)
    if parts.path in ("", "/"):
        parts = parts._replace(path="/graphql")
    return urllib.parse.urlunsplit(parts)


def post_graphql(
    url: str, query: str, variables: dict[str, Any], headers: dict[str, str], timeout_s: float
) -> dict[str, Any]:
    """POSTs one operation and returns its `data`; raises DeliveryError otherwise."""
    body = json.dumps({"query": query, "variables": plain(variables)}, allow_nan=False).encode()
    request = urllib.request.Request(
        url,
        data=body,
        method="POST",
        headers={
            "content-type": "application/json",
            "accept": "application/graphql-response+json, application/json",
            **headers,
        },
    )
    status = 200
    try:
        with urllib.request.urlopen(request, timeout=timeout_s) as response:
            text = response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as err:
        status = err.code
        text = err.read().decode("utf-8", "replace")
    except (urllib.error.URLError, socket.timeout, ConnectionError, OSError) as err:
        reason = getattr(err, "reason", err)
        raise DeliveryError(f"{url} unreachable ({reason})", permanent=False) from None
    try:
        answer = json.loads(text)
    except ValueError:
        answer = None
    errors = answer.get("errors") if isinstance(answer, dict) else None
    if errors:
        first = errors[0]
        code = str((first.get("extensions") or {}).get("code", ""))
        raise DeliveryError(str(first.get("message")), permanent=code in PERMANENT_CODES, code=code)
    data = answer.get("data") if isinstance(answer, dict) else None
    if status >= 400 or not isinstance(data, dict):
        permanent = 400 <= status < 500 and status != 429
        raise DeliveryError(f"{url} answered {status} {text[:120]}", permanent=permanent)
    return data
