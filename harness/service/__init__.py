"""``dsim serve``: the web pages and the /api/v1 JSON API for candidates, assessors and hiring.

May import every stage below it and :mod:`harness.queue` (to hand submissions to grading). It
never runs candidate code: grading happens in worker processes.
"""
