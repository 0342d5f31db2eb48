"""The triggers that keep ``ApplicationDailyFigure`` exact, and its backfill.

Statement-level triggers with transition tables: a batch approved, a COPY or a set-based UPDATE adds
its figures in one grouped upsert, whatever the number of rows. Every upsert of the summaries takes
its rows in key order, so two transactions touching the same days lock them in the same order and
wait for each other rather than deadlock.
"""
from django.db import migrations

# The history codes of each figure, the present-tense ones stored before the rename included
# (reliefdesk.history.action_codes at the time of this migration).
FIGURE_ACTIONS = {
    "verified": ("application.verified", "application.verify"),
    "approved": ("application.approved", "application.approve"),
    "rejected": ("application.rejected", "application.reject"),
    "returned": ("application.returned", "application.return"),
    "withdrawn": ("application.withdrawn", "application.withdraw"),
}
FIGURE_MAP = "(VALUES {}) AS m(action, figure)".format(
    ", ".join(f"('{code}', '{figure}')" for figure, codes in FIGURE_ACTIONS.items() for code in codes))
APPLICATION_TYPE = "(SELECT id FROM django_content_type WHERE app_label = 'cases' AND model = 'application')"
KEY = "grain, day, district_id, station_id, fund_id, category_id, figure, since"


def dynamic(statement: str, into: str = "") -> str:
    """``statement`` run with EXECUTE, so it is planned for the rows at hand: a plan cached for a one-row
    statement would scan a transition table of thousands of rows once per row."""
    return f"EXECUTE $q${statement.strip().rstrip(';')}$q${f' INTO {into}' if into else ''};"


def beijing_day(column: str) -> str:
    return f"(({column}) AT TIME ZONE 'Asia/Shanghai')::date"


def upsert(versions: str, *, events: str) -> str:
    """Add ``sign`` times the figures of each version of a case (id, its four keys, submitted_at, sign).

    ``events`` is the condition under which a version's history counts too (its keys changed).
    A case's events of one figure are ordered by time; each one after the first also writes the
    correction row dated by the one before it (see the model).
    """
    return f"""
    WITH v AS ({versions}),
    ev AS (
        SELECT h.object_id AS app_id, m.figure, {beijing_day('h.created_at')} AS day,
               lag({beijing_day('h.created_at')}) OVER (PARTITION BY h.object_id, m.figure
                                                        ORDER BY h.created_at, h.id) AS prev
        FROM reliefdesk_historyevent h JOIN {FIGURE_MAP} ON m.action = h.action
        WHERE h.content_type_id = {APPLICATION_TYPE}
          AND h.object_id IN (SELECT id FROM v WHERE {events})
    ),
    r AS (
        SELECT v.district_id, v.station_id, v.fund_id, v.category_id, 'received' AS figure,
               {beijing_day('v.submitted_at')} AS day, NULL::date AS since, v.sign AS n
        FROM v WHERE v.submitted_at IS NOT NULL
        UNION ALL
        SELECT v.district_id, v.station_id, v.fund_id, v.category_id, e.figure, e.day, NULL::date, v.sign
        FROM v JOIN ev e ON e.app_id = v.id WHERE {events}
        UNION ALL
        SELECT v.district_id, v.station_id, v.fund_id, v.category_id, e.figure, e.day, e.prev, v.sign
        FROM v JOIN ev e ON e.app_id = v.id WHERE ({events}) AND e.prev IS NOT NULL
    )
    INSERT INTO cases_applicationdailyfigure AS t ({KEY}, count)
    SELECT g.grain, g.day, r.district_id, r.station_id, r.fund_id, r.category_id, r.figure, r.since, sum(r.n)
    FROM r CROSS JOIN LATERAL (VALUES ('d', r.day), ('m', date_trunc('month', r.day)::date)) AS g(grain, day)
    GROUP BY g.grain, g.day, r.district_id, r.station_id, r.fund_id, r.category_id, r.figure, r.since
    HAVING sum(r.n) <> 0
    ORDER BY 1, 2, 3, 4, 5, 6, 7, 8
    ON CONFLICT ({KEY}) DO UPDATE SET count = t.count + EXCLUDED.count;
    """


COLUMNS = "id, district_id, station_id, fund_id, category_id, submitted_at"
# The versions of the cases an UPDATE changed where the figures look (submission, district, station, fund,
# category): each old one taken away, each new one added; a case whose four keys stay cancels its history
# out. Grouped rather than old and new rows joined by id: the planner would join the two transition tables
# as a nested loop.
CHANGED_VERSIONS = f"""
    SELECT {COLUMNS}, sum(sign)::integer AS sign, true AS moved
    FROM (SELECT {COLUMNS}, -1 AS sign FROM old_rows UNION ALL SELECT {COLUMNS}, 1 FROM new_rows) AS x
    GROUP BY {COLUMNS} HAVING sum(sign) <> 0"""

