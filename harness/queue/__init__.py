"""Grading jobs: enqueue submissions, and workers that claim and grade them (``dsim worker``).

Embedded (no broker): workers poll the store's ``jobs`` table. With a broker (Dramatiq on Redis
or RabbitMQ), one message per job. Either way a job is graded only by the worker that claimed it,
so every (submission, key) gets exactly one result.
"""
