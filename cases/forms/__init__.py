"""Split by area: intake, review (and batches), payouts."""
