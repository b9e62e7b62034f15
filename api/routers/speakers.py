"""``/speakers``: who made claims, and one speaker with all their claims."""

from __future__ import annotations

from fastapi import APIRouter

from api.deps import Limit, Offset, StoreDep, not_found
from api.problems import problems
from api.schemas import Page, SpeakerDetail, SpeakerOut
from kg.views import get_speaker, list_speakers

router = APIRouter(tags=["speakers"])


@router.get("/speakers", response_model=Page[SpeakerOut])
def speakers(store: StoreDep, limit: Limit = 100, offset: Offset = 0) -> dict:
    """Speakers with at least one claim, most claims first."""
    found = list_speakers(store)
    return {"data": found[offset : offset + limit], "count": len(found)}


@router.get("/speakers/{speaker_id}", response_model=SpeakerDetail, responses=problems(404))
def speaker(store: StoreDep, speaker_id: str) -> dict:
    found = get_speaker(store, speaker_id)
    if found is None:
        raise not_found("speaker", speaker_id)
    return found
