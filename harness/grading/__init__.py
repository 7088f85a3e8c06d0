"""Grading: one typed result per submission, from hidden-test runs in a fresh sandbox each.

The typed result model every later stage reads is ``harness.result``; ``context`` is the one module
grader plugins (``graders/``) import; ``pipeline`` runs the graders and stores results; ``check``
proves a scenario sound with the same machinery. May import scenarios, workspace, store and the
``Backend`` interface (never a concrete backend).
"""
