"""The triggers that keep ``DonationDailyFigure`` exact, and its backfill."""
from django.db import migrations

KEY = "district_id, kind, grain, day, fund_id, campaign_id, unit"
COLUMNS = "d.district_id, d.fund_id, d.campaign_id, d.received_on, d.amount"
# The unit a donation is counted under, as reports.selectors.donations_by_unit names it.
UNIT = ("CASE WHEN {donor}.id IS NULL OR {donor}.kind = 'anonymous' THEN NULL "
        "ELSE COALESCE(NULLIF({donor}.unit_name, ''), {donor}.name) END")


def dynamic(statement: str, into: str = "") -> str:
    """``statement`` run with EXECUTE, so it is planned for the rows at hand: a plan cached for a one-row
    statement would scan a transition table of thousands of rows once per row."""
    return f"EXECUTE $q${statement.strip().rstrip(';')}$q${f' INTO {into}' if into else ''};"


def upsert(versions: str) -> str:
    """Add ``sign`` times each confirmed donation version (district, fund, campaign, day, amount, unit):
    a campaign row and a unit row, for the day and for the month."""
    return f"""
    WITH v AS ({versions})
    INSERT INTO donations_donationdailyfigure AS t ({KEY}, count, amount)
    SELECT v.district_id, k.kind, g.grain, g.day, v.fund_id, k.campaign_id, k.unit, sum(v.sign),
           sum(v.sign * v.amount)
    FROM v CROSS JOIN LATERAL (VALUES ('d', v.received_on), ('m', date_trunc('month', v.received_on)::date))
        AS g(grain, day)
    CROSS JOIN LATERAL (VALUES ('campaign', v.campaign_id, NULL), ('unit', NULL::bigint, v.unit)) AS k(kind, campaign_id, unit)
    GROUP BY v.district_id, k.kind, g.grain, g.day, v.fund_id, k.campaign_id, k.unit
    HAVING sum(v.sign) <> 0 OR sum(v.sign * v.amount) <> 0
    ORDER BY 1, 2, 3, 4, 5, 6, 7
    ON CONFLICT ({KEY}) DO UPDATE SET count = t.count + EXCLUDED.count, amount = t.amount + EXCLUDED.amount;
    """


def donations_of(table: str, sign: int) -> str:
    return (f"SELECT {COLUMNS}, {UNIT.format(donor='dn')} AS unit, {sign} AS sign "
            f"FROM {table} d LEFT JOIN donations_donor dn ON dn.id = d.donor_id WHERE d.status = 'confirmed'")


DONATION_FUNCTION = f"""
CREATE FUNCTION donations_donation_figures() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        {dynamic(upsert(donations_of("new_rows", 1)))}
    ELSIF TG_OP = 'DELETE' THEN
        {dynamic(upsert(donations_of("old_rows", -1)))}
    ELSE
        {dynamic(upsert(donations_of("old_rows", -1) + " UNION ALL " + donations_of("new_rows", 1)))}
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER donation_figures_insert AFTER INSERT ON donations_donation
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION donations_donation_figures();
CREATE TRIGGER donation_figures_update AFTER UPDATE ON donations_donation
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT
    EXECUTE FUNCTION donations_donation_figures();
CREATE TRIGGER donation_figures_delete AFTER DELETE ON donations_donation
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION donations_donation_figures();
"""

# A donor renamed, given another unit or made anonymous moves his confirmed donations to the new unit.
# (A count, not EXISTS, to find a changed donor: EXISTS is planned as a nested loop over the transition tables.)
UNIT_CHANGED = f"{UNIT.format(donor='o')} IS DISTINCT FROM {UNIT.format(donor='n')}"
DONOR_FUNCTION = f"""
CREATE FUNCTION donations_donor_figures() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    changed boolean;
BEGIN
    {dynamic(f"SELECT count(*) > 0 FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE {UNIT_CHANGED}",
             into="changed")}
    IF NOT changed THEN
        RETURN NULL;
    END IF;
    {dynamic(upsert(f'''
        SELECT {COLUMNS}, {UNIT.format(donor="o")} AS unit, -1 AS sign
        FROM old_rows o JOIN new_rows n ON n.id = o.id JOIN donations_donation d ON d.donor_id = o.id
        WHERE d.status = 'confirmed' AND {UNIT_CHANGED}
        UNION ALL
        SELECT {COLUMNS}, {UNIT.format(donor="n")}, 1
        FROM old_rows o JOIN new_rows n ON n.id = o.id JOIN donations_donation d ON d.donor_id = n.id
        WHERE d.status = 'confirmed' AND {UNIT_CHANGED}'''))}
    RETURN NULL;
END $$;
CREATE TRIGGER donor_figures_update AFTER UPDATE ON donations_donor
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT
    EXECUTE FUNCTION donations_donor_figures();
"""

REBUILD_FUNCTION = f"""
CREATE FUNCTION donations_donation_figures_rebuild() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    TRUNCATE donations_donationdailyfigure;
    {upsert(donations_of("donations_donation", 1))}
END $$;
SELECT donations_donation_figures_rebuild();
"""

REVERSE = """
DROP TRIGGER IF EXISTS donor_figures_update ON donations_donor;
DROP TRIGGER IF EXISTS donation_figures_insert ON donations_donation;
DROP TRIGGER IF EXISTS donation_figures_update ON donations_donation;
DROP TRIGGER IF EXISTS donation_figures_delete ON donations_donation;
DROP FUNCTION IF EXISTS donations_donor_figures();
DROP FUNCTION IF EXISTS donations_donation_figures();
DROP FUNCTION IF EXISTS donations_donation_figures_rebuild();
"""


class Migration(migrations.Migration):

    dependencies = [("donations", "0011_donation_daily_figures")]

    operations = [migrations.RunSQL(DONATION_FUNCTION + DONOR_FUNCTION + REBUILD_FUNCTION, REVERSE)]
