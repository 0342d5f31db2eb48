from __future__ import annotations

from django import template

from households.selectors.file import causes_text

register = template.Library()

# ["illness", "schooling"] → 因病、因学
register.filter("causes", causes_text)
