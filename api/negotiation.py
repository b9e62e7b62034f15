"""HTTP content negotiation: pick the offered media type an Accept header rates highest."""

from __future__ import annotations

from collections.abc import Mapping, Sequence


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
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        media = (aliases or {}).get(media, media)
        if media:
            ranges.append((media, quality))
    return ranges


def negotiate(
    accept: str | None, offered: Sequence[str], aliases: Mapping[str, str] | None = None
) -> str | None:
    """The offered type with the highest q (most specific range wins; server order breaks ties).

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
            rank = {media: 2, family: 1, "*/*": 0}.get(pattern, -1)
            if rank > specificity:
                quality, specificity = q, rank
        if quality > best_q:
            best, best_q = media, quality
    return best
