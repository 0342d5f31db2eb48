"""Forms and filters of households, one module per area (file, batches, plan, review, roster)."""
