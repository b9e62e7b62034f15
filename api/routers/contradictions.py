"""``/contradictions``: pairs of conflicting claims with the rule and reason that flagged them."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter

from api.deps import Limit, Offset, StoreDep, not_found
from api.problems import problems
from api.schemas import ContradictionOut, Page
from kg.views import get_contradiction, list_contradictions

router = APIRouter(tags=["contradictions"])


@router.get("/contradictions", response_model=Page[ContradictionOut])
def contradictions(store: StoreDep, limit: Limit = 100, offset: Offset = 0) -> dict:
    """Contradictions, most confident first."""
    found = list_contradictions(store)
    return {"data": found[offset : offset + limit], "count": len(found)}


@router.get(
    "/contradictions/{contradiction_id}", response_model=ContradictionOut, responses=problems(404)
)
def contradiction(store: StoreDep, contradiction_id: str) -> dict:
    """One contradiction. The id is percent-encoded as minted ids are, so that no id can make
    an invalid IRI (``kg.views.get_contradiction`` appends it to the IRI base as it is)."""
    found = get_contradiction(store, quote(contradiction_id, safe="-._~@"))
    if found is None:
        raise not_found("contradiction", contradiction_id)
    return found
