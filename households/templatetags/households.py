from __future__ import annotations

from django import template

from households.selectors.file import causes_text

register = template.Library()

# ["illness", "schooling"] → 因病、因学
register.filter("causes", causes_text)


@register.filter
def school_levels(codes) -> str:
    """["senior", "college"] → 高中·职高·中专·技校、大学专科"""
    from households.models import SchoolLevel

    labels = dict(SchoolLevel.choices)
    return "、".join(str(labels.get(code, code)) for code in codes or [])
