"""Sources: WordPress REST (pagination, HTML, shortcodes, changes, deletions), ICS with 304,
RSS, timeouts that do not stop other sources — all against real local HTTP servers and tiny_kb."""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from jobs.refresh import RefreshAlreadyRunning, RefreshRunner, UnknownSource, refresh_source, refresh_sources
from knowledge.source_state import STATUS_ERROR, STATUS_NOT_MODIFIED, STATUS_OK, all_states, get_state
from knowledge.sources.config import (
    FeedSource,
    FileSource,
    IcsSource,
    SourcesFileError,
    WordPressSource,
    load_sources,
    parse_interval,
)
from knowledge.sources.text_cleaning import strip_shortcodes
from tests.conftest import FIXTURES
from tests.local_http_server import LocalHttpServer, Reply, Request

NOW = datetime(2030, 1, 15, 9, 0, tzinfo=UTC)


def clock() -> datetime:
    return NOW


class WordPressSite:
    """WordPress-shaped REST answers: /wp-json/wp/v2/<type>?per_page=&page= with X-WP-Total(Pages)."""

    def __init__(self, server: LocalHttpServer) -> None:
        self.items: dict[str, list[dict]] = {"posts": [], "pages": [], "projekte": []}
        for post_type in self.items:
            server.routes[f"/wp-json/wp/v2/{post_type}"] = lambda req, _t=post_type: self._list(_t, req)

    def _list(self, post_type: str, request: Request) -> Reply:
        per_page = int(request.query.get("per_page", "10"))
        page = int(request.query.get("page", "1"))
        items = self.items[post_type]
        if request.query.get("orderby") == "modified":
            items = sorted(items, key=lambda item: item["modified_gmt"], reverse=request.query.get("order") == "desc")
        if "_fields" in request.query:
            fields = request.query["_fields"].split(",")
            items = [{k: v for k, v in item.items() if k in fields} for item in items]
        pages = max(1, math.ceil(len(items) / per_page))
        if page > pages:
            return Reply(400, json.dumps({"code": "rest_post_invalid_page_number"}).encode())
        body = json.dumps(items[(page - 1) * per_page : page * per_page]).encode()
        return Reply(200, body, {"Content-Type": "application/json", "X-WP-Total": str(len(items)),
                                 "X-WP-TotalPages": str(pages)})

    @staticmethod
    def post(post_id: int, title: str, content: str, *, modified: str = "2030-01-01T10:00:00") -> dict:
        return {
            "id": post_id,
            "link": f"https://portal.example/?p={post_id}",
            "modified_gmt": modified,
            "title": {"rendered": title},
            "content": {"rendered": content, "protected": False},
            "excerpt": {"rendered": f"<p>{title}</p>"},
        }


POST_1 = (
    "<h2>Gebühren &amp; Beiträge</h2><p>[vc_row][vc_column width=\"1/2\"]Die Abwasserzweckverbände "
    "teilen sich Klärwerk&nbsp;und Personal &#8211; das senkt Gebühren spürbar.[/vc_column][/vc_row]</p>"
    "<p>[gallery ids=\"1,2,3\"] Siehe Quelle [1].</p>"
)


@pytest.fixture
def server():
    with LocalHttpServer() as running:
        yield running


