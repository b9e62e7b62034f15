"""Shared fixtures: a fresh on-disk store, and real uvicorn servers on 127.0.0.1 free ports."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import uvicorn
from fastapi import FastAPI

from kg.config import Settings
from kg.store.embedded import EmbeddedStore

SERVER_START_S = 20.0


@pytest.fixture
def tmp_store(tmp_path: Path) -> Iterator[EmbeddedStore]:
    """An empty embedded store in a temporary directory, closed after the test."""
    store = EmbeddedStore(str(tmp_path / "store"))
    yield store
    store.close()


@contextmanager
def running(app: FastAPI) -> Iterator[str]:
    """Serve ``app`` with uvicorn on a free 127.0.0.1 port; yield its base URL, then stop it."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(app, log_level="warning", lifespan="on", timeout_graceful_shutdown=5)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + SERVER_START_S
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


@pytest.fixture(scope="session")
def serve_app() -> Callable[[FastAPI], AbstractContextManager[str]]:
    """``with serve_app(app) as url:`` runs a real server for any fixture scope."""
    return running


@dataclass(frozen=True)
class LiveServer:
    url: str
    store: EmbeddedStore
    settings: Settings


@pytest.fixture
def api_server(tmp_store: EmbeddedStore) -> Iterator[LiveServer]:
    """The claimgraph API over ``tmp_store`` (fill the store first or during the test)."""
    from api.app import create_app

    settings = Settings(store=tmp_store.location, query_timeout_s=10)
    with running(create_app(settings, store=tmp_store)) as url:
        yield LiveServer(url, tmp_store, settings)


OXIGRAPH_TIMEOUT_S = "10"


def _oxigraph_binary() -> str:
    """The ``oxigraph`` CLI of this venv (or on PATH); fail clearly when it is not installed."""
    for candidate in (Path(sys.executable).parent / "oxigraph", shutil.which("oxigraph")):
        if candidate and Path(candidate).is_file():
            return str(candidate)
    pytest.fail(
        "the `oxigraph` CLI is missing: `.venv/bin/pip install 'oxigraph>=0.5,<0.6'` "
        "(a dev dependency, installed by `make test`)"
    )


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass(frozen=True)
class OxigraphServer:
    url: str
    process: subprocess.Popen


@contextmanager
def oxigraph_serving(location: Path, port: int | None = None) -> Iterator[OxigraphServer]:
    """Run ``oxigraph serve`` on ``location`` at 127.0.0.1 (``port`` or a free one) until exit.

    No ``--union-default-graph``: the remote store asks for the union per request, and the flag
    would make the server ignore a query's FROM.
    """
    port = port or free_port()
    url = f"http://127.0.0.1:{port}"
    args = ["serve", "--location", str(location), "--bind", f"127.0.0.1:{port}"]
    log = tempfile.TemporaryFile()
    process = subprocess.Popen(
        [_oxigraph_binary(), *args, "--timeout-s", OXIGRAPH_TIMEOUT_S],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + SERVER_START_S
        while True:
            if process.poll() is not None or time.monotonic() > deadline:
                log.seek(0)
                raise RuntimeError(f"oxigraph serve did not start: {log.read().decode()[-2000:]}")
            try:
                if httpx.get(f"{url}/query", params={"query": "ASK {}"}).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.05)
        yield OxigraphServer(url, process)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


@pytest.fixture(scope="session")
def serve_oxigraph() -> Callable[..., AbstractContextManager[OxigraphServer]]:
    """``with serve_oxigraph(location, port=None) as server:`` for tests that stop the server."""
    return oxigraph_serving


@pytest.fixture(scope="session")
def _oxigraph_session(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with oxigraph_serving(tmp_path_factory.mktemp("oxigraph") / "store") as server:
        yield server.url


@pytest.fixture
def oxigraph_server(_oxigraph_session: str) -> str:
    """Base URL of a running ``oxigraph serve``, emptied (``DROP ALL``) for this test."""
    response = httpx.post(
        f"{_oxigraph_session}/update",
        content=b"DROP ALL",
        headers={"Content-Type": "application/sparql-update"},
    )
    response.raise_for_status()
    return _oxigraph_session
