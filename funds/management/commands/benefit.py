"""Print the aid a case would get: `manage.py benefit shunyi medical --date 2022-03-01 --basis 62000`."""
from __future__ import annotations

import datetime as dt
from decimal import InvalidOperation

from django.core.management.base import BaseCommand, CommandError

from funds import engine
from funds.errors import NoRuleSetInForce
from funds.selectors import rule_set_in_force, rules_of
from reliefdesk.money import to_decimal
from reliefdesk.money import format_money


class Command(BaseCommand):
    help = ("Compute the aid of FUND (slug) and CATEGORY (code) on a date: the amount (or the range) on the first "
            "line, then the explanation.")

    def add_arguments(self, parser):
        parser.add_argument("fund", help="fund slug, e.g. shunyi")
        parser.add_argument("category", help="aid category code, e.g. medical")
        parser.add_argument("--date", required=True, help="event date YYYY-MM-DD (also taken as the submission date)")
        parser.add_argument("--basis", default=None, help="basis amount in yuan (self-paid or assessed loss)")
        parser.add_argument("--disease", default=None, help="disease code")
        parser.add_argument("--english", action="store_true", help="explain in English")

    def handle(self, *args, **options):
        try:
            on = dt.date.fromisoformat(options["date"])
        except ValueError as exc:
            raise CommandError(f"Invalid --date {options['date']!r}: use YYYY-MM-DD.") from exc
        basis = None
        if options["basis"] is not None:
            try:
                basis = to_decimal(options["basis"])
            except (InvalidOperation, ValueError) as exc:
                raise CommandError(f"Invalid --basis {options['basis']!r}: give an amount in yuan.") from exc
            if not basis.is_finite() or basis < 0:
                raise CommandError(f"Invalid --basis {options['basis']!r}: the amount cannot be negative.")
        try:
            rule_set = rule_set_in_force(fund=options["fund"], category=options["category"], on=on)
        except NoRuleSetInForce as exc:
            raise CommandError(str(exc)) from exc
        rules = rules_of(rule_set, on=on)
        if rules.basis != "none" and basis is None:
            raise CommandError(f"Rule set “{rule_set.version_name}” computes on an amount: give --basis.")
        result = engine.evaluate(rules, engine.Facts(basis_amount=basis, event_date=on, submission_date=on,
                                                     disease_code=options["disease"]))
        if not result.eligible:
            first = "not eligible"
        elif result.amount is None:
            first = f"range {format_money(result.range_min)}–{format_money(result.range_max)}"
        else:
            first = format_money(result.amount)
        self.stdout.write(first)
        self.stdout.write(result.explanation_en if options["english"] else result.explanation)
        self.stdout.write(f"({rule_set.fund.slug} · {rule_set.category.code} · {rule_set.version_name})")


__all__ = ["Command"]