def test_wordpress_refresh_paginates_cleans_html_and_follows_changes_and_deletions(tiny_kb, server) -> None:
    site = WordPressSite(server)
    site.items["posts"] = [
        site.post(11, "Abwasser &amp; Klärwerk gemeinsam betreiben", POST_1),
        site.post(12, "Digitale Bauakte im Kreisverbund", "<p>Drei Städte führen eine digitale Bauakte ein.</p>"),
        site.post(13, "Gemeinsamer Winterdienst", "<p>Bauhöfe teilen Streufahrzeuge im Winterdienst.</p>"),
    ]
    site.items["pages"] = [site.post(20, "Über das Portal", "<p>Das Portal informiert über IKZ in NRW.</p>")]
    site.items["projekte"] = [site.post(30, "Gemeinsames Rechenzentrum &#8222;Süd&#8220;",
                                        "<p>Vier Gemeinden betreiben ein Rechenzentrum.</p>")]
    source = WordPressSource(type="wordpress", name="portal", url=server.url, per_page=2, project_type="projekte",
                             topic="Portal", allow_private_network=True)

    first = refresh_source(tiny_kb, source, clock=clock)

    assert first.status == STATUS_OK, first.error
    assert (first.counts["documents"].added, first.counts["projects"].added) == (4, 1)
    listing = [r for r in server.requests_to("/wp-json/wp/v2/posts") if "_fields" not in r.query]
    posts_pages = sorted(int(r.query["page"]) for r in listing)
    assert posts_pages == [1, 2]  # X-WP-TotalPages = 2 was followed, and not further
    assert all(r.query["per_page"] == "2" for r in listing)
    doc = tiny_kb.document("wp-portal-11")
    assert doc is not None and doc.source == "portal" and doc.url == "https://portal.example/?p=11"
    assert doc.title == "Abwasser & Klärwerk gemeinsam betreiben"
    assert "## Gebühren & Beiträge" in doc.text
    assert "Klärwerk und Personal – das senkt" in doc.text
    assert "[" not in doc.text.replace("[1]", "") and "vc_column" not in doc.text and "gallery" not in doc.text
    assert "Quelle [1]" in doc.text  # ordinary brackets survive
    project = tiny_kb.project("wp-portal-30")
    assert project is not None and project.title == "Gemeinsames Rechenzentrum „Süd“"
    answer = tiny_kb.ask("Klärwerk und Personal gemeinsam, Abwasserzweckverband Gebühren")
    assert answer.hits and answer.hits[0].id == "wp-portal-11"

    # Between two refreshes: post 12 changes, post 13 is deleted.
    site.items["posts"] = [site.items["posts"][0],
                           site.post(12, "Digitale Bauakte im Kreisverbund",
                                     "<p>Fünf Städte nutzen jetzt gemeinsam eine digitale Bauakte für Bauanträge.</p>",
                                     modified="2030-01-10T08:00:00")]
    second = refresh_source(tiny_kb, source, clock=clock)

    counts = second.counts["documents"]
    assert (counts.added, counts.updated, counts.removed, counts.unchanged) == (0, 1, 1, 2)
    assert second.counts["projects"].unchanged == 1
    assert 1 <= second.embedded <= 2  # only the changed post's chunks were embedded
    assert tiny_kb.document("wp-portal-13") is None
    assert "Fünf Städte" in tiny_kb.document("wp-portal-12").text
    assert all(hit.id != "wp-portal-13" for hit in tiny_kb.ask("Streufahrzeuge Winterdienst Bauhöfe").hits)
    state = get_state(tiny_kb.engine, "portal")
    assert state.item_ids["documents"] == ["wp-portal-11", "wp-portal-12", "wp-portal-20"]
    assert state.last_status == STATUS_OK and state.last_error is None
    # Items of other sources were never touched.
    assert tiny_kb.project("T001") is not None


def test_unchanged_wordpress_refresh_does_not_rebuild_the_index(tiny_kb, server) -> None:
    site = WordPressSite(server)
    site.items["posts"] = [site.post(1, "Kooperation Bauhof", "<p>Bauhöfe kooperieren.</p>")]
    source = WordPressSource(type="wordpress", name="wp", url=server.url, allow_private_network=True)
    refresh_source(tiny_kb, source, clock=clock)
    mtime = tiny_kb.index_path.stat().st_mtime_ns
    listed = len([r for r in server.requests_to("/wp-json/wp/v2/posts") if "_fields" not in r.query])
    again = refresh_source(tiny_kb, source, clock=clock)
    # the change probe (newest modified item + total per type) is unchanged: no page is downloaded
    assert again.status == STATUS_NOT_MODIFIED and not again.changed and again.embedded == 0
    assert len([r for r in server.requests_to("/wp-json/wp/v2/posts") if "_fields" not in r.query]) == listed
    assert tiny_kb.index_path.stat().st_mtime_ns == mtime
    assert tiny_kb.document("wp-wp-1") is not None

    # an edit changes the newest modification time: the next refresh downloads the listing again
    site.items["posts"] = [site.post(1, "Kooperation Bauhof", "<p>Bauhöfe kooperieren jetzt auch beim Winterdienst.</p>",
                                     modified="2030-01-12T08:00:00")]
    third = refresh_source(tiny_kb, source, clock=clock)
    assert third.status == STATUS_OK and third.counts["documents"].updated == 1
    assert "Winterdienst" in tiny_kb.document("wp-wp-1").text


def test_empty_answer_keeps_previous_items(tiny_kb, server) -> None:
    site = WordPressSite(server)
    site.items["posts"] = [site.post(1, "Kooperation Bauhof", "<p>Bauhöfe kooperieren.</p>")]
    site.items["pages"] = []
    source = WordPressSource(type="wordpress", name="wp", url=server.url, allow_private_network=True)
    refresh_source(tiny_kb, source, clock=clock)
    site.items["posts"] = []
    result = refresh_source(tiny_kb, source, clock=clock)
    assert result.status == STATUS_ERROR and "no items" in result.error
    assert tiny_kb.document("wp-wp-1") is not None


