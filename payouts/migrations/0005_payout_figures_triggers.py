"""The triggers that keep ``PayoutDailyFigure`` exact, and its backfill."""
from django.db import migrations

KEY = "grain, day, district_id, station_id, fund_id, category_id, figure, days"
PAID = "p.status = 'paid' AND p.paid_on IS NOT NULL"
PAYOUT_COLUMNS = "p.district_id, p.station_id, p.fund_id, p.paid_on, p.amount"


def dynamic(statement: str, into: str = "") -> str:
    """``statement`` run with EXECUTE, so it is planned for the rows at hand: a plan cached for a one-row
    statement would scan a transition table of thousands of rows once per row."""
    return f"EXECUTE $q${statement.strip().rstrip(';')}$q${f' INTO {into}' if into else ''};"


def upsert(versions: str) -> str:
    """Add ``sign`` times each paid payout version (its keys, paid_on, amount, the case's category and
    submission)."""
    return f"""
    WITH v AS ({versions}),
    r AS (
        SELECT v.paid_on AS day, v.district_id, v.station_id, v.fund_id, v.category_id, 'paid' AS figure,
               NULL::integer AS days, v.sign AS n, v.sign * v.amount AS amount
        FROM v
        UNION ALL
        SELECT v.paid_on, v.district_id, v.station_id, v.fund_id, NULL, 'days',
               v.paid_on - (v.submitted_at AT TIME ZONE 'Asia/Shanghai')::date, v.sign, 0
        FROM v WHERE v.submitted_at IS NOT NULL
    )
    INSERT INTO payouts_payoutdailyfigure AS t ({KEY}, count, amount)
    SELECT g.grain, g.day, r.district_id, r.station_id, r.fund_id, r.category_id, r.figure, r.days, sum(r.n),
           sum(r.amount)
    FROM r CROSS JOIN LATERAL (VALUES ('d', r.day), ('m', date_trunc('month', r.day)::date)) AS g(grain, day)
    GROUP BY g.grain, g.day, r.district_id, r.station_id, r.fund_id, r.category_id, r.figure, r.days
    HAVING sum(r.n) <> 0 OR sum(r.amount) <> 0
    ORDER BY 1, 2, 3, 4, 5, 6, 7, 8
    ON CONFLICT ({KEY}) DO UPDATE SET count = t.count + EXCLUDED.count, amount = t.amount + EXCLUDED.amount;
    """


def payouts_of(table: str, sign: int) -> str:
    return (f"SELECT {PAYOUT_COLUMNS}, a.category_id, a.submitted_at, {sign} AS sign "
            f"FROM {table} p LEFT JOIN cases_application a ON a.id = p.application_id WHERE {PAID}")


PAYOUT_CHANGED = ("(o.status, o.paid_on, o.amount, o.district_id, o.station_id, o.fund_id, o.application_id) "
                  "IS DISTINCT FROM (n.status, n.paid_on, n.amount, n.district_id, n.station_id, n.fund_id, "
                  "n.application_id)")

PAYOUT_FUNCTION = f"""
CREATE FUNCTION payouts_payout_figures() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        {dynamic(upsert(payouts_of("new_rows", 1)))}
    ELSIF TG_OP = 'DELETE' THEN
        {dynamic(upsert(payouts_of("old_rows", -1)))}
    ELSE
        {dynamic(upsert(f'''
            SELECT {PAYOUT_COLUMNS}, a.category_id, a.submitted_at, -1 AS sign
            FROM old_rows p JOIN new_rows n ON n.id = p.id LEFT JOIN cases_application a ON a.id = p.application_id
            WHERE {PAID} AND {PAYOUT_CHANGED.replace("o.", "p.")}
            UNION ALL
            SELECT {PAYOUT_COLUMNS}, a.category_id, a.submitted_at, 1
            FROM new_rows p JOIN old_rows o ON o.id = p.id LEFT JOIN cases_application a ON a.id = p.application_id
            WHERE {PAID} AND {PAYOUT_CHANGED.replace("n.", "p.")}'''))}
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER payout_figures_insert AFTER INSERT ON cases_payout
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION payouts_payout_figures();
CREATE TRIGGER payout_figures_update AFTER UPDATE ON cases_payout
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION payouts_payout_figures();
CREATE TRIGGER payout_figures_delete AFTER DELETE ON cases_payout
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION payouts_payout_figures();
"""

# A case's category or submission moves the figures of its paid payouts.
CASE_CHANGED = "(o.category_id, o.submitted_at) IS DISTINCT FROM (n.category_id, n.submitted_at)"
APPLICATION_FUNCTION = f"""
CREATE FUNCTION payouts_application_figures() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    changed boolean;
BEGIN
    {dynamic(f"SELECT EXISTS (SELECT 1 FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE {CASE_CHANGED})",
             into="changed")}
    IF NOT changed THEN
        RETURN NULL;
    END IF;
    {dynamic(upsert(f'''
        SELECT {PAYOUT_COLUMNS}, o.category_id, o.submitted_at, -1 AS sign
        FROM old_rows o JOIN new_rows n ON n.id = o.id JOIN cases_payout p ON p.application_id = o.id
        WHERE {PAID} AND {CASE_CHANGED}
        UNION ALL
        SELECT {PAYOUT_COLUMNS}, n.category_id, n.submitted_at, 1
        FROM old_rows o JOIN new_rows n ON n.id = o.id JOIN cases_payout p ON p.application_id = n.id
        WHERE {PAID} AND {CASE_CHANGED}'''))}
    RETURN NULL;
END $$;
CREATE TRIGGER payout_figures_application AFTER UPDATE ON cases_application
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT
    EXECUTE FUNCTION payouts_application_figures();
"""

REBUILD_FUNCTION = f"""
CREATE FUNCTION payouts_payout_figures_rebuild() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    TRUNCATE payouts_payoutdailyfigure;
    {upsert(payouts_of("cases_payout", 1))}
END $$;
SELECT payouts_payout_figures_rebuild();
"""

REVERSE = """
DROP TRIGGER IF EXISTS payout_figures_application ON cases_application;
DROP TRIGGER IF EXISTS payout_figures_insert ON cases_payout;
DROP TRIGGER IF EXISTS payout_figures_update ON cases_payout;
DROP TRIGGER IF EXISTS payout_figures_delete ON cases_payout;
DROP FUNCTION IF EXISTS payouts_application_figures();
DROP FUNCTION IF EXISTS payouts_payout_figures();
DROP FUNCTION IF EXISTS payouts_payout_figures_rebuild();
"""


class Migration(migrations.Migration):

    dependencies = [
        ("payouts", "0004_payout_daily_figures"),
        ("cases", "0016_application_figures_triggers"),
    ]

    operations = [
        migrations.RunSQL(PAYOUT_FUNCTION + APPLICATION_FUNCTION + REBUILD_FUNCTION, REVERSE),
    ]
