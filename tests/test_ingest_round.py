"""A poll round against a local HTTP server: every kind of bad feed or page is recorded
with its reason and the round goes on; the live cache is written whole and each accepted
article is announced once (SQLite, and PostgreSQL when reachable)."""
# ruff: noqa: F811

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from ingest_support import ENGLISH, OFF_TOPIC, atom, body, page, rss
from pytest_httpserver import HTTPServer
from test_subscriptions_support import Clock, clock, drop_schema, open_store  # noqa: F401
from werkzeug import Request, Response

from bot.cache.store import load_cache
from bot.ingest.fetch import Fetcher
from bot.ingest.intake import Intake
from bot.ingest.live import live_cache_path
from bot.ingest.store import ArticleStore
from bot.observability.metrics import REGISTRY
from bot.subscriptions.schedule import Preferences
from bot.subscriptions.store import SubscriptionStore

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
WHEN = dt.datetime(2025, 3, 4, 9, 0, tzinfo=dt.UTC)
ETAG = '"v1"'
A = body([0, 1, 2, 3, 4, 5, 6, 7])
B = body([8, 9, 10, 11, 12, 13, 14, 15])
C = body([1, 3, 5, 7, 9, 11, 13, 15, 0])
D = body([2, 4, 6, 8, 10, 12, 14, 0, 5])
E = body([15, 14, 13, 12, 11, 10, 9, 8, 3])
F = body([0, 2, 4, 6, 8, 10, 12, 14, 1])
# the same wire story under another headline, with one sentence of the outlet's own
WIRE = [*A[:-1], A[-1].split(". ")[0] + ". وقال مراسل الوكالة إن الاجتماع المقبل سيعقد في الخريف."]


@pytest.fixture(scope="module")
def server() -> Iterator[HTTPServer]:
    srv = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    srv.start()
    yield srv
    srv.clear()
    srv.stop()


def drip(_request: Request) -> Response:
    def chunks() -> Iterator[bytes]:
        for _ in range(100):
            time.sleep(0.1)
            yield b" "

    return Response(chunks(), content_type="text/html")


def slow(_request: Request) -> Response:
    time.sleep(1.5)
    return Response(page("متأخر", A), content_type="text/html; charset=utf-8")


def conditional(text: str, content_type: str) -> object:
    def handler(request: Request) -> Response:
        if request.headers.get("If-None-Match") == ETAG:
            return Response(status=304, headers={"ETag": ETAG})
        return Response(text, content_type=content_type, headers={"ETag": ETAG})

    return handler


