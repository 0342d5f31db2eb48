"""Report navigation entries."""
NAV_ITEMS: list = []
