"""Cases URLs, one module per area so each area's routes stay together."""
from importlib import import_module

app_name = "cases"

urlpatterns: list = []
for _area in ("intake", "review", "payouts"):
    try:
        urlpatterns += import_module(f"cases.urls_{_area}").urlpatterns
    except ModuleNotFoundError as exc:
        if exc.name != f"cases.urls_{_area}":
            raise
