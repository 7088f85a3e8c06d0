"""The candidate's side: start a workspace (a git baseline), parse REVIEW.md, submit a change.

May import harness.scenarios and harness.store. Hidden tests never touch a workspace.
"""
