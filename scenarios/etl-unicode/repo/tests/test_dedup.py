from custload import Row, customer_key, merge


def row(name, email="a@x.io", spend=100, batch="b.csv", line=2, country="FR"):
    return Row(batch, line, name, email, country, spend)


def test_same_name_is_merged_and_spend_summed():
    [c] = merge([row("Ana Lima", "ana@x.io", 100), row("Ana Lima", "ana@y.io", 250, line=3)])
    assert c.spend_cents == 350
    assert c.emails == ["ana@x.io", "ana@y.io"]
    assert c.sources == ["b.csv:2", "b.csv:3"]


def test_whitespace_differences_do_not_split_a_customer():
    assert customer_key("  Ana   Lima ") == customer_key("Ana Lima")
    [c] = merge([row("Ana  Lima"), row(" Ana Lima")])
    assert c.name == "Ana Lima"


def test_first_row_wins_display_name_and_country():
    [c] = merge([row("Ana Lima", country="PT"), row("Ana Lima", country="BR")])
    assert c.country == "PT"


def test_different_people_stay_apart_and_are_sorted():
    customers = merge([row("Zed Ali"), row("Ana Lima"), row("Ana Lim")])
    assert [c.name for c in customers] == ["Ana Lim", "Ana Lima", "Zed Ali"]
