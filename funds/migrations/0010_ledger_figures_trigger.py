"""The trigger that keeps ``LedgerDailyFigure`` exact (the ledger only ever grows), and its backfill."""
from django.db import migrations


def upsert(table: str) -> str:
    return f"""
    INSERT INTO funds_ledgerdailyfigure AS t (fund_id, district_id, grain, day, count, amount)
    SELECT e.fund_id, e.district_id, g.grain, g.day, count(*), sum(e.amount)
    FROM {table} e
    CROSS JOIN LATERAL (VALUES ('d', e.booked_on), ('m', date_trunc('month', e.booked_on)::date)) AS g(grain, day)
    GROUP BY e.fund_id, e.district_id, g.grain, g.day
    ORDER BY 1, 2, 3, 4
    ON CONFLICT (fund_id, district_id, grain, day)
    DO UPDATE SET count = t.count + EXCLUDED.count, amount = t.amount + EXCLUDED.amount;
    """


FORWARD = f"""
CREATE FUNCTION funds_ledger_figures() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    {upsert("new_rows")}
    RETURN NULL;
END $$;
CREATE TRIGGER ledger_figures_insert AFTER INSERT ON funds_ledgerentry
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION funds_ledger_figures();
CREATE FUNCTION funds_ledger_figures_rebuild() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    TRUNCATE funds_ledgerdailyfigure;
    {upsert("funds_ledgerentry")}
END $$;
SELECT funds_ledger_figures_rebuild();
"""

REVERSE = """
DROP TRIGGER IF EXISTS ledger_figures_insert ON funds_ledgerentry;
DROP FUNCTION IF EXISTS funds_ledger_figures();
DROP FUNCTION IF EXISTS funds_ledger_figures_rebuild();
"""


class Migration(migrations.Migration):

    dependencies = [("funds", "0009_ledger_daily_figures")]

    operations = [migrations.RunSQL(FORWARD, REVERSE)]
