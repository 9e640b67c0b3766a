"""A tiny HTTP server on 127.0.0.1 in a background thread, with routes that tests change between requests."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


@dataclass
class Request:
    path: str
    query: dict[str, str]
    headers: dict[str, str]


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    stream: Iterator[bytes] | None = None  # sent chunk by chunk, without Content-Length


Route = Callable[[Request], Reply]


class LocalHttpServer:
    """``with LocalHttpServer() as server: server.routes["/x"] = lambda req: Reply(body=b"...")``."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[Request] = []
        self.release = threading.Event()  # routes that hang wait on this; set on exit
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server API
                parts = urlsplit(self.path)
                request = Request(parts.path, {k: v[-1] for k, v in parse_qs(parts.query).items()},
                                  {k.lower(): v for k, v in self.headers.items()})
                outer.requests.append(request)
                route = outer.routes.get(parts.path)
                reply = route(request) if route else Reply(404, b"not found")
                try:
                    self.send_response(reply.status)
                    for name, value in reply.headers.items():
                        self.send_header(name, value)
                    if reply.stream is not None:
                        self.end_headers()
                        for chunk in reply.stream:
                            self.wfile.write(chunk)
                            self.wfile.flush()
                        return
                    self.send_header("Content-Length", str(len(reply.body)))
                    self.end_headers()
                    if reply.status != 304:
                        self.wfile.write(reply.body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def log_message(self, *args: object) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def hang(self, request: Request) -> Reply:
        """A route that answers only when the test releases it (to provoke client timeouts)."""
        self.release.wait(30)
        return Reply(503, b"released")

    def trickle(self, request: Request) -> Reply:
        """A route that sends one byte every 0.2 s until the client gives up (or the test ends)."""

        def drip() -> Iterator[bytes]:
            while not self.release.is_set():
                yield b"x"
                self.release.wait(0.2)

        return Reply(200, headers={"Content-Type": "text/calendar"}, stream=drip())

    def endless(self, request: Request) -> Reply:
        """A route that streams 64 KiB chunks without end (until the client hangs up)."""

        def flood() -> Iterator[bytes]:
            chunk = b"<item>" + b"x" * 65530
            for _ in range(100_000):  # 6.4 GB at most; the client hangs up long before
                yield chunk

        return Reply(200, headers={"Content-Type": "application/rss+xml"}, stream=flood())

    def requests_to(self, path: str) -> list[Request]:
        return [r for r in self.requests if r.path == path]

    def __enter__(self) -> LocalHttpServer:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.release.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)
