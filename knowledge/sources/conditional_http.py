"""Bounded HTTP GET for knowledge sources, with validators (ETag / Last-Modified, 304 = unchanged).

Every fetch runs under a :class:`FetchPolicy`: the body is streamed and refused beyond
``max_bytes``; each request must finish within ``timeout_s`` and the whole source within its
deadline (a server trickling one byte at a time cannot hold a refresh forever); redirects are
followed by hand, only to the same host, never to another scheme than http(s); and hosts that
resolve to private, loopback, link-local or otherwise non-public addresses are refused unless the
source explicitly allows them (``allow_private_network``), so a source cannot be turned into a
probe of the internal network (SSRF).
"""

from __future__ import annotations

import ipaddress
import socket
import time
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import httpx

USER_AGENT = "IKZ-Assistent/0.1 (knowledge refresh)"
DEFAULT_MAX_BYTES = 20 * 1024 * 1024
MAX_REDIRECTS = 5


class SourceFetchError(RuntimeError):
    """A source could not be fetched (HTTP error, timeout, limit, refused address, unusable answer)."""


def http_validators(etag: str | None, last_modified: str | None) -> dict[str, str]:
    """The validators worth sending next time (ETag and/or Last-Modified)."""
    return {key: value for key, value in (("etag", etag), ("last_modified", last_modified)) if value}


@dataclass
class FetchPolicy:
    """Limits for every request of one source refresh (see the module docstring)."""

    timeout_s: float = 30.0
    max_bytes: int = DEFAULT_MAX_BYTES
    deadline_s: float = 300.0
    allow_private_network: bool = False
    started: float = field(default_factory=time.monotonic)

    @classmethod
    def for_source(cls, source: object) -> FetchPolicy:
        return cls(
            timeout_s=float(getattr(source, "timeout_s", 30.0)),
            max_bytes=int(getattr(source, "max_bytes", DEFAULT_MAX_BYTES)),
            deadline_s=float(getattr(source, "deadline_s", 300.0)),
            allow_private_network=bool(getattr(source, "allow_private_network", False)),
        )

    def remaining_s(self) -> float:
        return self.deadline_s - (time.monotonic() - self.started)


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
    """A client with a short connect timeout and our user agent; redirects are checked by :func:`get`."""
    return httpx.Client(
        timeout=httpx.Timeout(timeout_s, connect=min(timeout_s, 10.0)),
        follow_redirects=False,
        headers={"User-Agent": USER_AGENT},
    )


