"""How customer names from our CRM and from the partner's exports are matched."""

import unicodedata
from pathlib import Path

import pytest

import custload.loader as loader
from custload import Row, customer_key, merge
from custload.settings import BATCH_PREFIX

HEADER = "customer,email,country,spend\n"


def row(name, batch="b.csv", line=2, spend=100):
    return Row(batch, line, name, "a@x.io", "FR", spend)


def drop_with(tmp_path: Path, crm_name: str, partner_name: str) -> Path:
    drop = tmp_path / "drop"
    drop.mkdir()
    (drop / f"{BATCH_PREFIX}crm.csv").write_bytes(
        (HEADER + f"{crm_name},zoe@x.io,FR,1.00\n").encode("utf-8"))
    (drop / f"{BATCH_PREFIX}partner.csv").write_bytes(
        (HEADER + f"{partner_name},zoe@partner.io,FR,2.00\n").encode("utf-8"))
    return drop


# --- keep: case-insensitive matching --------------------------------------------------------

def test_upper_case_partner_name_matches_crm_name(tmp_path):
    drop = drop_with(tmp_path, "Zoë Martin", "ZOË MARTIN")
    [customer] = loader.load_folder(drop)
    assert customer.name == "Zoë Martin"
    assert customer.spend_cents == 300
    assert customer.emails == ["zoe@x.io", "zoe@partner.io"]


def test_case_differences_merge_but_different_names_do_not():
    customers = merge([row("Ana LIMA"), row("ana lima"), row("Ana Lim")])
    assert sorted(len(c.sources) for c in customers) == [1, 2]


# --- flaw: Unicode normalization and full case folding ---------------------------------------

def test_decomposed_accents_match_composed_accents(tmp_path):
    composed = unicodedata.normalize("NFC", "Zoë Martin")
    decomposed = unicodedata.normalize("NFD", "Zoë Martin")
    assert composed != decomposed
    drop = drop_with(tmp_path, composed, decomposed)
    customers = loader.load_folder(drop)
    assert len(customers) == 1
    assert customers[0].spend_cents == 300


@pytest.mark.parametrize("left, right", [
    ("Zo\u00eb Martin", "ZOE\u0308 MARTIN"),
    ("Ren\u00e9e Faure", "Rene\u0301e  Faure"),
    ("J\u00fcrgen Wei\u00df", "J\u00dcRGEN WEISS"),
], ids=["decomposed-upper-case", "decomposed-extra-space", "sharp-s"])
def test_equivalent_spellings_share_a_key(left, right):
    assert customer_key(left) == customer_key(right)
    assert len(merge([row(left), row(right, line=3)])) == 1
