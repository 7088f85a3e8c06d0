"""The tool-use loop: ask the model, run the tools it asks for, repeat until it answers."""

from __future__ import annotations

from dataclasses import dataclass, field

from .llm import Message, ModelClient, ToolCall
from .tools import ToolRegistry


@dataclass
class AgentRun:
    """What happened: the final answer, every tool call made and the whole conversation."""

    answer: str = ""
    calls: list[ToolCall] = field(default_factory=list)
    messages: list[Message] = field(default_factory=list)


def run_agent(model: ModelClient, registry: ToolRegistry, messages: list[Message], *, max_steps: int = 8) -> AgentRun:
    """Run the conversation until the model stops calling tools, or ``max_steps`` model turns."""
    run = AgentRun(messages=list(messages))
    for _ in range(max_steps):
        turn = model.complete(run.messages, registry.specs())
        run.messages.append(Message("assistant", turn.text, turn.tool_calls))
        if not turn.tool_calls:
            run.answer = turn.text
            return run
        for call in turn.tool_calls:
            run.calls.append(call)
            run.messages.append(Message("tool", registry.call(call.name, dict(call.arguments))))
    run.answer = "(stopped: too many steps)"
    return run
