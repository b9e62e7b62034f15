"""HTTP content negotiation: pick the offered media type an Accept header rates highest."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from python_multipart.multipart import parse_options_header


def _quality(value: str) -> float:
    """An Accept ``q`` value (RFC 9110 §12.4.2): 0 to 1; a malformed one rates 0."""
    try:
        return min(max(float(value), 0.0), 1.0)
    except ValueError:
        return 0.0


def accept_ranges(accept: str, aliases: Mapping[str, str] | None = None) -> list[tuple[str, float]]:
    """``(media range, q)`` pairs of an Accept header, aliases mapped to their canonical type."""
    ranges = []
    for part in accept.split(","):
        fields = [f.strip() for f in part.split(";")]
        media = fields[0].lower()
        quality = 1.0
        for param in fields[1:]:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                quality = _quality(value.strip())
        media = (aliases or {}).get(media, media)
        if media:
            ranges.append((media, quality))
    return ranges


def negotiate(
    accept: str | None, offered: Sequence[str], aliases: Mapping[str, str] | None = None
) -> str | None:
    """The offered type with the highest q (most specific range wins; server order breaks ties).

    A type named twice at the same specificity (itself and an alias of it) takes the higher q.
    No Accept header means the first offered type; ``None`` means nothing offered is acceptable.
    """
    if not accept or not accept.strip():
        return offered[0]
    ranges = accept_ranges(accept, aliases)
    best, best_q = None, 0.0
    for media in offered:
        family = f"{media.split('/')[0]}/*"
        quality, specificity = 0.0, -1
        for pattern, q in ranges:
            rank = {media: 2, family: 1, "*/*": 0}.get(pattern)
            if rank is not None and (rank > specificity or (rank == specificity and q > quality)):
                quality, specificity = q, rank
        if quality > best_q:
            best, best_q = media, quality
    return best


def content_type(header: str | None) -> tuple[str, dict[str, str]]:
    """A Content-Type header as its lower-cased media type and parameters (names lower-cased)."""
    media, params = parse_options_header(header or "")
    decoded = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in params.items()}
    return media.decode("latin-1").strip().lower(), decoded
