"""Downloading official list files over HTTPS: timeouts, retries, conditional requests, size limits.

A download goes to ``<dest>.part`` and is renamed over ``dest`` only when it is complete, so a
failed or truncated download never replaces a good file.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import httpx

DEFAULT_TIMEOUT = 60.0
DEFAULT_RETRIES = 3
DEFAULT_MAX_BYTES = 1 << 30  # 1 GiB: the largest official list (sdn_advanced.xml) is ~120 MB


class FetchError(Exception):
    """A download failed; the message names the URL and why."""


@dataclass(frozen=True)
class FetchResult:
    """What a conditional download did: ``downloaded`` (new bytes at ``path``) or ``not_modified``."""

    status: str
    url: str
    path: Path | None = None
    etag: str | None = None
    last_modified: str | None = None
    size: int = 0


def fetch(url: str, dest: Path, *, etag: str | None = None, last_modified: str | None = None,
          timeout: float = DEFAULT_TIMEOUT, retries: int = DEFAULT_RETRIES,
          max_bytes: int = DEFAULT_MAX_BYTES, backoff: float = 1.0,
          transport: httpx.BaseTransport | None = None) -> FetchResult:
    """Download ``url`` to ``dest`` unless the server says it has not changed.

    Sends ``If-None-Match``/``If-Modified-Since`` when an ``etag``/``last_modified`` from the last
    download is given; a 304 answer returns ``not_modified`` and leaves ``dest`` alone.
    Timeouts, connection errors and 5xx answers are retried ``retries`` times with exponential
    backoff; 4xx answers are not. A body larger than ``max_bytes`` or shorter than its
    Content-Length raises :class:`FetchError`.
    """
    headers = {"User-Agent": "moneytrail (+https://github.com/moneytrail)"}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    last_error = "no attempt made"
    for attempt in range(retries + 1):
        if attempt:
            time.sleep(backoff * 2 ** (attempt - 1))
        try:
            return _fetch_once(url, dest, headers, timeout, max_bytes, transport)
        except _Retryable as exc:
            last_error = str(exc)
    raise FetchError(f"{url}: gave up after {retries + 1} attempts: {last_error}")


class _Retryable(Exception):
    pass


def _fetch_once(url: str, dest: Path, headers: dict[str, str], timeout: float, max_bytes: int,
                transport: httpx.BaseTransport | None) -> FetchResult:
    part = dest.with_name(dest.name + ".part")
    dest.parent.mkdir(parents=True, exist_ok=True)
    try:
        with httpx.Client(timeout=timeout, follow_redirects=True, transport=transport) as client:
            with client.stream("GET", url, headers=headers) as response:
                if response.status_code == 304:
                    return FetchResult("not_modified", url, etag=headers.get("If-None-Match"),
                                       last_modified=headers.get("If-Modified-Since"))
                if response.status_code >= 500:
                    raise _Retryable(f"server error {response.status_code}")
                if response.status_code != 200:
                    raise FetchError(f"{url}: HTTP {response.status_code} "
                                     f"{response.reason_phrase}")
                declared = response.headers.get("Content-Length")
                if declared is not None and int(declared) > max_bytes:
                    raise FetchError(f"{url}: {declared} bytes is over the limit of {max_bytes}")
                size = 0
                with open(part, "wb") as out:
                    for chunk in response.iter_bytes(1 << 16):
                        size += len(chunk)
                        if size > max_bytes:
                            raise FetchError(f"{url}: body is over the limit of {max_bytes} bytes")
                        out.write(chunk)
                if declared is not None and size != int(declared):
                    raise _Retryable(f"truncated body: got {size} of {declared} bytes")
                if size == 0:
                    raise FetchError(f"{url}: empty body")
                part.replace(dest)
                return FetchResult("downloaded", url, dest, response.headers.get("ETag"),
                                   response.headers.get("Last-Modified"), size)
    except httpx.TimeoutException as exc:
        raise _Retryable(f"timed out ({type(exc).__name__})") from exc
    except (httpx.TransportError, httpx.RemoteProtocolError) as exc:
        raise _Retryable(f"{type(exc).__name__}: {exc}") from exc
    finally:
        part.unlink(missing_ok=True)
