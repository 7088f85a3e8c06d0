import pytest

from contactsync import Contact, InvalidRow, parse_row


def test_row_becomes_a_contact_with_a_lower_case_email():
    contact = parse_row({"email": " Ada@Example.COM ", "first_name": "Ada", "last_name": "Lovelace"})
    assert contact == Contact("ada@example.com", "Ada", "Lovelace", False)
    assert contact.display_name == "Ada Lovelace"


@pytest.mark.parametrize("value, expected", [("yes", True), ("1", True), ("", False), ("No", False)])
def test_marketing_opt_in(value, expected):
    row = {"email": "a@b.io", "first_name": "A", "last_name": "B", "marketing_opt_in": value}
    assert parse_row(row).marketing_opt_in is expected


@pytest.mark.parametrize(
    "row",
    [
        {"email": "not-an-address", "first_name": "A", "last_name": "B"},
        {"email": "a@b.io", "first_name": "", "last_name": ""},
        {"email": "a@b.io", "first_name": "A", "last_name": "B", "marketing_opt_in": "maybe"},
    ],
)
def test_bad_rows_are_refused(row):
    with pytest.raises(InvalidRow):
        parse_row(row)