def _is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def check_url(url: str, policy: FetchPolicy) -> None:
    """Refuse other schemes than http(s) and, unless allowed, hosts with non-public addresses."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise SourceFetchError(f"refused URL (only http and https): {url}")
    if policy.allow_private_network:
        return
    try:
        infos = socket.getaddrinfo(parts.hostname, parts.port or (443 if parts.scheme == "https" else 80),
                                   type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise SourceFetchError(f"cannot resolve {parts.hostname}: {exc}") from exc
    for info in infos:
        address = str(info[4][0])
        if not _is_public(address):
            raise SourceFetchError(
                f"refused {parts.hostname} ({address}): private or local network address "
                "(set allow_private_network = true for this source if intended)"
            )


def _same_host(first: str, second: str) -> bool:
    a, b = urlsplit(first), urlsplit(second)
    return (a.hostname or "").lower() == (b.hostname or "").lower()


def get(
    client: httpx.Client,
    url: str,
    *,
    validators: dict[str, str] | None = None,
    params: dict | None = None,
    timeout_s: float | None = None,
    policy: FetchPolicy | None = None,
) -> ConditionalResponse:
    """GET ``url`` within ``policy``; with ``validators`` a conditional request.

    Every failure (HTTP error, timeout, limit, refused redirect or address) is a SourceFetchError.
    """
    policy = policy or FetchPolicy(timeout_s=timeout_s or 30.0)
    headers = {"Accept-Encoding": "gzip, deflate"}  # only what _decode can unpack within the limit
    if validators:
        if validators.get("etag"):
            headers["If-None-Match"] = validators["etag"]
        if validators.get("last_modified"):
            headers["If-Modified-Since"] = validators["last_modified"]
    started = time.monotonic()
    request_timeout = timeout_s or policy.timeout_s
    current = str(client.build_request("GET", url, params=params).url)
    for _hop in range(MAX_REDIRECTS + 1):
        check_url(current, policy)
        budget = min(request_timeout - (time.monotonic() - started), policy.remaining_s())
        if budget <= 0:
            raise SourceFetchError(f"timeout after {request_timeout:g}s: {url}")
        try:
            with client.stream("GET", current, headers=headers, timeout=httpx.Timeout(budget)) as response:
                if response.status_code in (301, 302, 303, 307, 308) and "location" in response.headers:
                    target = urljoin(current, response.headers["location"])
                    if not _same_host(url, target):
                        raise SourceFetchError(f"refused redirect to another host: {current} → {target}")
                    if urlsplit(current).scheme == "https" and urlsplit(target).scheme != "https":
                        raise SourceFetchError(f"refused redirect from https to {target}")
                    current = target
                    continue
                if response.status_code == 304:
                    return ConditionalResponse(
                        url, True, etag=response.headers.get("ETag") or (validators or {}).get("etag"),
                        last_modified=response.headers.get("Last-Modified") or (validators or {}).get("last_modified"),
                        headers=response.headers,
                    )
                if response.status_code >= 400:
                    raise SourceFetchError(f"HTTP {response.status_code} {response.reason_phrase}: {response.url}")
                content = _read_limited(response, policy, started, request_timeout, url)
                return ConditionalResponse(
                    url, False, content, etag=response.headers.get("ETag"),
                    last_modified=response.headers.get("Last-Modified"), headers=response.headers,
                )
        except httpx.TimeoutException as exc:
            raise SourceFetchError(f"timeout after {request_timeout:g}s: {url}") from exc
        except httpx.HTTPError as exc:
            raise SourceFetchError(f"{exc.__class__.__name__}: {exc} ({url})") from exc
    raise SourceFetchError(f"more than {MAX_REDIRECTS} redirects: {url}")


def _read_limited(response: httpx.Response, policy: FetchPolicy, started: float, request_timeout: float,
                  url: str) -> bytes:
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > policy.max_bytes:
        raise SourceFetchError(f"answer larger than max_bytes ({int(declared)} > {policy.max_bytes}): {url}")
    body = bytearray()
    for chunk in response.iter_raw():
        body.extend(chunk)
        if len(body) > policy.max_bytes:
            raise SourceFetchError(f"answer larger than max_bytes ({policy.max_bytes}): {url}")
        if time.monotonic() - started > request_timeout or policy.remaining_s() <= 0:
            raise SourceFetchError(f"timeout after {request_timeout:g}s (answer too slow): {url}")
    return bytes(_decode(response, bytes(body), policy, url))


def _decode(response: httpx.Response, raw: bytes, policy: FetchPolicy, url: str) -> bytes:
    """Undo Content-Encoding (gzip, deflate, br) within the byte limit (no decompression bombs)."""
    encoding = response.headers.get("Content-Encoding", "").strip().lower()
    if encoding in ("", "identity"):
        return raw
    import zlib

    if encoding in ("gzip", "x-gzip", "deflate"):
        decoder = zlib.decompressobj(16 + zlib.MAX_WBITS if "gzip" in encoding else zlib.MAX_WBITS)
        try:
            out = decoder.decompress(raw, policy.max_bytes + 1)
        except zlib.error as exc:
            raise SourceFetchError(f"broken {encoding} answer: {url}") from exc
        if len(out) > policy.max_bytes or decoder.unconsumed_tail:
            raise SourceFetchError(f"unpacked answer larger than max_bytes ({policy.max_bytes}): {url}")
        return out
    raise SourceFetchError(f"unsupported Content-Encoding {encoding!r}: {url}")