APPLICATION_FUNCTION = f"""
CREATE FUNCTION cases_application_figures() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        {dynamic(upsert(f"SELECT {COLUMNS}, 1 AS sign, false AS moved FROM new_rows", events="v.moved"))}
    ELSIF TG_OP = 'DELETE' THEN
        {dynamic(upsert(f"SELECT {COLUMNS}, -1 AS sign, true AS moved FROM old_rows", events="v.moved"))}
    ELSE
        {dynamic(upsert(CHANGED_VERSIONS, events="v.moved"))}
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER application_figures_insert AFTER INSERT ON cases_application
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION cases_application_figures();
CREATE TRIGGER application_figures_update AFTER UPDATE ON cases_application
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION cases_application_figures();
CREATE TRIGGER application_figures_delete AFTER DELETE ON cases_application
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION cases_application_figures();
"""

HISTORY_UPSERT = f"""
    WITH touched AS (
        SELECT DISTINCT n.object_id, m.figure FROM new_rows n JOIN {FIGURE_MAP} ON m.action = n.action
        WHERE n.content_type_id = {APPLICATION_TYPE}
    ),
    base AS (
        -- A join, not "h.id IN (SELECT id FROM new_rows)" in the select list: with many new rows that
        -- is planned as a scan of the new rows for every history row.
        SELECT h.id, h.object_id AS app_id, m.figure, h.created_at, {beijing_day('h.created_at')} AS day,
               fresh.id IS NOT NULL AS is_new
        FROM reliefdesk_historyevent h JOIN {FIGURE_MAP} ON m.action = h.action
        JOIN touched ON touched.object_id = h.object_id AND touched.figure = m.figure
        LEFT JOIN new_rows fresh ON fresh.id = h.id
        WHERE h.content_type_id = {APPLICATION_TYPE}
    ),
    after_ AS (
        SELECT app_id, figure, day, lag(day) OVER (PARTITION BY app_id, figure ORDER BY created_at, id) AS prev
        FROM base
    ),
    before_ AS (
        SELECT app_id, figure, day, lag(day) OVER (PARTITION BY app_id, figure ORDER BY created_at, id) AS prev
        FROM base WHERE NOT is_new
    ),
    r AS (
        SELECT app_id, figure, day, NULL::date AS since, 1 AS n FROM after_
        UNION ALL SELECT app_id, figure, day, prev, 1 FROM after_ WHERE prev IS NOT NULL
        UNION ALL SELECT app_id, figure, day, NULL::date, -1 FROM before_
        UNION ALL SELECT app_id, figure, day, prev, -1 FROM before_ WHERE prev IS NOT NULL
    )
    INSERT INTO cases_applicationdailyfigure AS t ({KEY}, count)
    SELECT g.grain, g.day, a.district_id, a.station_id, a.fund_id, a.category_id, r.figure, r.since, sum(r.n)
    FROM r JOIN cases_application a ON a.id = r.app_id
    CROSS JOIN LATERAL (VALUES ('d', r.day), ('m', date_trunc('month', r.day)::date)) AS g(grain, day)
    GROUP BY g.grain, g.day, a.district_id, a.station_id, a.fund_id, a.category_id, r.figure, r.since
    HAVING sum(r.n) <> 0
    ORDER BY 1, 2, 3, 4, 5, 6, 7, 8
    ON CONFLICT ({KEY}) DO UPDATE SET count = t.count + EXCLUDED.count;
"""

# A new history row of a figure: the case's rows of that figure are taken away as they were without the new
# rows and added as they are with them (an event written out of order moves its neighbours' corrections).
HISTORY_COUNTED = (f"SELECT EXISTS (SELECT 1 FROM new_rows n JOIN {FIGURE_MAP} ON m.action = n.action "
                   f"WHERE n.content_type_id = {APPLICATION_TYPE})")
HISTORY_FUNCTION = f"""
CREATE FUNCTION cases_history_figures() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    counted boolean;
BEGIN
    {dynamic(HISTORY_COUNTED, into="counted")}
    IF NOT counted THEN
        RETURN NULL;
    END IF;
    {dynamic(HISTORY_UPSERT)}
    RETURN NULL;
END $$;
CREATE TRIGGER history_application_figures AFTER INSERT ON reliefdesk_historyevent
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION cases_history_figures();
"""

# Every figure from scratch: the backfill, and what a bulk load that bypassed the triggers runs afterwards.
REBUILD_FUNCTION = f"""
CREATE FUNCTION cases_application_figures_rebuild() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    TRUNCATE cases_applicationdailyfigure;
    {upsert(f"SELECT {COLUMNS}, 1 AS sign, true AS moved FROM cases_application", events="v.moved")}
END $$;
SELECT cases_application_figures_rebuild();
"""

REVERSE = """
DROP TRIGGER IF EXISTS history_application_figures ON reliefdesk_historyevent;
DROP TRIGGER IF EXISTS application_figures_insert ON cases_application;
DROP TRIGGER IF EXISTS application_figures_update ON cases_application;
DROP TRIGGER IF EXISTS application_figures_delete ON cases_application;
DROP FUNCTION IF EXISTS cases_history_figures();
DROP FUNCTION IF EXISTS cases_application_figures();
DROP FUNCTION IF EXISTS cases_application_figures_rebuild();
"""



class Migration(migrations.Migration):

    dependencies = [
        ("cases", "0016_application_daily_figures"),
        ("reliefdesk", "0008_gap_free_counter"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunSQL(APPLICATION_FUNCTION + HISTORY_FUNCTION + REBUILD_FUNCTION, REVERSE),
    ]