def serve(srv: HTTPServer) -> None:
    u = srv.url_for
    html = "text/html; charset=utf-8"
    items = [
        ("g-a", u("/news/a"), "معاهدة &amp; <![CDATA[شراكة <b>جديدة</b>]]>", WHEN),
        ("g-a", u("/news/a-again"), "مكرر", WHEN),
        ("g-utm", u("/news/a") + "?utm_source=rss&utm_medium=feed", "نسخة", WHEN),
        ("g-amp", u("/amp/news/a"), "نسخة سريعة", WHEN),
        ("g-wire", u("/wire/copy"), "عنوان آخر لخبر الوكالة", WHEN),
        ("g-off", u("/news/farm"), "حصاد القمح", WHEN),
        ("g-en", u("/news/english"), "A bridge", WHEN),
        ("g-nodate", u("/news/b"), "بلا تاريخ", None),
        ("g-1256", u("/news/c"), "ترميز عربي", WHEN),
        ("g-wrongcs", u("/news/d"), "ترميز خاطئ", WHEN),
        ("g-404", u("/gone404"), "x", WHEN),
        ("g-410", u("/gone410"), "x", WHEN),
        ("g-500", u("/err500"), "x", WHEN),
        ("g-slow", u("/slow"), "x", WHEN),
        ("g-drip", u("/drip"), "x", WHEN),
        ("g-loop", u("/loop1"), "x", WHEN),
        ("g-big", u("/big"), "x", WHEN),
        ("g-short", u("/news/short"), "قصير", WHEN),
    ]
    srv.expect_request("/feed.rss").respond_with_handler(
        conditional(rss("أخبار &amp; تقارير", items), "application/rss+xml")  # type: ignore[arg-type]
    )
    srv.expect_request("/feed.atom").respond_with_data(
        atom("أطلس", [("urn:e", u("/news/e"), "&lt;i&gt;تقرير&lt;/i&gt; الأسبوع")]),
        content_type="application/atom+xml",
    )
    srv.expect_request("/bad.xml").respond_with_data(
        "<rss><channel><title>مكسور</title>", content_type="application/xml"
    )
    srv.expect_request("/not-a-feed").respond_with_data("just text", content_type="text/plain")
    srv.expect_request("/feed-gone").respond_with_data("", status=404)
    srv.expect_request("/news/a").respond_with_data(page("معاهدة وشراكة", A), content_type=html)
    srv.expect_request("/news/a-again").respond_with_data(page("مكرر", B), content_type=html)
    srv.expect_request("/amp/news/a").respond_with_data(
        page("معاهدة وشراكة", A, canonical=u("/news/a")), content_type=html
    )
    srv.expect_request("/wire/copy").respond_with_data(
        page("عنوان آخر تماما", WIRE, outlet="وكالة أخرى"), content_type=html
    )
    srv.expect_request("/news/farm").respond_with_data(
        page("موسم الحصاد", body(list(range(7)), OFF_TOPIC) * 2), content_type=html
    )
    srv.expect_request("/news/english").respond_with_data(
        page("A bridge", [ENGLISH], lang="en"), content_type=html
    )
    srv.expect_request("/news/b").respond_with_data(
        page("بلا تاريخ", B, date=None), content_type=html
    )
    srv.expect_request("/news/c").respond_with_data(
        page("ترميز عربي", C, charset_meta="windows-1256").encode("cp1256"),
        content_type="text/html",
    )
    srv.expect_request("/news/d").respond_with_data(
        page("ترميز خاطئ", D, charset_meta=None).encode("cp1256"),
        content_type="text/html; charset=iso-8859-1",
    )
    srv.expect_request("/news/e").respond_with_data(page("تقرير الأسبوع", E), content_type=html)
    srv.expect_request("/news/short").respond_with_data(page("قصير", [A[0]]), content_type=html)
    srv.expect_request("/gone404").respond_with_data("", status=404)
    srv.expect_request("/gone410").respond_with_data("", status=410)
    srv.expect_request("/err500").respond_with_data("", status=500)
    srv.expect_request("/slow").respond_with_handler(slow)
    srv.expect_request("/drip").respond_with_handler(drip)
    srv.expect_request("/loop1").respond_with_data(
        "", status=302, headers={"Location": u("/loop2")}
    )
    srv.expect_request("/loop2").respond_with_data(
        "", status=302, headers={"Location": u("/loop1")}
    )
    big = b"<html><body><p>" + "ا".encode() * (10 * 1024 * 1024) + b"</p></body></html>"
    srv.expect_request("/big").respond_with_data(big, content_type="text/html")


