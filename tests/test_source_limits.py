"""Remote sources are bounded: byte cap, overall deadline, same-host redirects, no private
addresses unless allowed — against real local HTTP servers (issue 10, defect 1)."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from jobs.refresh import RefreshRunner, refresh_source
from knowledge.source_state import STATUS_ERROR, STATUS_OK
from knowledge.sources.conditional_http import FetchPolicy, SourceFetchError, check_url
from knowledge.sources.config import FeedSource, IcsSource
from tests.local_http_server import LocalHttpServer, Reply

NOW = datetime(2030, 1, 15, 9, 0, tzinfo=UTC)

RSS = b"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>IKZ News</title>
<item><title>Foerderaufruf 2030</title><link>https://portal.example/news/1</link><guid>n1</guid>
<description>Das Land foerdert neue Kooperationen.</description></item>
</channel></rss>"""


@pytest.fixture
def server():
    with LocalHttpServer() as running:
        yield running


def test_an_endless_answer_is_cut_at_max_bytes_and_previous_items_stay(tiny_kb, server) -> None:
    server.routes["/news.xml"] = lambda req: Reply(200, RSS, {"Content-Type": "application/rss+xml"})
    source = FeedSource(type="rss", name="news", url=f"{server.url}/news.xml", max_bytes=256 * 1024,
                        allow_private_network=True)
    assert refresh_source(tiny_kb, source, clock=lambda: NOW).status == STATUS_OK

    server.routes["/news.xml"] = server.endless
    result = refresh_source(tiny_kb, source, clock=lambda: NOW)

    assert result.status == STATUS_ERROR and "max_bytes" in result.error
    assert any(d.startswith("rss-news-") for d in _document_ids(tiny_kb))


def _document_ids(kb) -> list[str]:
    from sqlmodel import select

    from knowledge.models import Document

    with kb.session() as session:
        return list(session.exec(select(Document.id)).all())


def test_a_declared_oversized_answer_is_refused_before_reading(server) -> None:
    server.routes["/big.ics"] = lambda req: Reply(200, b"x" * 5000)
    policy = FetchPolicy(max_bytes=1024, allow_private_network=True)
    from knowledge.sources.conditional_http import get, make_client

    with make_client() as client, pytest.raises(SourceFetchError, match="max_bytes"):
        get(client, f"{server.url}/big.ics", policy=policy)


def test_a_trickling_server_hits_the_deadline_and_the_runner_is_free_again(tiny_kb, server, tmp_path: Path) -> None:
    server.routes["/slow.ics"] = server.trickle
    sources_file = tmp_path / "sources.toml"
    sources_file.write_text(
        f'[[sources]]\nname = "tropf"\ntype = "ics"\nurl = "{server.url}/slow.ics"\ntimeout_s = 30\n'
        "deadline_s = 1.5\nallow_private_network = true\n", encoding="utf-8")
    runner = RefreshRunner(tiny_kb, sources_file, clock=lambda: NOW)

    started = time.monotonic()
    [result] = runner.run()
    elapsed = time.monotonic() - started

    assert result.status == STATUS_ERROR and "timeout" in result.error
    assert elapsed < 10  # one byte every 0.2 s would have kept a per-read timeout alive forever
    assert not runner.running  # the lock is released: /reindex and other sources work again
    server.routes["/slow.ics"] = lambda req: Reply(200, b"BEGIN:VCALENDAR\nEND:VCALENDAR\n")
    [again] = runner.run()
    assert again.status == STATUS_OK  # would raise RefreshAlreadyRunning if the lock were still held


def test_redirects_only_to_the_same_host(tiny_kb, server) -> None:
    host_port = server.url.removeprefix("http://")
    port = host_port.split(":")[1]
    server.routes["/moved.xml"] = lambda req: Reply(301, headers={"Location": "/news.xml"})
    server.routes["/news.xml"] = lambda req: Reply(200, RSS, {"Content-Type": "application/rss+xml"})
    server.routes["/elsewhere.xml"] = lambda req: Reply(302, headers={"Location": f"http://localhost:{port}/news.xml"})
    server.routes["/file.xml"] = lambda req: Reply(302, headers={"Location": "file:///etc/passwd"})

    same = FeedSource(type="rss", name="same", url=f"{server.url}/moved.xml", allow_private_network=True)
    assert refresh_source(tiny_kb, same, clock=lambda: NOW).status == STATUS_OK

    other = FeedSource(type="rss", name="other", url=f"{server.url}/elsewhere.xml", allow_private_network=True)
    result = refresh_source(tiny_kb, other, clock=lambda: NOW)
    assert result.status == STATUS_ERROR and "another host" in result.error

    to_file = FeedSource(type="rss", name="tofile", url=f"{server.url}/file.xml", allow_private_network=True)
    result = refresh_source(tiny_kb, to_file, clock=lambda: NOW)
    assert result.status == STATUS_ERROR and ("another host" in result.error or "only http" in result.error)


def test_private_addresses_are_refused_unless_the_source_allows_them(tiny_kb, server) -> None:
    server.routes["/cal.ics"] = lambda req: Reply(200, b"BEGIN:VCALENDAR\nEND:VCALENDAR\n")
    source = IcsSource(type="ics", name="intern", url=f"{server.url}/cal.ics")
    result = refresh_source(tiny_kb, source, clock=lambda: NOW)
    assert result.status == STATUS_ERROR and "private or local network" in result.error
    assert server.requests_to("/cal.ics") == []  # not even asked
    for url in ("http://10.0.0.1/x", "http://169.254.169.254/latest/meta-data", "http://[::1]/x",
                "http://[::ffff:192.168.0.1]/x", "ftp://example.org/x"):
        with pytest.raises(SourceFetchError):
            check_url(url, FetchPolicy())


def test_gzip_bomb_is_refused(server) -> None:
    import gzip

    from knowledge.sources.conditional_http import get, make_client

    bomb = gzip.compress(b"\0" * (4 * 1024 * 1024))
    server.routes["/bomb.xml"] = lambda req: Reply(200, bomb, {"Content-Encoding": "gzip"})
    with make_client() as client, pytest.raises(SourceFetchError, match="unpacked"):
        get(client, f"{server.url}/bomb.xml", policy=FetchPolicy(max_bytes=1024 * 1024, allow_private_network=True))
