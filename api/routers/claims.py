"""``/claims``: claims with filters, one page at a time, and one claim in full."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Response

from api.deps import TOTAL_HEADER, Limit, Offset, StoreDep, not_found, page
from api.problems import problems
from api.schemas import ClaimDetail, ClaimKind, ClaimOut, Stance, total_header
from kg.views import get_claim, list_claims

router = APIRouter(tags=["claims"])


@router.get("/claims", response_model=list[ClaimOut], responses=total_header(TOTAL_HEADER))
def claims(
    response: Response,
    store: StoreDep,
    speaker: str | None = None,
    article: str | None = None,
    topic: str | None = None,
    stance: Stance | None = None,
    kind: ClaimKind | None = None,
    q: Annotated[str | None, Query(description="Part of the claim text, any case.")] = None,
    since: Annotated[date | None, Query(description="Published on or after (ISO).")] = None,
    until: Annotated[date | None, Query(description="Published on or before (ISO).")] = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> dict:
    """Claims in reading order. ``speaker`` is an id or part of a name; ``topic`` a label or id.

    ``since``/``until`` bound the article's publication date; undated articles are left out
    when either is given.

    The body is a JSON array; ``X-Total-Count`` gives the number of matches over all pages."""
    data, count = list_claims(
        store,
        speaker=speaker,
        article=article,
        topic=topic,
        stance=stance,
        kind=kind,
        q=q,
        since=since,
        until=until,
        limit=limit,
        offset=offset,
    )
    return page(response, data, count, limit=limit, offset=offset)


@router.get("/claims/{claim_id}", response_model=ClaimDetail, responses=problems(404))
def claim(store: StoreDep, claim_id: str) -> dict:
    """One claim with its stance score, cue offsets and surrounding text."""
    found = get_claim(store, claim_id)
    if found is None:
        raise not_found("claim", claim_id)
    return found
