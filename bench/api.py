"""The /sparql endpoint against `oxigraph serve` on the same synthetic data, over loopback HTTP.

Builds ~50k triples shaped exactly like claimgraph's (``kg.graph.article_graph`` over synthetic
articles, speakers, topics and claims, one named graph per article), loads them into claimgraph's
embedded store and, dumped as N-Quads, into an Oxigraph store. Then serves both on 127.0.0.1 free
ports (claimgraph with uvicorn: one worker, httptools, uvloop, no access log) and times the same
two queries against each, through the same kind of client (one keep-alive httpx client each): a
selective one (every triple of one claim) and a join (claims and speaker names of one topic),
``--rounds`` rounds of ``--requests`` sequential requests each, the servers taking turns request by
request (the machine's noisy spells, and loopback TCP's occasional slow large response, then hit
both alike); then ``--clients`` concurrent clients of ``--requests`` requests each against
claimgraph alone. The same query sent again is answered from claimgraph's result cache
(``kg.store.cache``), so the selective query is also timed with a different claim in every request
("distinct"), and the join with a different comment at its end ("uncached"), which no cache
answers. Prints one table (p50 and p95 over all rounds).

    .venv/bin/python bench/api.py --requests 200 --rounds 3 --clients 20
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kg.graph import article_graph  # noqa: E402
from kg.model import Article, Claim, RawArticle, Speaker  # noqa: E402
from kg.store.embedded import EmbeddedStore  # noqa: E402
from kg.vocab import claim_iri, graph_iri, topic_iri  # noqa: E402

RESULTS_JSON = "application/sparql-results+json"
START_S = 60.0
TOPICS = [f"policy area {i}" for i in range(20)]
VERBS = ["will raise", "will cut", "cannot fix", "would help", "is hurting", "has improved"]
SELECTIVE = "SELECT ?p ?o WHERE {{ <{claim}> ?p ?o }}"
JOIN = """PREFIX cg: <https://w3id.org/claimgraph/ns#>
PREFIX schema: <https://schema.org/>
PREFIX prov: <http://www.w3.org/ns/prov#>
SELECT ?claim ?text ?name WHERE {{
  ?claim cg:about <{topic}> ; schema:text ?text ; prov:wasAttributedTo ?speaker .
  ?speaker schema:name ?name .
}}"""


def synthetic(articles: int, claims_each: int, seed: int) -> Iterator[tuple[Article, list[Claim]]]:
    """Articles of ``claims_each`` one-sentence claims by a pool of speakers on a pool of topics."""
    rng = random.Random(seed)
    speakers = [Speaker(f"speaker {i}", f"Speaker Number{i}", "person") for i in range(300)]
    for n in range(articles):
        lines, picks = [f"Synthetic Ledger {n}"], []
        for _ in range(claims_each):
            who, topic, verb = rng.choice(speakers), rng.choice(TOPICS), rng.choice(VERBS)
            content = f"the plan for {topic} {verb} costs in district {rng.randrange(1000)}"
            lines.append(f"{who.name} said {content}.")
            picks.append((who, topic, content))
        raw = "\n".join(lines) + "\n"
        source = RawArticle(raw, "bench", url=f"https://ledger.example/{n}", title=f"Story {n}")
        article = Article(source, raw, tuple(range(len(raw) + 1)))
        claims, cursor = [], 0
        for who, topic, content in picks:
            cue_at = raw.index(" said ", cursor) + 1
            start = raw.index(content, cue_at)
            cursor = start + len(content)
            stance = rng.choice(["positive", "negative", "neutral"])
            claims.append(
                Claim(article.id, who, content, start, cursor, "indirect", cue="said",
                      cue_start=cue_at, cue_end=cue_at + 4, topics=(topic,), stance=stance)
            )  # fmt: skip
        yield article, claims


def build(workdir: Path, articles: int, claims_each: int, seed: int) -> tuple[int, list[str], str]:
    """Fill claimgraph's store and an Oxigraph store with the same quads; the claim IRIs."""
    store = EmbeddedStore(str(workdir / "claimgraph"))
    all_claims = []
    for article, claims in synthetic(articles, claims_each, seed):
        store.replace_graph(str(graph_iri(article.id)), article_graph(article, claims))
        all_claims += [str(claim_iri(claim.id)) for claim in claims]
    quads = store.quad_count()
    dump = workdir / "data.nq"
    dump.write_bytes(store.dump("application/n-quads"))
    store.close()
    oxigraph = shutil.which("oxigraph", path=str(Path(sys.executable).parent)) or "oxigraph"
    subprocess.run(
        [oxigraph, "load", "--location", str(workdir / "oxigraph"), "--file", str(dump)],
        check=True,
        capture_output=True,
    )
    return quads, all_claims, oxigraph


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_ready(proc: subprocess.Popen, url: str) -> None:
    deadline = time.monotonic() + START_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}: {proc.args}")
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"server not ready at {url}")


