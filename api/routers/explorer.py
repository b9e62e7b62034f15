"""``/explore``: speakers, claims and articles as an interactive pyvis / vis-network graph.

pyvis builds the nodes, edges and options; our own template renders them with vis-network served
from this server (no CDN). Node data travels as one JSON blob (``|tojson``), and the page script
turns every tooltip into a text node, so no label or title is ever parsed as HTML.
"""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from api.deps import StoreDep, templates
from kg.store import Store
from kg.views import list_articles, list_claims, list_contradictions, list_speakers

router = APIRouter(tags=["explorer"])
MAX_CLAIMS = 400
LABEL_CHARS = 40
COLOURS = {"speaker": "#4e79a7", "claim": "#f2cf5b", "article": "#59a14f"}
STANCE_BORDER = {"positive": "#2e7d32", "negative": "#c62828", "neutral": "#757575"}
CONTRADICTION = {"color": "#d62728", "width": 5}
NO_ARROW = {"to": {"enabled": False}}
PHYSICS = {
    "physics": {
        "solver": "forceAtlas2Based",
        "stabilization": {"iterations": 150},
        "forceAtlas2Based": {"gravitationalConstant": -60, "springLength": 120},
    },
    "interaction": {"hover": True, "tooltipDelay": 150},
    "edges": {"smooth": False},
}


def _short(text: str, size: int = LABEL_CHARS) -> str:
    return text if len(text) <= size else text[: size - 1].rstrip() + "\u2026"


def _select(
    store: Store, speaker: str | None, article: str | None, only_contradictions: bool
) -> tuple[list[dict], list[dict], bool]:
    """Claims to draw and the contradictions among them; also whether the list was cut."""
    base, total = list_claims(store, speaker=speaker, article=article, limit=MAX_CLAIMS)
    ids = {c["id"] for c in base}
    found = [x for x in list_contradictions(store) if ids & {c["id"] for c in x["claims"]}]
    claims = {} if only_contradictions else {c["id"]: c for c in base}
    for contradiction in found:
        claims.update({c["id"]: c for c in contradiction["claims"]})
    return list(claims.values()), found, total > MAX_CLAIMS


def _add_claim(net: Any, details: dict[str, dict], claim: dict[str, Any], title: str) -> None:
    speaker, cid = claim["speaker"], f"claim:{claim['id']}"
    sid, aid = f"speaker:{speaker['id']}", f"article:{claim['article']}"
    if sid not in details:
        tip = f"{speaker['name']} ({speaker['type']})"
        net.add_node(sid, label=speaker["name"], title=tip, color=COLOURS["speaker"], shape="dot")
        details[sid] = {"type": "speaker", "name": speaker["name"], "id": speaker["id"]}
    if aid not in details:
        net.add_node(
            aid, label=_short(title), title=title, color=COLOURS["article"], shape="square"
        )
        details[aid] = {"type": "article", "article": claim["article"], "title": title}
    tip = f"\u201c{claim['text']}\u201d\n\u2014 {speaker['name']} ({claim['stance']})"
    colour = {"background": COLOURS["claim"], "border": STANCE_BORDER[claim["stance"]]}
    net.add_node(cid, label=_short(claim["text"]), title=tip, color=colour, shape="box")
    details[cid] = {"type": "claim", **claim, "speaker": speaker["name"], "article_title": title}
    said = claim.get("cue") or "said"
    net.add_edge(sid, cid, id=f"said:{claim['id']}", title=said, color="#9aa5b1")
    net.add_edge(cid, aid, id=f"in:{claim['id']}", color="#cfd8dc", dashes=True, arrows=NO_ARROW)


def build_graph(
    claims: list[dict], contradictions: list[dict], titles: dict[str, str] | None = None
) -> dict[str, Any]:
    """vis-network data (nodes, edges, options) plus per-node details for the side panel."""
    from pyvis.network import Network

    net = Network(directed=True, cdn_resources="local")
    details: dict[str, dict] = {}
    for claim in claims:
        article = claim["article"]
        _add_claim(net, details, claim, (titles or {}).get(article) or f"article {article}")
    for x in contradictions:
        a, b = (f"claim:{c['id']}" for c in x["claims"])
        xid = f"contradiction:{x['id']}"
        tip = f"contradiction: {x['reason']}"
        net.add_edge(a, b, id=xid, title=tip, arrows=NO_ARROW, **CONTRADICTION)
        details[xid] = {"type": "contradiction", **x}
    net.set_options(json.dumps(PHYSICS))
    nodes, edges, *_rest, options = net.get_network_data()
    return {"nodes": nodes, "edges": edges, "options": json.loads(options), "details": details}


@router.get("/explore", response_class=HTMLResponse)
def explore(
    request: Request,
    store: StoreDep,
    speaker: Annotated[str | None, Query(description="Speaker id or part of a name.")] = None,
    article: Annotated[str | None, Query(description="Article id.")] = None,
    contradictions: Annotated[bool, Query(description="Only contradicting claims.")] = False,
) -> HTMLResponse:
    """The graph explorer page, filtered by speaker, article or contradictions only."""
    claims, found, truncated = _select(store, speaker or None, article or None, contradictions)
    articles = list_articles(store)
    titles = {a["id"]: a["title"] for a in articles if a["title"]}
    return templates().TemplateResponse(
        request,
        "explorer.html",
        {
            "graph": build_graph(claims, found, titles),
            "speakers": list_speakers(store),
            "articles": articles,
            "filters": {"speaker": speaker, "article": article, "contradictions": contradictions},
            "counts": {"claims": len(claims), "contradictions": len(found)},
            "truncated": truncated,
            "max_claims": MAX_CLAIMS,
        },
    )
