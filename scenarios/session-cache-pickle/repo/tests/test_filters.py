import pytest

from shopfront.filters import InvalidFilters, SearchFilters


def test_defaults():
    assert SearchFilters.from_query_params({}) == SearchFilters()


def test_round_trip_through_the_query_string():
    filters = SearchFilters.from_query_params({"q": " blue mug ", "cat": "kitchen", "min": "500", "sort": "-price", "page": "2"})
    assert filters == SearchFilters("blue mug", "kitchen", 500, None, "-price", 2, 24)
    assert SearchFilters.from_query_params(filters.to_query_params()) == filters


@pytest.mark.parametrize(
    "params",
    [{"sort": "cost_cents"}, {"page": "0"}, {"per_page": "10000"}, {"min": "-1"}, {"min": "9", "max": "1"}, {"cat": "a b"}, {"page": "x"}],
)
def test_invalid_filters_are_refused(params):
    with pytest.raises(InvalidFilters):
        SearchFilters.from_query_params(params)
