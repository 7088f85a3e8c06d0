"""The store: the one place that knows the storage layout (tables, migrations, the exchange file).

May import: harness.errors and harness.result (the typed result it serialises). Nothing
above it (scoring, reports, cli) is imported here.
"""

from harness.store.access import (
    ROLES,
    ApiToken,
    AuditEntry,
    Invite,
    Release,
    User,
    WebSession,
    digest,
)
from harness.store.candidates import (
    display_name,
    near_duplicate_warning,
    near_duplicates,
    normalise_candidate,
)
from harness.store.groups import (
    GroupMembership,
    delete_memberships,
    memberships,
    replace_memberships,
)
from harness.store.jobs import JOB_STATES, Job, ScenarioArchive
from harness.store.models import (
    Assignment,
    Base,
    Override,
    Record,
    Result,
    Store,
    Submission,
    key_of,
    new_id,
    now,
    record_key,
    result_summary,
)

__all__ = [
    "JOB_STATES",
    "ROLES",
    "ApiToken",
    "Assignment",
    "AuditEntry",
    "Base",
    "GroupMembership",
    "Invite",
    "Job",
    "Override",
    "Record",
    "Release",
    "Result",
    "ScenarioArchive",
    "Store",
    "Submission",
    "User",
    "WebSession",
    "delete_memberships",
    "digest",
    "display_name",
    "key_of",
    "memberships",
    "near_duplicate_warning",
    "near_duplicates",
    "new_id",
    "normalise_candidate",
    "now",
    "record_key",
    "replace_memberships",
    "result_summary",
]
