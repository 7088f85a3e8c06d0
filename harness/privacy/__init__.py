"""Candidate privacy: erasure, retention and the right of access over the store and data folder.

May import: harness.scoring (the profile's ``[retention]`` policy), harness.store and below; is
imported by the CLI (and may be by the server). Placed beside the queue in the import layers: it
acts on the store like a worker does, above the stages whose data it removes.
"""

from harness.privacy.access import export
from harness.privacy.erase import Erasure, erase
from harness.privacy.retention import Applied, apply

__all__ = ["Applied", "Erasure", "apply", "erase", "export"]
