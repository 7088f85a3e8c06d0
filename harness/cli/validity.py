"""Placeholder: filled in by issue 18 work."""

COMMANDS: tuple[object, ...] = ()
