"""Cases navigation, gathered from each area's nav list."""
from importlib import import_module

NAV_ITEMS: list = []
for _area in ("intake", "review", "payouts"):
    try:
        NAV_ITEMS += import_module(f"cases.nav_{_area}").NAV_ITEMS
    except ModuleNotFoundError as exc:
        if exc.name != f"cases.nav_{_area}":
            raise
