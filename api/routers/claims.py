"""``/claims``: claims with filters, one page at a time, and one claim in full."""

from __future__ import annotations

from fastapi import APIRouter

from api.deps import Limit, Offset, StoreDep, not_found
from api.problems import problems
from api.schemas import ClaimDetail, ClaimKind, ClaimOut, Page, Stance
from kg.views import get_claim, list_claims

router = APIRouter(tags=["claims"])


@router.get("/claims", response_model=Page[ClaimOut])
def claims(
    store: StoreDep,
    speaker: str | None = None,
    article: str | None = None,
    topic: str | None = None,
    stance: Stance | None = None,
    kind: ClaimKind | None = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> dict:
    """Claims in reading order. ``speaker`` is an id or part of a name; ``topic`` a label or id."""
    data, count = list_claims(
        store,
        speaker=speaker,
        article=article,
        topic=topic,
        stance=stance,
        kind=kind,
        limit=limit,
        offset=offset,
    )
    return {"data": data, "count": count}


@router.get("/claims/{claim_id}", response_model=ClaimDetail, responses=problems(404))
def claim(store: StoreDep, claim_id: str) -> dict:
    """One claim with its stance score, cue offsets and surrounding text."""
    found = get_claim(store, claim_id)
    if found is None:
        raise not_found("claim", claim_id)
    return found
