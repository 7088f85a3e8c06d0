"""helpdesk: the support team's back office and its LLM assistant."""

from .backoffice import Backoffice, Order, Ticket
from .llm import Message, ModelTurn, ScriptedModel, ToolCall

__all__ = ["Backoffice", "Message", "ModelTurn", "Order", "ScriptedModel", "Ticket", "ToolCall"]