ICS = (FIXTURES / "webinar.ics").read_bytes()


def test_ics_feed_answers_304_to_conditional_request(tiny_kb, server) -> None:
    def calendar(request: Request) -> Reply:
        if request.headers.get("if-none-match") == '"v1"':
            return Reply(304, headers={"ETag": '"v1"'})
        return Reply(200, ICS, {"Content-Type": "text/calendar", "ETag": '"v1"',
                                "Last-Modified": "Tue, 01 Jan 2030 08:00:00 GMT"})

    server.routes["/events.ics"] = calendar
    source = IcsSource(type="ics", name="kalender", url=f"{server.url}/events.ics", allow_private_network=True)

    first = refresh_source(tiny_kb, source, clock=clock)
    assert first.status == STATUS_OK and first.counts["events"].added == 1
    event = tiny_kb.event("ics-webinar-1")
    assert event is not None and event.source == "kalender" and event.topic == "Organisation"
    mtime = tiny_kb.index_path.stat().st_mtime_ns

    second = refresh_source(tiny_kb, source, clock=lambda: NOW + timedelta(hours=1))
    assert second.status == STATUS_NOT_MODIFIED
    requests = server.requests_to("/events.ics")
    assert "if-none-match" not in requests[0].headers
    assert requests[1].headers["if-none-match"] == '"v1"'
    assert requests[1].headers["if-modified-since"] == "Tue, 01 Jan 2030 08:00:00 GMT"
    assert tiny_kb.event("ics-webinar-1") is not None  # 304 keeps everything
    assert tiny_kb.index_path.stat().st_mtime_ns == mtime
    state = get_state(tiny_kb.engine, "kalender")
    assert state.last_status == STATUS_NOT_MODIFIED and state.etag == '"v1"'
    assert state.last_run_at == NOW + timedelta(hours=1) and state.item_ids == {"events": ["ics-webinar-1"]}


RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>IKZ News</title><link>https://portal.example</link>
<item><title>F&#246;rderaufruf 2030 ver&#246;ffentlicht</title><link>https://portal.example/news/1</link>
<guid>news-1</guid><description><![CDATA[<p>Das Land f&ouml;rdert neue Kooperationen [button url="x"]mit bis zu 50.000 Euro[/button].</p>]]></description></item>
</channel></rss>""".encode()


def test_a_timing_out_source_does_not_stop_the_others(tiny_kb, server) -> None:
    server.routes["/slow.ics"] = server.hang
    server.routes["/news.xml"] = lambda req: Reply(200, RSS, {"Content-Type": "application/rss+xml"})
    slow = IcsSource(type="ics", name="langsam", url=f"{server.url}/slow.ics", timeout_s=0.5,
                     allow_private_network=True)
    news = FeedSource(type="rss", name="news", url=f"{server.url}/news.xml", topic="Förderung",
                      allow_private_network=True)

    results = refresh_sources(tiny_kb, [slow, news], clock=clock)

    assert [r.status for r in results] == [STATUS_ERROR, STATUS_OK]
    assert "timeout" in results[0].error
    states = all_states(tiny_kb.engine)
    assert states["langsam"].last_status == STATUS_ERROR and "timeout" in states["langsam"].last_error
    assert states["langsam"].last_success_at is None
    assert states["news"].last_error is None and states["news"].last_success_at == NOW
    [doc_id] = states["news"].item_ids["documents"]
    doc = tiny_kb.document(doc_id)
    assert doc.title == "Förderaufruf 2030 veröffentlicht" and doc.topic == "Förderung"
    assert "fördert neue Kooperationen mit bis zu 50.000 Euro" in doc.text and "button" not in doc.text


def test_file_source_and_runner(tiny_kb, tmp_path: Path) -> None:
    faq = tmp_path / "faq.jsonl"
    faq.write_text(json.dumps({"id": "SF1", "question": "Wer berät zu IKZ?", "answer": "Die Beratungsstelle."})
                   + "\n", encoding="utf-8")
    sources_file = tmp_path / "sources.toml"
    sources_file.write_text('[[sources]]\nname = "faq"\ntype = "file"\nkind = "faq"\npath = "faq.jsonl"\n'
                            'interval = "1h"\n', encoding="utf-8")
    runner = RefreshRunner(tiny_kb, sources_file, clock=clock)
    [result] = runner.run()
    assert result.ok and result.counts["faq"].added == 1 and tiny_kb.faq("SF1") is not None
    with pytest.raises(UnknownSource):
        runner.run("gibtsnicht")
    assert runner._lock.acquire(blocking=False)  # simulate a running refresh
    try:
        with pytest.raises(RefreshAlreadyRunning):
            runner.run("faq")
    finally:
        runner._lock.release()
    faq.write_text("", encoding="utf-8")  # emptied file: previous items are kept, error recorded
    [result] = runner.run("FAQ")
    assert result.status == STATUS_ERROR and tiny_kb.faq("SF1") is not None


def test_sources_file_parsing(tmp_path: Path) -> None:
    path = tmp_path / "sources.toml"
    path.write_text(
        """
