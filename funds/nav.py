"""Navigation entries."""
NAV_ITEMS: list = []
