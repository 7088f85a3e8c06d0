from shopsearch import tokenize


def test_tokens_are_lower_case_words_without_stopwords():
    assert tokenize("The Trail-Running Shoe, for Women") == ["trail", "running", "shoe", "women"]


def test_plurals_are_folded_but_double_s_is_kept():
    assert tokenize("boots socks glass gps") == ["boot", "sock", "glass", "gps"]


def test_numbers_are_tokens():
    assert tokenize("Backpack 30 litres") == ["backpack", "30", "litre"]
