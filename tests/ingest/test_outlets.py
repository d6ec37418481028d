from __future__ import annotations

import pytest

from crosswire.ingest.outlets import guess_outlet, registered_domain


@pytest.mark.parametrize(
    "url,name,confidence",
    [
        ("https://www.presstv.ir/Detail/2017/09/29/537", "Press TV", 0.95),
        ("https://www.rt.com/news/406937-al-mayadeen/", "RT", 0.95),
        ("http://uk.reuters.com/article/x", "Reuters", 0.95),
        ("https://news.example.co.uk/a/b", "example.co.uk", 0.7),
    ],
)
def test_outlets_from_url(outlets, url, name, confidence):
    g = outlets.from_url(url)
    assert (g.name, g.confidence, g.method) == (name, confidence, "url")


def test_outlets_metadata_wins_and_is_canonicalised(outlets):
    g = guess_outlet(directory=outlets, metadata="presstv", url="https://www.rt.com/x", sitename=None, promo_texts=[], body="")
    assert (g.name, g.method, g.confidence) == ("Press TV", "metadata", 1.0)


def test_outlets_self_reference_in_promo(outlets):
    g = guess_outlet(directory=outlets, metadata=None, url=None, sitename=None,
                     promo_texts=["Follow Al Jazeera English on Telegram"], body="")  # fmt: skip
    assert (g.name, g.method) == ("Al Jazeera", "self-reference")


def test_outlets_told_rt_is_a_weak_guess(outlets):
    g = guess_outlet(directory=outlets, metadata=None, url=None, sitename=None, promo_texts=[],
                     body="Jamal Wakeem, a professor, told RT. The army advanced.")  # fmt: skip
    assert (g.name, g.method) == ("RT", "text-mention")
    assert g.confidence < 0.5 and "told RT" in g.evidence


def test_outlets_lowercase_rt_is_not_rt(outlets):
    g = guess_outlet(directory=outlets, metadata=None, url=None, sitename=None, promo_texts=[],
                     body="The art of war; rt is not a name.")  # fmt: skip
    assert g.name is None and g.method == "none"


def test_outlets_registered_domain():
    assert registered_domain("a.b.example.com") == "example.com"
    assert registered_domain("www.bbc.co.uk") == "bbc.co.uk"