@dataclass
class Servers:
    claimgraph: str
    oxigraph: str


def serve(workdir: Path, oxigraph: str, procs: list[subprocess.Popen]) -> Servers:
    """Start both servers read-only on free loopback ports; their processes go into ``procs``."""
    ox_port, cg_port = free_port(), free_port()
    ox_cmd = [oxigraph, "serve-read-only", "--location", str(workdir / "oxigraph")]
    ox_cmd += ["--bind", f"127.0.0.1:{ox_port}", "--union-default-graph"]
    procs.append(subprocess.Popen(ox_cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
    env = {**os.environ, "CLAIMGRAPH_STORE": str(workdir / "claimgraph"), "PYTHONPATH": str(ROOT)}
    env.pop("CLAIMGRAPH_API_TOKEN", None)
    cg_cmd = [sys.executable, "-m", "uvicorn", "--factory", "api.app:create_app"]
    cg_cmd += ["--host", "127.0.0.1", "--port", str(cg_port), "--log-level", "warning"]
    cg_cmd += ["--http", "httptools", "--loop", "uvloop", "--no-access-log"]
    procs.append(subprocess.Popen(cg_cmd, env=env, cwd=ROOT, stdout=subprocess.DEVNULL))
    servers = Servers(f"http://127.0.0.1:{cg_port}/sparql", f"http://127.0.0.1:{ox_port}/query")
    wait_ready(procs[0], f"{servers.oxigraph}?query=ASK%7B%7D")
    wait_ready(procs[1], f"http://127.0.0.1:{cg_port}/health")
    return servers


@dataclass
class Timing:
    latencies: list[float]
    errors: int
    wall: float

    def row(self, name: str) -> str:
        lat = sorted(self.latencies) or [float("nan")]
        p95 = lat[min(len(lat) - 1, int(0.95 * len(lat)))]
        rate = len(self.latencies) / self.wall if self.wall else float("nan")
        total = len(self.latencies) + self.errors
        p50 = statistics.median(lat)
        cells = [name, total, self.errors, f"{p50 * 1e3:.2f}", f"{p95 * 1e3:.2f}", f"{rate:.0f}"]
        return "| " + " | ".join(map(str, cells)) + " |"


def run(client: httpx.Client, url: str, queries: Sequence[str], n: int, first: int = 0) -> Timing:
    """``n`` sequential GETs of ``queries[first]``, ``queries[first + 1]``, ... (round robin); a
    non-200 or a transport error counts as an error."""
    latencies, errors = [], 0
    headers = {"Accept": RESULTS_JSON}
    began = time.perf_counter()
    for i in range(first, first + n):
        params = {"query": queries[i % len(queries)]}
        t0 = time.perf_counter()
        try:
            r = client.get(url, params=params, headers=headers)
            r.raise_for_status()
            latencies.append(time.perf_counter() - t0)
        except httpx.HTTPError:
            errors += 1
    return Timing(latencies, errors, time.perf_counter() - began)


def concurrent(url: str, query: Sequence[str], clients: int, n: int) -> Timing:
    """``clients`` threads, each with its own connection, each sending ``n`` requests."""

    def one(_: int) -> Timing:
        with httpx.Client(timeout=60) as client:
            return run(client, url, query, n)

    began = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        parts = list(pool.map(one, range(clients)))
    wall = time.perf_counter() - began
    return Timing([x for p in parts for x in p.latencies], sum(p.errors for p in parts), wall)


def rows_of(url: str, query: str) -> int:
    r = httpx.get(url, params={"query": query}, headers={"Accept": RESULTS_JSON}, timeout=60)
    r.raise_for_status()
    return len(r.json()["results"]["bindings"])


def sequential(
    servers: Servers, query: Sequence[str], args: argparse.Namespace
) -> dict[str, Timing]:
    """``--rounds`` rounds of ``--requests`` sequential requests per server, the servers taking
    turns request by request (first one, then the other, alternating who goes first each round),
    so a noisy spell on the machine hits both alike."""
    clients = {name: httpx.Client(timeout=60) for name in vars(servers)}
    timings = {name: Timing([], 0, 0.0) for name in clients}
    order = list(vars(servers).items())
    try:
        for name, url in order:
            run(clients[name], url, query[-1:], 10)
        for round_ in range(args.rounds):
            turn = order if round_ % 2 == 0 else order[::-1]
            for i in range(round_ * args.requests, (round_ + 1) * args.requests):
                for name, url in turn:
                    part = run(clients[name], url, query, 1, i)
                    timings[name].latencies.extend(part.latencies)
                    timings[name].errors += part.errors
                    timings[name].wall += part.wall
    finally:
        for client in clients.values():
            client.close()
    return timings


def measure(servers: Servers, queries: dict[str, list[str]], args: argparse.Namespace) -> list[str]:
    lines = ["| run | requests | errors | p50 ms | p95 ms | req/s |", "|---|---|---|---|---|---|"]
    ratios = []
    for label, query in queries.items():
        counts = {name: rows_of(url, query[-1]) for name, url in vars(servers).items()}
        if len(set(counts.values())) != 1:
            raise RuntimeError(f"{label}: the servers disagree on the result size {counts}")
        timings = sequential(servers, query, args)
        for name, timing in timings.items():
            lines.append(timing.row(f"{name} {label} ({counts[name]} rows), sequential"))
        cg, ox = (statistics.median(timings[k].latencies) for k in ("claimgraph", "oxigraph"))
        ratios.append(f"{label} p50 claimgraph/oxigraph: {cg / ox:.2f}x")
    found = concurrent(servers.claimgraph, queries["selective"], args.clients, args.requests)
    lines.append(found.row(f"claimgraph selective, {args.clients} concurrent clients"))
    return lines + [""] + ratios


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=200, help="requests per run and client")
    parser.add_argument("--rounds", type=int, default=3, help="sequential rounds per server")
    parser.add_argument("--clients", type=int, default=20, help="concurrent clients")
    parser.add_argument("--articles", type=int, default=210, help="articles, ~240 triples each")
    parser.add_argument("--claims", type=int, default=8, help="claims per article")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    procs: list[subprocess.Popen] = []
    with tempfile.TemporaryDirectory(prefix="claimgraph-bench-") as tmp:
        workdir = Path(tmp)
        try:
            quads, claims, oxigraph = build(workdir, args.articles, args.claims, args.seed)
            print(f"{quads} quads in {args.articles} named graphs; oxigraph at {oxigraph}")
            servers = serve(workdir, oxigraph, procs)
            # the distinct run's last query is the one rows_of checks before timing: not timed
            n = args.rounds * args.requests
            distinct = [SELECTIVE.format(claim=c) for c in claims[:n]]
            join = JOIN.format(topic=topic_iri(TOPICS[0]))
            queries = {
                "selective": [SELECTIVE.format(claim=claims[len(claims) // 2])],
                "selective distinct": distinct + [SELECTIVE.format(claim=claims[-1])],
                "join": [join],
                "join uncached": [f"{join}# request {i}\n" for i in range(n + 1)],
            }
            print("\n".join(measure(servers, queries, args)))
        finally:
            stop(procs)
    return 0


def stop(procs: list[subprocess.Popen]) -> None:
    """Terminate the servers this script started, then kill any that linger."""
    for proc in procs:
        proc.terminate()
    for proc in procs:
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


if __name__ == "__main__":
    raise SystemExit(main())
