"""Household pages, one module per area (file, batches, plan, review, roster)."""
