"""The chat-model interface the assistant uses, and a scripted model for tests and demos.

Production wires in the vendor client (deployed separately); everything here talks to the
``ModelClient`` protocol only.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol


@dataclass(frozen=True)
class ToolCall:
    name: str
    arguments: dict[str, Any]


@dataclass(frozen=True)
class Message:
    """``role`` is system, user, assistant or tool. A tool message answers one tool call."""

    role: str
    content: str
    tool_calls: tuple[ToolCall, ...] = ()


@dataclass(frozen=True)
class ModelTurn:
    """What the model answered: text, and the tools it wants called (none when it is done)."""

    text: str = ""
    tool_calls: tuple[ToolCall, ...] = ()


class ModelClient(Protocol):
    def complete(self, messages: Sequence[Message], tools: Sequence[dict[str, Any]]) -> ModelTurn: ...


Script = Callable[[Sequence[Message], Sequence[dict[str, Any]]], ModelTurn]


@dataclass
class ScriptedModel:
    """A fake model: answers with ``turns`` in order, or asks ``script`` what to answer.

    Records every request (messages and tool specs) in ``requests``.
    """

    turns: list[ModelTurn] = field(default_factory=list)
    script: Script | None = None
    requests: list[tuple[list[Message], list[dict[str, Any]]]] = field(default_factory=list)

    def complete(self, messages: Sequence[Message], tools: Sequence[dict[str, Any]]) -> ModelTurn:
        self.requests.append((list(messages), list(tools)))
        if self.script is not None:
            return self.script(messages, tools)
        if not self.turns:
            return ModelTurn(text="(no more scripted turns)")
        return self.turns.pop(0)
