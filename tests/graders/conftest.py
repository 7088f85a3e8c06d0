"""The graders' tests drive them through a real GradeContext on the scripted backend of
``tests/harness/grading/fakes.py`` (one implementation, shared with run_tests' own tests)."""

from __future__ import annotations

import sys
from pathlib import Path

_FAKES = str(Path(__file__).resolve().parents[1] / "harness" / "grading")
if _FAKES not in sys.path:
    sys.path.insert(0, _FAKES)
