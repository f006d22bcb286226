"""Outbound HTTP adapter: the only module that imports httpx. Every call has a timeout."""

from __future__ import annotations

from typing import Any

import httpx

from vigil.settings import get_settings

HttpError = httpx.HTTPError
TimeoutError_ = httpx.TimeoutException
Response = httpx.Response


def client(*, timeout: float | None = None, **kwargs: Any) -> httpx.Client:
    seconds = timeout if timeout is not None else get_settings().http_timeout_seconds
    return httpx.Client(timeout=httpx.Timeout(seconds, connect=min(5.0, seconds)), **kwargs)
