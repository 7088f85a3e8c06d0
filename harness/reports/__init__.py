"""Reports: assessor and candidate HTML pages, the comparison page and exports (JSON, CSV, JUnit).

Everything shown is built from scoring's results and the typed grading result. May import
scoring, harness.result, scenarios and the store; nothing imports reports but the CLI.
"""
