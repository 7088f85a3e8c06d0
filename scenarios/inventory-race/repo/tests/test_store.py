from inventory import Hold, StockStore


def test_holds_are_keyed_by_order_and_sku():
    store = StockStore()
    store.add_hold(Hold("o1", "MUG-01", 2, 100.0))
    store.add_hold(Hold("o1", "CAP-02", 1, 100.0))
    store.add_hold(Hold("o2", "MUG-01", 3, 100.0))
    assert store.get_hold("o1", "MUG-01").quantity == 2
    assert sorted(h.order_id for h in store.holds_for("MUG-01")) == ["o1", "o2"]


def test_pop_hold_removes_it_once():
    store = StockStore()
    store.add_hold(Hold("o1", "MUG-01", 2, 100.0))
    assert store.pop_hold("o1", "MUG-01").quantity == 2
    assert store.pop_hold("o1", "MUG-01") is None
    assert store.get_hold("o1", "MUG-01") is None
