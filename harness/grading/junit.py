"""Reading JUnit XML that candidate code may have written: size cap, no DTDs, junitparser.

pytest writes JUnit without a DOCTYPE, so any DOCTYPE or ENTITY declaration is refused outright:
that stops billion-laughs and external-entity documents before a parser sees them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from junitparser import Error, Failure, JUnitXml, Skipped, TestSuite

from harness.result import Outcome

MAX_BYTES = 8 * 1024 * 1024


class JUnitError(ValueError):
    """The JUnit document is unusable; the message says why."""


@dataclass(frozen=True, kw_only=True)
class Case:
    """One ``<testcase>``."""

    classname: str
    name: str
    outcome: Outcome
    message: str


def parse(data: bytes, *, max_bytes: int = MAX_BYTES) -> list[Case]:
    """Parse JUnit XML bytes into cases; raise JUnitError on anything suspicious."""
    if len(data) > max_bytes:
        raise JUnitError(f"the JUnit file is larger than {max_bytes} bytes")
    if not data.strip():
        raise JUnitError("the JUnit file is empty")
    if re.search(rb"<!DOCTYPE|<!ENTITY", data, re.IGNORECASE):
        raise JUnitError("the JUnit file declares a DOCTYPE or entities (refused)")
    try:
        xml = JUnitXml.fromstring(data.decode("utf-8"))
    except Exception as exc:
        raise JUnitError(f"the JUnit file is not valid XML: {exc}") from exc
    suites = [xml] if isinstance(xml, TestSuite) else list(xml)
    cases = []
    for suite in suites:
        for case in suite:
            outcome = Outcome.PASSED
            message = ""
            for result in case.result:
                text = (result.message or "") + ("\n" + result.text if result.text else "")
                if isinstance(result, Error):
                    outcome, message = Outcome.ERROR, text
                elif isinstance(result, Failure) and outcome != Outcome.ERROR:
                    outcome, message = Outcome.FAILED, text
                elif isinstance(result, Skipped) and outcome == Outcome.PASSED:
                    outcome, message = Outcome.SKIPPED, text
            cases.append(
                Case(
                    classname=case.classname or "",
                    name=case.name or "",
                    outcome=outcome,
                    message=message.strip()[:4000],
                )
            )
    return cases


def mangle(nodeid: str) -> tuple[str, str]:
    """The (classname, name) pytest's junitxml writes for a node id (xunit1 and xunit2 alike).

    As pytest does, parameters are taken off first: ``test_host[::1]`` is one name.
    """
    address, bracket, params = nodeid.partition("[")
    path, _, rest = address.partition("::")
    names = rest.split("::") if rest else [""]
    names[-1] += bracket + params
    module = path[:-3] if path.endswith(".py") else path
    classname = ".".join([module.replace("/", "."), *names[:-1]])
    return classname, names[-1]
