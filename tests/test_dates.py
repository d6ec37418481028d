from __future__ import annotations

from datetime import date

import pytest

from crosswire.dates import find_dates, infer_published, parse_metadata_date
from crosswire.model import Precision, Provenance


@pytest.mark.parametrize(
    "text,expected",
    [
        ("on March 08, 2019 in Washington", (2019, 3, 8)),
        ("released on Monday, September 4, 2017 by SANA", (2017, 9, 4)),
        ("on 4 September 2017,", (2017, 9, 4)),
        ("Oct. 14, 2017", (2017, 10, 14)),
        ("2017-10-14", (2017, 10, 14)),
        ("started on June 6 and", (None, 6, 6)),
        ("in October 2017", (2017, 10, None)),
    ],
)
def test_dates_find_dates_parts(text, expected):
    (d,) = find_dates(text)
    assert (d.year, d.month, d.day) == expected


@pytest.mark.parametrize("text", ["you may go", "February 30, 2017", "the march on the capital"])
def test_dates_find_dates_rejects_non_dates(text):
    assert find_dates(text) == []


@pytest.mark.parametrize(
    "value,expected",
    [("2017-10-19", (2017, 10, 19)), ("2017-10-19T08:15:00Z", (2017, 10, 19)), ("2017-10", (2017, 10, None)),
     ("19 October 2017", (2017, 10, 19)), ("2017", (2017, None, None))],
)  # fmt: skip
def test_dates_parse_metadata_date(value, expected):
    pd = parse_metadata_date(value)
    assert (pd.year, pd.month, pd.day) == expected
    assert pd.provenance is Provenance.METADATA


@pytest.mark.parametrize("value", [None, "", "yesterday", "2017-13-01"])
def test_dates_parse_metadata_date_refuses_garbage(value):
    assert parse_metadata_date(value) is None


def test_dates_infer_dateline_gives_day():
    pd = infer_published(["BEIRUT, Oct 17, 2017 (Reuters) - Fighting raged on Tuesday."], [])
    assert (pd.year, pd.month, pd.day, pd.provenance) == (2017, 10, 17, Provenance.TEXT)


def test_dates_infer_latest_date_is_a_lower_bound():
    pd = infer_published(["A photo from September 11, 2017 shows it.", "In August 2016 the siege began."], [])
    assert (pd.year, pd.month, pd.precision) == (2017, 9, Precision.MONTH)
    assert pd.not_before == date(2017, 9, 11)


def test_dates_infer_same_month_cue_without_year_invents_none():
    pd = infer_published(["Earlier in October, the army reached the outskirts.", "It began on June 6."], [])
    assert pd.year is None and pd.month == 10 and pd.precision is Precision.UNKNOWN


def test_dates_infer_nothing():
    pd = infer_published(["The army advanced on Friday."], [])
    assert pd.precision is Precision.UNKNOWN and pd.provenance is Provenance.NONE
