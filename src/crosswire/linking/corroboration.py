"""Corroboration: how many independent origins stand behind a set of event mentions.

Two outlets quoting the same spokesman are one origin, not two confirmations. Each claim is keyed
by its original claimant, in this order:

1. the speaker's organisation, else the speaker (Konashenkov → "actor:RU-MOD", as "the Russian
   military" is): a spokesman speaks for his ministry;
2. the first agency in the claim chain ("a military source told SANA" → "actor:SANA"): the same key
   as the agency quoted directly ("SANA reported"), since both go back to one agency's report;
3. the anonymous label as written, normalised ("label:military source").

Mentions with no claim, or an "unattributed" one, count their outlet among ``unattributed_outlets``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from ..model import Claim, Corroboration, EventMention, Origin

__all__ = ["corroborate", "origin_key"]

_ARTICLE = re.compile(r"^(?:a|an|the|one|two|several|some)\s+", re.I)


def origin_key(claim: Claim) -> tuple[str, str] | None:
    """The key and a readable label of a claim's original claimant.

    Args:
        claim (Claim): one attribution.
    RETURNS (tuple[str, str] | None): (key, label), or None for an unattributed claim.
    """
    if claim.kind == "unattributed":
        return None
    who = claim.organisation or claim.speaker
    if who is not None:
        return f"actor:{who.id}", who.name
    if claim.chain:
        return f"actor:{claim.chain[0].id}", claim.chain[0].name
    if claim.speaker_label:
        label = _ARTICLE.sub("", claim.speaker_label.strip().casefold())
        return f"label:{label}", claim.speaker_label
    return None


def corroborate(mentions: Iterable[EventMention]) -> Corroboration:
    """Count articles, outlets and independent origins over event mentions.

    Args:
        mentions (Iterable[EventMention]): the mentions (of one merged event, or of a whole story).
    RETURNS (Corroboration): the counts, origins sorted by how many outlets carry them.
    """
    articles: set[str] = set()
    outlets: set[str] = set()
    unattributed: set[str] = set()
    groups: dict[str, dict] = {}
    for m in mentions:
        articles.add(m.article_id)
        outlet = m.outlet or f"(unknown outlet of {m.article_id})"
        outlets.add(outlet)
        claims = m.event.claims or ((m.event.claim,) if m.event.claim is not None else ())
        keyed = [(c, origin_key(c)) for c in claims]
        keyed = [(c, k) for c, k in keyed if k is not None]
        if not keyed:
            unattributed.add(outlet)
            continue
        for c, (key, label) in keyed:
            g = groups.setdefault(key, {"label": label, "articles": set(), "outlets": set(), "speakers": set()})
            g["articles"].add(m.article_id)
            g["outlets"].add(outlet)
            if c.speaker_label:
                g["speakers"].add(c.speaker_label)
    origins = tuple(
        Origin(k, g["label"], tuple(sorted(g["articles"])), tuple(sorted(g["outlets"])), tuple(sorted(g["speakers"])))
        for k, g in sorted(groups.items(), key=lambda kv: (-len(kv[1]["outlets"]), kv[0]))
    )
    # An outlet that names a source for the event is not also counted as an unattributed origin.
    attributed_outlets = {o for g in groups.values() for o in g["outlets"]}
    return Corroboration(
        len(articles), tuple(sorted(outlets)), origins, tuple(sorted(unattributed - attributed_outlets))
    )
