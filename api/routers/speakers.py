"""``/speakers``: who made claims, and one speaker with all their claims."""

from __future__ import annotations

from fastapi import APIRouter, Response

from api.deps import TOTAL_HEADER, Limit, Offset, StoreDep, not_found, page
from api.problems import problems
from api.schemas import SpeakerDetail, SpeakerOut, total_header
from kg.views import get_speaker, list_speakers

router = APIRouter(tags=["speakers"])


@router.get("/speakers", response_model=list[SpeakerOut], responses=total_header(TOTAL_HEADER))
def speakers(response: Response, store: StoreDep, limit: Limit = 100, offset: Offset = 0) -> list:
    """Speakers with at least one claim, most claims first."""
    found = list_speakers(store)
    return page(response, found, limit=limit, offset=offset)


@router.get("/speakers/{speaker_id}", response_model=SpeakerDetail, responses=problems(404))
def speaker(store: StoreDep, speaker_id: str) -> dict:
    found = get_speaker(store, speaker_id)
    if found is None:
        raise not_found("speaker", speaker_id)
    return found
