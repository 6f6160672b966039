"""Import and matching agree on one canonical form per value (dlp.roster.normalise)."""

from __future__ import annotations

import datetime as dt

import pytest

from dlp.roster.normalise import (
    date_key,
    date_keys,
    email_key,
    id_key,
    name_keys,
    phone_key,
    split_full_name,
)


@pytest.mark.parametrize(
    ("first", "last", "preferred", "expected", "absent"),
    [
        ("Jacob", "Martinez", "Jake", {"jacob martinez", "jake martinez"}, set()),
        ("José", "GARCÍA-LÓPEZ", "", {"jose garcia lopez", "jose garcia", "jose lopez"}, set()),
        (
            "Olivia",
            "Smith Jones",
            "",
            {"olivia smith jones", "olivia smith", "olivia jones"},
            set(),
        ),
        ("Ana María", "de la Cruz", "", {"ana maria de la cruz", "ana de la cruz"}, {"ana cruz"}),
        ("Siobhán", "O'Neil", "", {"siobhan oneil"}, set()),
        ("Luis", "Ramos Jr.", "", {"luis ramos"}, {"luis ramos jr"}),
        ("Maria", "García de la Cruz", "", {"maria garcia de la cruz", "maria garcia"}, set()),
    ],
)
def test_name_keys_cover_the_forms_people_write(
    first: str, last: str, preferred: str, expected: set[str], absent: set[str]
) -> None:
    keys = name_keys(first, last, preferred)
    assert expected <= keys
    assert not absent & keys


@pytest.mark.parametrize(
    ("full", "first", "last"),
    [
        ("Martinez, Jacob", "Jacob", "Martinez"),
        ("Jacob Martinez", "Jacob", "Martinez"),
        ("Maria de la Cruz", "Maria", "de la Cruz"),
        ("García López, José Luis", "José Luis", "García López"),
    ],
)
def test_split_full_name_reads_both_orders(full: str, first: str, last: str) -> None:
    assert split_full_name(full) == (first, last)


@pytest.mark.parametrize(
    ("value", "iso"),
    [
        ("03/04/2013", "2013-03-04"),
        ("3/4/13", "2013-03-04"),
        ("2013-03-04", "2013-03-04"),
        ("20130304", "2013-03-04"),
        ("March 4, 2013", "2013-03-04"),
        ("4 March 2013", "2013-03-04"),
        ("4 de marzo de 2013", "2013-03-04"),
        ("25/12/2012", "2012-12-25"),  # day first when the first field cannot be a month
        (dt.date(2013, 3, 4), "2013-03-04"),
        (dt.datetime(2013, 3, 4, 0, 0), "2013-03-04"),
        ("31/31/2012", ""),
        ("soon", ""),
    ],
)
def test_date_key_reads_export_formats(value: object, iso: str) -> None:
    assert date_key(value) == iso


def test_date_keys_in_text_try_both_orders() -> None:
    assert set(date_keys("04/03/2013")) == {"2013-04-03", "2013-03-04"}


def test_ids_phones_and_emails_normalise() -> None:
    assert id_key("s-00123 45") == id_key("S0012345") == "S0012345"
    assert id_key(1234567.0) == "1234567"
    assert phone_key("+1 (555) 210-4477") == phone_key("555.210.4477") == "5552104477"
    assert phone_key("210-4477") == ""
    assert email_key(" <Maria.Martinez@Gmail.com>; ") == "maria.martinez@gmail.com"
    assert email_key("not-an-email") == ""
