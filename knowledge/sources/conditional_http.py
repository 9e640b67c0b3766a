"""HTTP GET with validators: send ETag / Last-Modified of the previous answer, 304 = unchanged."""

from __future__ import annotations

from dataclasses import dataclass

import httpx

USER_AGENT = "IKZ-Assistent/0.1 (knowledge refresh)"


class SourceFetchError(RuntimeError):
    """A source could not be fetched (HTTP error, timeout, unusable answer)."""


def http_validators(etag: str | None, last_modified: str | None) -> dict[str, str]:
    """The validators worth sending next time (ETag and/or Last-Modified)."""
    return {key: value for key, value in (("etag", etag), ("last_modified", last_modified)) if value}


@dataclass
class ConditionalResponse:
    url: str
    not_modified: bool
    content: bytes = b""
    etag: str | None = None
    last_modified: str | None = None
    headers: httpx.Headers | None = None

    @property
    def validators(self) -> dict[str, str]:
        return http_validators(self.etag, self.last_modified)


def make_client(timeout_s: float = 30.0) -> httpx.Client:
    """A client with a short connect timeout, redirects followed and our user agent."""
    return httpx.Client(
        timeout=httpx.Timeout(timeout_s, connect=min(timeout_s, 10.0)),
        follow_redirects=True,
        headers={"User-Agent": USER_AGENT},
    )


def get(
    client: httpx.Client,
    url: str,
    *,
    validators: dict[str, str] | None = None,
    params: dict | None = None,
    timeout_s: float | None = None,
) -> ConditionalResponse:
    """GET ``url``; with ``validators`` a conditional request. Errors become SourceFetchError."""
    headers = {}
    if validators:
        if validators.get("etag"):
            headers["If-None-Match"] = validators["etag"]
        if validators.get("last_modified"):
            headers["If-Modified-Since"] = validators["last_modified"]
    try:
        response = client.get(url, params=params, headers=headers, timeout=timeout_s or httpx.USE_CLIENT_DEFAULT)
    except httpx.TimeoutException as exc:
        raise SourceFetchError(f"timeout after {timeout_s or client.timeout.read}s: {url}") from exc
    except httpx.HTTPError as exc:
        raise SourceFetchError(f"{exc.__class__.__name__}: {exc} ({url})") from exc
    if response.status_code == 304:
        return ConditionalResponse(
            url, True, etag=response.headers.get("ETag") or (validators or {}).get("etag"),
            last_modified=response.headers.get("Last-Modified") or (validators or {}).get("last_modified"),
            headers=response.headers,
        )
    if response.status_code >= 400:
        raise SourceFetchError(f"HTTP {response.status_code} {response.reason_phrase}: {response.url}")
    return ConditionalResponse(
        url,
        False,
        response.content,
        etag=response.headers.get("ETag"),
        last_modified=response.headers.get("Last-Modified"),
        headers=response.headers,
    )
