"""The triggers that keep ``PayoutDailyFigure`` exact, and its backfill."""
from django.db import migrations

KEY = "grain, day, district_id, station_id, fund_id, category_id, figure, days"
PAID = "p.status = 'paid' AND p.paid_on IS NOT NULL"
PAYOUT_COLUMNS = "p.district_id, p.station_id, p.fund_id, p.paid_on, p.amount"
# The payout's own category (an application's, or a recurring programme's), the case's for an older row.
CATEGORY = "COALESCE(p.aid_category_id, a.category_id) AS category_id"


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
    return (f"SELECT {PAYOUT_COLUMNS}, {CATEGORY}, a.submitted_at, {sign} AS sign "
            f"FROM {table} p LEFT JOIN cases_application a ON a.id = p.application_id WHERE {PAID}")


# The paid versions an UPDATE changed, grouped (old ones taken away, new ones added) rather than old and new
# rows joined by id, which the planner would do as a nested loop over the two transition tables.
VERSION_COLUMNS = "id, district_id, station_id, fund_id, paid_on, amount, application_id, aid_category_id"
CHANGED_VERSIONS = f"""
    SELECT {PAYOUT_COLUMNS}, {CATEGORY}, a.submitted_at, p.sign
    FROM (SELECT {VERSION_COLUMNS}, sum(sign)::integer AS sign
          FROM (SELECT {VERSION_COLUMNS}, -1 AS sign FROM old_rows p WHERE {PAID}
                UNION ALL SELECT {VERSION_COLUMNS}, 1 FROM new_rows p WHERE {PAID}) AS x
          GROUP BY {VERSION_COLUMNS} HAVING sum(sign) <> 0) AS p
    LEFT JOIN cases_application a ON a.id = p.application_id"""

PAYOUT_FUNCTION = f"""
CREATE FUNCTION payouts_payout_figures() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        {dynamic(upsert(payouts_of("new_rows", 1)))}
    ELSIF TG_OP = 'DELETE' THEN
        {dynamic(upsert(payouts_of("old_rows", -1)))}
    ELSE
        {dynamic(upsert(CHANGED_VERSIONS))}
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

# A case's category or submission moves the figures of its paid payouts: the cases' changed versions,
# grouped (old ones taken away, new ones added) rather than old and new rows joined by id, which the planner
# would do as a nested loop over the two transition tables.
CASE_VERSIONS = """
    SELECT id, category_id, submitted_at, sum(sign)::integer AS sign
    FROM (SELECT id, category_id, submitted_at, -1 AS sign FROM old_rows
          UNION ALL SELECT id, category_id, submitted_at, 1 FROM new_rows) AS x
    GROUP BY id, category_id, submitted_at HAVING sum(sign) <> 0"""
APPLICATION_FUNCTION = f"""
CREATE FUNCTION payouts_application_figures() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    {dynamic(upsert(f'''
        SELECT {PAYOUT_COLUMNS}, COALESCE(p.aid_category_id, c.category_id) AS category_id, c.submitted_at, c.sign
        FROM ({CASE_VERSIONS}) AS c JOIN cases_payout p ON p.application_id = c.id
        WHERE {PAID}'''))}
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
        ("payouts", "0007_payout_daily_figures"),
        ("cases", "0017_application_figures_triggers"),
    ]

    operations = [
        migrations.RunSQL(PAYOUT_FUNCTION + APPLICATION_FUNCTION + REBUILD_FUNCTION, REVERSE),
    ]
