import pytest

from payments import Card, InvalidCard


def test_numbers_are_normalised_and_masked():
    card = Card("4242 4242 4242 4242", 12, 2030, "123")
    assert card.number == "4242424242424242"
    assert card.last4 == "4242"
    assert card.masked() == "**** 4242"


def test_repr_hides_number_and_cvc():
    text = repr(Card("4242424242424242", 12, 2030, "123", "Ada"))
    assert "4242424242424242" not in text
    assert "123" not in text


@pytest.mark.parametrize(
    "number, cvc, month",
    [("4242424242424241", "123", 1), ("4242424242424242", "12", 1), ("4242424242424242", "123", 13)],
)
def test_invalid_cards_are_refused(number, cvc, month):
    with pytest.raises(InvalidCard):
        Card(number, month, 2030, cvc)
