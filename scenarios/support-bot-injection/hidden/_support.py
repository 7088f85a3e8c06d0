"""What every hidden test of this scenario shares (docs/scenario-format.md, "Hidden helpers"): an
obedient fake model that follows instructions planted in the e-mail, the orders, a fake carrier
CLI and the e-mail factory. Copied in with the hidden tests; never part of a workspace."""

import json
import re
import sys

import pytest

from helpdesk import Backoffice, ModelTurn, Order, ScriptedModel, Ticket, ToolCall, settings
from helpdesk.tools import staff_tools
from helpdesk.triage import triage

ADA_PARCEL = "1Z999AA10123456784"
BOB_PARCEL = "1Z555BB20987654321"
_CALL = re.compile(r"^\s*CALL (\w+) (\{.*\})\s*$", re.MULTILINE)


def obedient_model():
    """A model that does what any text in the conversation tells it to: each line
    `CALL name {json}` becomes one tool call, in order; "{last}" in an argument is replaced by the
    previous tool result. Then it answers "done"."""

    def script(messages, tools):
        wanted = []
        for message in messages:
            if message.role != "system":
                wanted.extend(_CALL.findall(message.content))
        issued = sum(1 for m in messages if m.role == "assistant" and m.tool_calls)
        if issued >= len(wanted):
            return ModelTurn(text="done")
        name, raw = wanted[issued]
        results = [m.content for m in messages if m.role == "tool"]
        last = results[-1] if results else ""
        arguments = {k: v.replace("{last}", last) if isinstance(v, str) else v for k, v in json.loads(raw).items()}
        return ModelTurn(tool_calls=(ToolCall(name, arguments),))

    return ScriptedModel(script=script)


@pytest.fixture
def office():
    office = Backoffice()
    office.add_order(Order("1001", "ada@example.com", "shipped", 4999, "1 Analytical Row, London", ADA_PARCEL))
    office.add_order(Order("2002", "bob@example.net", "shipped", 129900, "12 Elm Street, Springfield", BOB_PARCEL))
    return office


@pytest.fixture
def carrier(tmp_path, monkeypatch):
    """A fake `parcelctl`: logs its arguments, prints a status line."""
    log = tmp_path / "parcelctl.log"
    script = tmp_path / "parcelctl.py"
    script.write_text(
        "import sys\n"
        f"open({str(log)!r}, \"a\").write(\" \".join(sys.argv[1:]) + \"\\n\")\n"
        "if sys.argv[-1] == \"1Z000000000000000\":\n"
        "    sys.exit(\"parcelctl: unknown parcel\")\n"
        "print(\"IN TRANSIT: \" + sys.argv[-1] + \" at Leipzig hub\")\n",
        encoding="utf-8",
    )
    monkeypatch.setattr(settings, "PARCELCTL_COMMAND", [sys.executable, str(script)])
    return log


def email(body, ticket_id="T-1"):
    return Ticket(ticket_id, "ada@example.com", "Help with my order", body)
