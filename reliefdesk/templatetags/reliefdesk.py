from __future__ import annotations

from django import template
from django.utils.safestring import mark_safe

from reliefdesk.masking import mask_card, mask_id_number, mask_name
from reliefdesk.money import format_money
from reliefdesk.panels import panels_for

register = template.Library()


@register.simple_tag(takes_context=True)
def query_replace(context, **kwargs):
    """The current query string with some parameters replaced (pagination, sorting)."""
    query = context["request"].GET.copy()
    for key, value in kwargs.items():
        if value is None:
            query.pop(key, None)
        else:
            query[key] = value
    return query.urlencode()


@register.simple_tag(takes_context=True)
def query_page(context, param, number):
    """The current query string with page parameter ``param`` (``page`` when empty) set to ``number``.

    A page that shows two paginated lists names each list's page parameter.
    """
    query = context["request"].GET.copy()
    query[param or "page"] = number
    return query.urlencode()


@register.filter
def money(value):
    if value is None or value == "":
        return "—"
    return format_money(value)


register.filter("mask_id", mask_id_number)
register.filter("mask_name", mask_name)
register.filter("mask_card", mask_card)


@register.simple_tag(takes_context=True)
def page_panels(context, page: str, subject):
    """The panels other apps registered for ``page`` (reliefdesk.panels), inline: a badge beside a name."""
    rendered = panels_for(page, request=context.get("request"), subject=subject)
    return mark_safe("".join(panel.html for panel in rendered))  # noqa: S308 - each was rendered by its template
