"""Households URLs, one module per part: the file (urls_file.py) and the recurring cycles."""
from households.urls_cycles import urlpatterns as cycles
from households.urls_file import urlpatterns as file

app_name = "households"

urlpatterns = [*file, *cycles]