def local(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def fast_fetcher() -> Fetcher:
    return Fetcher(read_timeout=0.8, connect_timeout=2, deadline=4.0, delay=0.0, per_host=8)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def stores(
    request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[tuple[SubscriptionStore, ArticleStore]]:
    subs, _url, schema = open_store(request.param, tmp_path)
    try:
        yield subs, ArticleStore(subs)
    finally:
        subs.close()
        if schema:
            drop_schema(schema)


def make_intake(store: ArticleStore, tmp_path: Path, clock: Clock) -> Intake:
    return Intake(
        store, seeds_dir=SEEDS, data_dir=tmp_path / "data", clock=clock, fetcher=fast_fetcher
    )


async def test_a_round_records_every_refusal_and_goes_on(
    server: HTTPServer, stores: tuple[SubscriptionStore, ArticleStore], tmp_path: Path, clock: Clock
) -> None:
    serve(server)
    subs, store = stores
    subs.subscribe(1, Preferences(hour=8), clock())
    for path in ("/feed.rss", "/feed.atom", "/bad.xml", "/not-a-feed", "/feed-gone"):
        store.add_feed(server.url_for(path), clock(), interval=600)
    intake = make_intake(store, tmp_path, clock)

    report = await intake.poll_round()

    status = {local(o.url): (o.status, o.reason) for o in report.outcomes}
    print(status)
    assert status["/news/b"] == ("accepted", None)
    assert status["/news/c"] == ("accepted", None)
    assert status["/news/d"] == ("accepted", None)
    assert status["/news/e"] == ("accepted", None)
    assert status["/news/a-again"] == ("refused", "duplicate_guid")
    # one story at four addresses: whichever is judged first is accepted (pages are
    # fetched concurrently); the same canonical URL is a duplicate_url, the wire copy
    # under another headline a near_duplicate
    story = ["/news/a", "/news/a?utm_source=rss&utm_medium=feed", "/amp/news/a", "/wire/copy"]
    (first,) = [k for k in story if status[k][0] == "accepted"]
    for k in story:
        if k != first:
            copy = "/wire/copy" in (k, first)
            assert status[k] == ("refused", "near_duplicate" if copy else "duplicate_url"), k
    assert status["/news/farm"] == ("refused", "off_topic")
    assert status["/news/english"] == ("refused", "not_arabic")
    assert status["/news/short"] == ("refused", "too_short")
    assert status["/gone404"] == ("refused", "fetch_http")
    assert status["/gone410"] == ("refused", "fetch_http")
    assert status["/err500"] == ("retry", "fetch_http")
    assert status["/slow"] == ("retry", "fetch_timeout")
    assert status["/drip"] == ("retry", "fetch_timeout")
    assert status["/loop1"] == ("refused", "fetch_redirects")
    assert status["/big"] == ("refused", "fetch_too_large")
    assert report.failed_feeds == 3 and report.feeds == 5

    rows = {r.id: r for r in store.list_articles()}
    a = next(r for r in rows.values() if local(r.urls[0]) == first)
    others = {"وكالة أخرى"} if first != "/wire/copy" else {"صحيفة الاختبار"}
    assert a.also_reported_by and {e["outlet"] for e in a.also_reported_by} == others
    nodate = next(r for r in rows.values() if local(r.urls[0]) == "/news/b")
    assert nodate.published == clock().date().isoformat()
    assert "no date" in (nodate.published_reason or "")
    c = next(r for r in rows.values() if local(r.urls[0]) == "/news/c")
    assert "بيونغ يانغ" in c.text or "موسكو" in c.text  # windows-1256 decoded
    feeds = {local(f.url): f for f in store.list_feeds()}
    assert feeds["/feed.rss"].etag == ETAG and feeds["/feed.rss"].failing_since is None
    assert feeds["/bad.xml"].failures == 1 and "bad_feed" in (feeds["/bad.xml"].last_error or "")
    assert feeds["/feed-gone"].failing_since is not None
    assert "fetch_http" in (feeds["/feed-gone"].last_error or "")

    # the live cache holds the seeds and the five accepted articles, each announced once
    cache = load_cache(live_cache_path(tmp_path / "data"))
    accepted = {r.id for r in rows.values() if r.status == "accepted"}
    assert accepted <= {x.id for x in cache.articles}
    assert len(cache.articles) == 5 + len(accepted)
    assert set(report.announced) == accepted
    queued = [art for chat, art, _s, _n in subs.delivery_log() if chat == 1]
    assert accepted <= set(queued) and len(queued) == len(set(queued))
    print("refusal reasons:", json.dumps(store.reasons(), sort_keys=True))

    # a second round: the feed answers 304, nothing is fetched or announced again
    clock.advance(hours=1)
    before = len(server.log)
    again = await intake.poll_round()
    fetched = [req.path for req, _resp in server.log[before:]]
    assert again.not_modified >= 1
    assert (
        REGISTRY.get_sample_value("digestbot_ingest_fetches_total", {"outcome": "304"}) or 0
    ) >= 1
    refused = {"status": "refused", "reason": "near_duplicate"}
    assert (REGISTRY.get_sample_value("digestbot_ingest_articles_total", refused) or 0) >= 1
    feeds_and_retries = {"/feed.rss", "/feed.atom", "/bad.xml", "/not-a-feed", "/feed-gone"}
    feeds_and_retries |= {"/err500", "/slow", "/drip"}  # transient failures are tried again
    assert set(fetched) <= feeds_and_retries, fetched
    assert again.announced == []
    assert [art for chat, art, _s, _n in subs.delivery_log() if chat == 1] == queued
    # the failing feeds back off: the next poll is further away than the interval
    gone = next(f for f in store.list_feeds() if f.url.endswith("/feed-gone"))
    assert gone.failures == 2
    assert gone.next_poll - clock() > dt.timedelta(seconds=600 * 2)
