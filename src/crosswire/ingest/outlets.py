"""Which outlet published an article: from metadata, the URL's domain, the site name, or the text.

Evidence and how much it is worth:

==================  ==========  ===================================================
method              confidence  example
==================  ==========  ===================================================
metadata            1.0         ``"outlet": "Press TV"`` in JSON Lines or a sidecar
url                 0.95        a known domain: ``www.presstv.ir`` → Press TV
sitename            0.9         ``og:site_name`` of an HTML page
url (unknown)       0.7         an unknown domain is its own outlet: ``example.org``
self-reference      0.85        a promo line names the outlet: "Press TV's website …"
text-mention        0.3         the body only mentions it: "…, told RT." (interviews
                                are given to other outlets too: not enough alone)
==================  ==========  ===================================================
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from importlib import resources as importlib_resources
from pathlib import Path
from urllib.parse import urlsplit

from ..model import OutletGuess

TEXT_MENTION_CONFIDENCE = 0.3
SELF_REFERENCE_CONFIDENCE = 0.85


@dataclass(frozen=True, slots=True)
class Outlet:
    """A known outlet."""

    name: str
    domains: tuple[str, ...]
    aliases: tuple[str, ...]
    country: str | None
    type: str | None


@dataclass(frozen=True, slots=True)
class OutletDirectory:
    """The outlets crosswire knows, indexed by domain and by name."""

    outlets: tuple[Outlet, ...]
    by_domain: dict[str, Outlet]
    by_name: dict[str, Outlet]  # casefolded name or alias
    name_pattern: re.Pattern[str]

    @classmethod
    def load(cls, path: str | Path | None = None) -> "OutletDirectory":
        """Load the outlet list (the packaged ``data/outlets.json`` by default).

        Args:
            path (str | Path | None): another JSON file of the same shape.
        RETURNS (OutletDirectory): the directory.
        """
        if path is None:
            raw = importlib_resources.files("crosswire.data").joinpath("outlets.json").read_text("utf-8")
        else:
            raw = Path(path).read_text("utf-8")
        data = json.loads(raw)
        outlets = tuple(
            Outlet(
                name=o["name"],
                domains=tuple(d.lower() for d in o.get("domains", ())),
                aliases=tuple(o.get("aliases", ())),
                country=o.get("country"),
                type=o.get("type"),
            )
            for o in data["outlets"]
        )
        by_domain = {d: o for o in outlets for d in o.domains}
        by_name: dict[str, Outlet] = {}
        for o in outlets:
            for n in (o.name, *o.aliases):
                by_name.setdefault(n.casefold(), o)
        # Longest names first so "Al Jazeera English" wins over "Al Jazeera".
        names = sorted(by_name, key=len, reverse=True)
        pattern = re.compile(r"(?<![\w])(" + "|".join(re.escape(n) for n in names) + r")(?![\w])", re.I)
        return cls(outlets=outlets, by_domain=by_domain, by_name=by_name, name_pattern=pattern)

    def lookup_name(self, name: str) -> Outlet | None:
        """RETURNS (Outlet | None): the outlet with this name or alias (case-insensitive)."""
        return self.by_name.get(name.strip().casefold())

    def from_url(self, url: str) -> OutletGuess | None:
        """Guess the outlet from a URL's host.

        Args:
            url (str): an absolute URL or a bare domain.
        RETURNS (OutletGuess | None): a known outlet (0.95), the domain itself (0.7), or None.
        """
        host = urlsplit(url if "//" in url else f"//{url}").hostname
        if not host:
            return None
        host = host.lower().removeprefix("www.").removeprefix("m.")
        parts = host.split(".")
        for i in range(len(parts) - 1):
            outlet = self.by_domain.get(".".join(parts[i:]))
            if outlet is not None:
                return OutletGuess(outlet.name, 0.95, "url", f"domain {host}")
        return OutletGuess(registered_domain(host), 0.7, "url", f"unknown domain {host}")

    def mentions(self, text: str) -> list[tuple[Outlet, re.Match[str]]]:
        """Known outlet names in a text.

        Args:
            text (str): any text.
        RETURNS (list[tuple[Outlet, Match]]): each mention with its outlet.
        """
        found = []
        for m in self.name_pattern.finditer(text):
            outlet = self.by_name[m.group(1).casefold()]
            # Short all-caps aliases (RT, AP, DW) only count when written in capitals.
            if len(m.group(1)) <= 3 and m.group(1) != m.group(1).upper():
                continue
            found.append((outlet, m))
        return found


_SECOND_LEVEL = frozenset({"co", "com", "org", "net", "gov", "ac", "edu", "gob", "mil"})


def registered_domain(host: str) -> str:
    """The registrable part of a host name: ``news.example.co.uk`` → ``example.co.uk``.

    Args:
        host (str): a host name.
    RETURNS (str): the registered domain.
    """
    parts = host.lower().split(".")
    if len(parts) >= 3 and parts[-2] in _SECOND_LEVEL and len(parts[-1]) == 2:
        return ".".join(parts[-3:])
    return ".".join(parts[-2:])


def guess_outlet(
    *,
    directory: OutletDirectory,
    metadata: str | None,
    url: str | None,
    sitename: str | None,
    promo_texts: list[str],
    body: str,
) -> OutletGuess:
    """Combine the evidence for an article's outlet; the strongest kind wins.

    Args:
        directory (OutletDirectory): the known outlets.
        metadata (str | None): an outlet given with the article.
        url (str | None): the article's URL.
        sitename (str | None): the site name an HTML page declares.
        promo_texts (list[str]): the texts of removed promo and boilerplate segments.
        body (str): the clean body.
    RETURNS (OutletGuess): the guess, with ``name=None`` and confidence 0 when there is no evidence.
    """
    if metadata:
        known = directory.lookup_name(metadata)
        return OutletGuess(known.name if known else metadata.strip(), 1.0, "metadata", f"given: {metadata}")
    if url:
        guess = directory.from_url(url)
        if guess is not None and guess.confidence >= 0.9:
            return guess
        url_guess = guess
    else:
        url_guess = None
    if sitename:
        known = directory.lookup_name(sitename)
        if known is not None:
            return OutletGuess(known.name, 0.9, "sitename", f"site name {sitename!r}")
    for text in promo_texts:
        for outlet, _ in directory.mentions(text):
            return OutletGuess(outlet.name, SELF_REFERENCE_CONFIDENCE, "self-reference", f"promo line {text.strip()!r}")
    if url_guess is not None:
        return url_guess
    if sitename:
        return OutletGuess(sitename, 0.6, "sitename", f"site name {sitename!r} (not a known outlet)")
    counts: dict[str, int] = {}
    first: dict[str, str] = {}
    for outlet, m in directory.mentions(body):
        counts[outlet.name] = counts.get(outlet.name, 0) + 1
        first.setdefault(outlet.name, body[max(0, m.start() - 40) : m.end() + 10].replace("\n", " "))
    if counts:
        name = max(counts, key=lambda n: counts[n])
        return OutletGuess(
            name,
            TEXT_MENTION_CONFIDENCE,
            "text-mention",
            f"named only inside the text ({counts[name]}x), e.g. '…{first[name].strip()}…'; "
            "an outlet quoted or interviewed is not necessarily the publisher",
        )
    return OutletGuess(None, 0.0, "none", None)
