"""Writes of households, one module per area: the file and its filing (filing.py, batches.py), the plan
(plan.py), the annual review and leaving hardship (review.py), the civil-affairs roster (roster.py)."""
