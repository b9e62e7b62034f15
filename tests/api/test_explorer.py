"""The /explore page and article pages: no remote assets, escaped text, and a real browser run."""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
from factories import make_claim

from api.app import create_app
from kg.config import Settings
from kg.graph import article_graph, graph_iri
from kg.model import Article, Claim, RawArticle, Speaker
from kg.reasoning import reason_article
from kg.store.embedded import EmbeddedStore

HOSTILE = "<script>window.pwned = 1</script>"
RAW = (
    "Harbor Gazette\n"
    "The port director said the new crane will double the capacity of the docks.\n"
    f"A dock worker {HOSTILE} told the Gazette the new crane is a hazard for the crews.\n"
)
DIRECTOR = Speaker("port director", "The port director", "person")
WORKER = Speaker("dock worker", f"Dock worker {HOSTILE}", "anonymous")
CHROMIUM, CHROMEDRIVER = Path("/usr/bin/chromium"), Path("/usr/bin/chromedriver")


@dataclass(frozen=True)
class Site:
    url: str
    article: Article
    claims: list[Claim]


def _claim(article: Article, speaker: Speaker, content: str, cue: str, stance: str) -> Claim:
    score = 0.7 if stance == "positive" else -0.7
    return make_claim(
        article, speaker, content, cue, topic="crane", stance=stance, stance_score=score
    )


def fill(store: EmbeddedStore) -> tuple[Article, list[Claim]]:
    source = RawArticle(RAW, "test", url="https://gazette.example/crane", title="Crane row")
    article = Article(source, RAW, tuple(range(len(RAW) + 1)))
    claims = [
        _claim(article, DIRECTOR, "the new crane will double the capacity", "said", "positive"),
        _claim(article, WORKER, "the new crane is a hazard for the crews", "told", "negative"),
    ]
    store.replace_graph(str(graph_iri(article.id)), article_graph(article, claims))
    assert reason_article(store, article.id), "the fixture needs one contradiction"
    return article, claims


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, serve_app) -> Iterator[Site]:
    store = EmbeddedStore(str(tmp_path_factory.mktemp("explorer") / "store"))
    article, claims = fill(store)
    with serve_app(create_app(Settings(store=store.location), store=store)) as url:
        yield Site(url, article, claims)
    store.close()


class Assets(HTMLParser):
    """Collects every URL a page would load (scripts, stylesheets, images, frames)."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        wanted = {"script": "src", "link": "href", "img": "src", "iframe": "src"}.get(tag)
        self.urls += [v for k, v in attrs if k == wanted and v]


def test_explore_loads_nothing_from_other_hosts(site: Site) -> None:
    r = httpx.get(f"{site.url}/explore")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    parser = Assets()
    parser.feed(r.text)
    assert any(u.endswith("vis-network.min.js") for u in parser.urls)
    for url in parser.urls:
        assert not urlsplit(url).netloc, f"remote asset {url}"
        assert httpx.get(f"{site.url}{url}").status_code == 200, url
    assert "cdn" not in r.text.lower()


def test_explore_escapes_labels(site: Site) -> None:
    html = httpx.get(f"{site.url}/explore").text
    assert HOSTILE not in html
    assert "&lt;script&gt;window.pwned" in html  # the speaker filter option
    start = html.index('id="graph-data"')
    blob = html[html.index(">", start) + 1 : html.index("</script>", start)]
    graph = json.loads(blob)
    labels = {n["label"] for n in graph["nodes"]}
    assert WORKER.name in labels
    assert {n["id"] for n in graph["nodes"]} >= {f"claim:{c.id}" for c in site.claims}
    red = [e for e in graph["edges"] if e["id"].startswith("contradiction:")]
    assert len(red) == 1 and red[0]["width"] > 1


def test_explore_filters(site: Site) -> None:
    def claim_nodes(**params: str) -> set[str]:
        html = httpx.get(f"{site.url}/explore", params=params).text
        start = html.index('id="graph-data"')
        graph = json.loads(html[html.index(">", start) + 1 : html.index("</script>", start)])
        return {n["id"] for n in graph["nodes"] if n["id"].startswith("claim:")}

    director, worker = (f"claim:{c.id}" for c in site.claims)
    assert claim_nodes() == {director, worker}
    assert claim_nodes(contradictions="true") == {director, worker}
    assert claim_nodes(article="0000000000000000") == set()
    speaker_only = claim_nodes(speaker="port director", contradictions="false")
    assert director in speaker_only  # the other side of its contradiction is drawn too


def test_article_page_highlights_escaped_text(site: Site) -> None:
    r = httpx.get(f"{site.url}/articles/{site.article.id}", headers={"Accept": "text/html"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert HOSTILE not in r.text and "&lt;script&gt;" in r.text
    for claim in site.claims:
        assert f'id="claim-{claim.id}"' in r.text
    assert r.text.count("<mark") == 2
    as_json = httpx.get(f"{site.url}/articles/{site.article.id}")
    assert as_json.json()["raw_text"] == RAW
    assert httpx.get(f"{site.url}/articles/{site.article.id}.html").text == r.text


def chromium_or_skip() -> None:
    if CHROMIUM.exists() and CHROMEDRIVER.exists() and shutil.which("chromium"):
        return
    message = "install Debian packages chromium and chromium-driver"
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[object]:
    chromium_or_skip()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1400,1000",
        f"--user-data-dir={tmp_path / 'profile'}",
    ):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"performance": "ALL", "browser": "ALL"})
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    try:
        yield driver
    finally:
        driver.quit()


def wait_for(condition, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting for the page")
        time.sleep(0.1)


@pytest.mark.browser
def test_explorer_in_a_real_browser(site: Site, browser, tmp_path: Path) -> None:
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By

    driver = browser
    driver.get(f"{site.url}/explore")
    network = driver.find_element(By.ID, "network")
    wait_for(lambda: network.get_attribute("data-stable") == "true")
    canvas = network.find_element(By.TAG_NAME, "canvas")
    assert canvas.size["width"] > 100 and canvas.size["height"] > 100

    worker = next(c for c in site.claims if c.speaker is WORKER)
    node = f"claim:{worker.id}"
    x, y = driver.execute_script(
        "const n = window.claimgraph.network, id = arguments[0];"
        "const d = n.canvasToDOM(n.getPositions([id])[id]); return [d.x, d.y];",
        node,
    )
    offset = (x - canvas.size["width"] / 2, y - canvas.size["height"] / 2)
    ActionChains(driver).move_to_element_with_offset(canvas, *offset).click().perform()
    panel = driver.find_element(By.ID, "panel")
    wait_for(lambda: panel.get_attribute("data-selected") == node, timeout=5)
    text = panel.find_element(By.CSS_SELECTOR, "dd[data-field=text]").text
    speaker = panel.find_element(By.CSS_SELECTOR, "dd[data-field=speaker]").text
    assert text == worker.text and speaker == WORKER.name
    link = panel.find_element(By.CSS_SELECTOR, "dd[data-field=article] a")
    assert link.get_attribute("href").endswith(
        f"/articles/{site.article.id}.html#claim-{worker.id}"
    )
    assert driver.execute_script("return window.pwned === undefined")
    driver.save_screenshot(str(tmp_path / "explorer.png"))

    requested = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            requested.append(message["params"]["request"]["url"])
    assert any(u.endswith("/static/vis/vis-network.min.js") for u in requested)
    local = urlsplit(site.url).netloc
    network_urls = [u for u in requested if urlsplit(u).scheme in ("http", "https", "ws", "wss")]
    assert network_urls and all(urlsplit(u).netloc == local for u in network_urls), network_urls
