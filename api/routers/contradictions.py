"""``/contradictions``: pairs of conflicting claims with the rule and reason that flagged them."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Response

from api.deps import TOTAL_HEADER, Limit, Offset, StoreDep, not_found, page
from api.problems import problems
from api.schemas import ContradictionOut, total_header
from kg.views import get_contradiction, list_contradictions

router = APIRouter(tags=["contradictions"])


@router.get(
    "/contradictions", response_model=list[ContradictionOut], responses=total_header(TOTAL_HEADER)
)
def contradictions(
    response: Response, store: StoreDep, limit: Limit = 100, offset: Offset = 0
) -> list:
    """Contradictions, most confident first."""
    found = list_contradictions(store)
    return page(response, found, limit=limit, offset=offset)


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