[[sources]]
name = "projekte"
type = "file"
kind = "projects"
path = "data/projects.jsonl"
interval = "6h"

[[sources]]
name = "portal"
type = "wordpress"
url = "https://www.interkommunales.nrw"
project_type = "projekte"
interval = "30m"

[[sources]]
name = "termine"
type = "ics"
url = "https://example.org/termine.ics"
interval = 3600

[[sources]]
name = "news"
type = "rss"
url = "https://example.org/feed/"
""",
        encoding="utf-8",
    )
    sources = load_sources(path)
    assert [type(s) for s in sources] == [FileSource, WordPressSource, IcsSource, FeedSource]
    assert sources[0].path == (tmp_path / "data" / "projects.jsonl").resolve()
    assert [s.interval for s in sources] == [timedelta(hours=6), timedelta(minutes=30), timedelta(hours=1),
                                             timedelta(hours=6)]
    assert sources[1].document_types == ["posts", "pages"]
    yaml_path = tmp_path / "sources.yaml"
    yaml_path.write_text("sources:\n  - name: termine\n    type: ics\n    url: https://example.org/t.ics\n"
                         "    interval: 1d\n", encoding="utf-8")
    assert load_sources(yaml_path)[0].interval == timedelta(days=1)
    assert load_sources(None) == []


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[[sources]]\nname = "a"\ntype = "ftp"\n', "sources[0] (a)"),
        ('[[sources]]\nname = "a"\ntype = "ics"\nurl = "x"\n', "url"),
        ('[[sources]]\nname = "a"\ntype = "ics"\nurl = "http://x"\n[[sources]]\nname = "a"\ntype = "rss"\n'
         'url = "http://y"\n', "duplicate"),
        ('[[sources]]\nname = "a"\ntype = "ics"\nurl = "http://x"\ninterval = "5s"\n', "at least 60"),
        ("[[sources]\n", "invalid TOML"),
    ],
)
def test_invalid_sources_files_are_refused_clearly(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "sources.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SourcesFileError, match=message.replace("[", r"\[").replace("(", r"\(").replace(")", r"\)")):
        load_sources(path)


def test_interval_and_shortcodes() -> None:
    assert parse_interval("90s") == timedelta(seconds=90)
    assert parse_interval("1.5h") == timedelta(minutes=90)
    with pytest.raises(ValueError):
        parse_interval("soon")
    assert strip_shortcodes('a [x_y attr="1"]b[/x_y] [1] [caption id="c"/] c') == "a b [1]  c"


def test_bundled_sample_sources_file_is_valid() -> None:
    from knowledge.settings import SAMPLE_DIR

    sources = load_sources(SAMPLE_DIR / "sources.toml")
    assert [s.name for s in sources] == ["beispiel-projekte", "beispiel-dokumente", "beispiel-faq",
                                         "beispiel-termine"]
    assert all(isinstance(s, FileSource) and s.path.parent == SAMPLE_DIR.resolve() for s in sources)


def test_source_state_round_trip_on_postgresql(pg_url: str) -> None:
    from knowledge.db import create_db_and_tables, make_engine
    from knowledge.source_state import SourceState, save_state

    engine = make_engine(pg_url)
    create_db_and_tables(engine)
    try:
        save_state(engine, SourceState(name="pg-src", last_run_at=NOW, last_status=STATUS_OK, etag='"x"',
                                       item_ids={"events": ["a", "b"]}))
        state = get_state(engine, "pg-src")
        state.last_error, state.last_status = "boom", STATUS_ERROR
        save_state(engine, state)
        again = get_state(engine, "pg-src")
        assert again.last_run_at == NOW and again.last_run_at.tzinfo is not None
        assert again.item_ids == {"events": ["a", "b"]} and again.item_count == 2
        assert (again.last_status, again.last_error, again.validators) == (STATUS_ERROR, "boom", {"etag": '"x"'})
    finally:
        engine.dispose()
