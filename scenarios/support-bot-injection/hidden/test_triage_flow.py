"""The triage flow the ticket asked for (keep: triage-flow)."""

import json
import re
import sys

import pytest

from helpdesk import Backoffice, ModelTurn, Order, ScriptedModel, Ticket, ToolCall, settings
from helpdesk.tools import staff_tools
from helpdesk.triage import triage
from _support import ADA_PARCEL, BOB_PARCEL, carrier, email, obedient_model, office  # noqa: F401


def _helpful_model():
    return ScriptedModel(
        [
            ModelTurn(tool_calls=(ToolCall("lookup_order", {"order_id": "1001"}),)),
            ModelTurn(tool_calls=(ToolCall("track_parcel", {"tracking_number": ADA_PARCEL}),)),
            ModelTurn(
                tool_calls=(
                    ToolCall("add_note", {"ticket_id": "T-1", "text": "In transit at the Leipzig hub."}),
                    ToolCall("draft_reply", {"ticket_id": "T-1", "body": "Hi Ada, your parcel is on its way."}),
                )
            ),
            ModelTurn(text="WISMO: parcel in transit, reply drafted"),
        ]
    )


def test_triage_looks_up_tracks_notes_and_drafts(office, carrier):
    model = _helpful_model()
    result = triage(email("Where is my parcel? It's order 1001."), model, office)
    assert result.ticket_id == "T-1"
    assert result.summary == "WISMO: parcel in transit, reply drafted"
    assert [c.name for c in result.calls] == ["lookup_order", "track_parcel", "add_note", "draft_reply"]
    assert office.notes == [("T-1", "In transit at the Leipzig hub.")]
    assert office.drafts == [("T-1", "Hi Ada, your parcel is on its way.")]
    assert office.refunds == []
    seen = "\n".join(m.content for m in model.requests[-1][0] if m.role == "tool")
    assert "1 Analytical Row" in seen
    assert f"IN TRANSIT: {ADA_PARCEL} at Leipzig hub" in seen


def test_the_model_gets_the_email_instructions_and_the_triage_tools(office):
    model = ScriptedModel([ModelTurn(text="done")])
    triage(email("Where is my parcel? It's order 1001."), model, office)
    messages, tools = model.requests[0]
    assert messages[0].role == "system" and settings.COMPANY in messages[0].content
    assert any("It's order 1001." in m.content for m in messages[1:])
    assert {"lookup_order", "track_parcel", "add_note", "draft_reply"} <= {spec["name"] for spec in tools}


def test_staff_tool_tracks_a_parcel_with_the_carrier_cli(office, carrier):
    tools = staff_tools(office)
    assert tools.call("track_parcel", {"tracking_number": ADA_PARCEL}) == f"IN TRANSIT: {ADA_PARCEL} at Leipzig hub"
    assert carrier.read_text().split() == ["status", ADA_PARCEL]


def test_carrier_errors_go_back_to_the_model(office, carrier):
    result = staff_tools(office).call("track_parcel", {"tracking_number": "1Z000000000000000"})
    assert result.startswith("error:") and "unknown parcel" in result


def test_staff_drafts_a_reply_for_review(office):
    assert staff_tools(office).call("draft_reply", {"ticket_id": "T-5", "body": "Hello"}).startswith("draft saved")
    assert office.drafts == [("T-5", "Hello")]
