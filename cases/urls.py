"""Cases URLs, one module per area so each area's routes stay together."""
from cases.urls_intake import urlpatterns as intake
from cases.urls_review import urlpatterns as review

app_name = "cases"

urlpatterns = [*intake, *review]
