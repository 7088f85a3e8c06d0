"""The CRM's contact API, as this job uses it.

The real client speaks HTTP; ``InMemoryCrm`` implements the same two methods in process for dry
runs and tests, including the CRM's ways of saying no.
"""

from __future__ import annotations

from .models import Contact


class CrmError(Exception):
    """Anything the CRM refused or failed to do."""


class RateLimited(CrmError):
    """Too many requests: the same call may succeed if we wait."""

    def __init__(self, retry_after: float = 1.0) -> None:
        super().__init__(f"rate limited, retry after {retry_after}s")
        self.retry_after = retry_after


class Rejected(CrmError):
    """The CRM refuses this contact (blocked domain, invalid address, ...). Retrying won't help."""

    def __init__(self, email: str, reason: str) -> None:
        super().__init__(f"{email}: {reason}")
        self.email = email
        self.reason = reason


class CrmUnavailable(CrmError):
    """The CRM cannot be reached or refused our credentials."""


class InMemoryCrm:
    """A CRM in a dict.

    ``reject`` maps e-mail addresses to the reason the CRM gives for refusing them;
    ``rate_limit`` maps e-mail addresses to how many calls for them are rate limited first.
    """

    def __init__(
        self,
        reject: dict[str, str] | None = None,
        rate_limit: dict[str, int] | None = None,
    ) -> None:
        self.contacts: dict[str, Contact] = {}
        self.calls: list[str] = []
        self._reject = dict(reject or {})
        self._rate_limit = dict(rate_limit or {})

    def upsert_contact(self, contact: Contact) -> str:
        """Create or update ``contact``; return ``"created"`` or ``"updated"``."""
        self.calls.append(contact.email)
        if self._rate_limit.get(contact.email, 0) > 0:
            self._rate_limit[contact.email] -= 1
            raise RateLimited(retry_after=0.5)
        if contact.email in self._reject:
            raise Rejected(contact.email, self._reject[contact.email])
        outcome = "updated" if contact.email in self.contacts else "created"
        self.contacts[contact.email] = contact
        return outcome

    def get_contact(self, email: str) -> Contact | None:
        return self.contacts.get(email.lower())


def connect(url: str) -> InMemoryCrm:
    """Open the CRM at ``url``. Only ``memory://`` is built in; the HTTP client is deployed apart."""
    if url.startswith("memory://"):
        return InMemoryCrm()
    raise CrmUnavailable(f"no CRM transport for {url!r}")
