"""Cohort evidence: whether the test can be defended (issue 18).

Item analysis and reliability (is it consistent, which items pull their weight), adverse impact
(is it fair across self-reported groups) and predictive validity (does it predict delivery), all
computed over the whole cohort from scoring's posterior and the stored verdicts. Layer: above
scoring and integrity, below reports (which render the cohort report); may import scoring,
scenarios, the store and harness.result.
"""
