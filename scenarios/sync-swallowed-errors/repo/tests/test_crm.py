import pytest

from contactsync import Contact, InMemoryCrm, RateLimited, Rejected
from contactsync.crm import CrmUnavailable, connect

ADA = Contact("ada@example.com", "Ada", "Lovelace")


def test_upsert_creates_then_updates():
    crm = InMemoryCrm()
    assert crm.upsert_contact(ADA) == "created"
    assert crm.upsert_contact(ADA) == "updated"
    assert crm.get_contact("ADA@example.com") == ADA


def test_rejected_contacts_are_refused_every_time():
    crm = InMemoryCrm(reject={ADA.email: "blocked domain"})
    for _ in range(2):
        with pytest.raises(Rejected, match="blocked domain"):
            crm.upsert_contact(ADA)


def test_rate_limit_passes_after_the_given_number_of_calls():
    crm = InMemoryCrm(rate_limit={ADA.email: 1})
    with pytest.raises(RateLimited):
        crm.upsert_contact(ADA)
    assert crm.upsert_contact(ADA) == "created"


def test_connect_knows_only_the_memory_transport():
    assert isinstance(connect("memory://x"), InMemoryCrm)
    with pytest.raises(CrmUnavailable):
        connect("https://crm.example.com")
