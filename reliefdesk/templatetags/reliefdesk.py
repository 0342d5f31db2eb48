from __future__ import annotations

from django import template

from reliefdesk.badges import member_badges as gather_member_badges
from reliefdesk.masking import mask_card, mask_id_number, mask_name
from reliefdesk.money import format_money

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


@register.filter
def money(value):
    if value is None or value == "":
        return "—"
    return format_money(value)


register.filter("mask_id", mask_id_number)
register.filter("mask_name", mask_name)
register.filter("mask_card", mask_card)


@register.inclusion_tag("includes/member_badges.html", takes_context=True)
def member_badges(context, *id_numbers):
    """The badges other apps registered for these people (reliefdesk.badges), as the page's user may see them."""
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    return {"badges": gather_member_badges(user=user, id_numbers=id_numbers)}
