"""The built-in scenario library, shipped as package data (each sub-folder is one scenario)."""
