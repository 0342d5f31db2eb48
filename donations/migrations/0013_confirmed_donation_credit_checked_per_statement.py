"""The check of 0010 (a confirmed donation has its credit, a voided credit its own reversal) run once per statement.

A deferred row trigger queued one check per donation: 100,000 events for an import, each a query at commit. Now a
statement trigger on the donations notes, in one row of ``donations_credit_check``, which donations the statement
left confirmed or voided; the deferred constraint trigger (same name as before, so ``SET CONSTRAINTS
donation_confirmed_has_credit`` still names it) fires at commit on that row, reads those donations again in one
query, refuses the first wrong one with the message of 0010 and deletes the note. The rules and the moment they are
judged are those of 0010: whoever writes the rows, only the state at commit counts.
"""
from django.db import migrations

# The rules of 0010, over donations ``d`` joined with their credit and reversal.
WRONG = """
NOT COALESCE(  -- a missing entry makes the comparisons NULL: that is a refusal too
       d.status = 'recorded'
    OR (d.status = 'confirmed' AND d.void_entry_id IS NULL AND credit.kind = 'donation'
        AND credit.fund_id = d.fund_id AND credit.amount = d.amount)
    OR (d.status = 'voided' AND (d.credit_entry_id IS NULL
        OR (reversal.kind = 'donation_void' AND reversal.reverses_id = d.credit_entry_id))),
    false)
"""

FORWARD = f"""
DROP TRIGGER donation_confirmed_has_credit ON donations_donation;
DROP FUNCTION donation_confirmed_has_credit();

CREATE TABLE donations_credit_check (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    donation_ids bigint[] NOT NULL
);
-- An import's statement notes tens of thousands of ids: kept as they are, not compressed for a moment's life.
ALTER TABLE donations_credit_check ALTER COLUMN donation_ids SET STORAGE EXTERNAL;
COMMENT ON TABLE donations_credit_check IS
    'Donations a statement left confirmed or voided, checked at commit (donation_confirmed_has_credit); empty '
    'outside a transaction.';

CREATE FUNCTION donation_credit_check_note() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- A row whose state is "recorded" needs no entry (a check constraint says it has none).
    INSERT INTO donations_credit_check (donation_ids)
    SELECT array_agg(id) FROM new_rows WHERE status <> 'recorded' HAVING count(*) > 0;
    RETURN NULL;
END $$;
CREATE TRIGGER donation_credit_check_insert AFTER INSERT ON donations_donation
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION donation_credit_check_note();
CREATE TRIGGER donation_credit_check_update AFTER UPDATE ON donations_donation
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION donation_credit_check_note();

CREATE FUNCTION donation_confirmed_has_credit() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    bad record;
BEGIN
    -- EXECUTE: planned for the number of donations at hand (one, or a whole import's chunk).
    EXECUTE $q$
        SELECT d.id, d.receipt_number, d.status
          FROM unnest($1) AS noted(id)
          JOIN donations_donation d ON d.id = noted.id
          LEFT JOIN funds_ledgerentry credit ON credit.id = d.credit_entry_id
          LEFT JOIN funds_ledgerentry reversal ON reversal.id = d.void_entry_id
         WHERE {WRONG.strip()}
         ORDER BY d.id LIMIT 1
    $q$ INTO bad USING NEW.donation_ids;
    IF bad.id IS NOT NULL THEN
        RAISE EXCEPTION 'donation % (%) is % without the ledger entries that status needs', bad.id,
            bad.receipt_number, bad.status
            USING ERRCODE = 'check_violation',
                  HINT = 'A confirmed donation points at its credit (kind donation, same fund and amount); '
                         'a voided credited one at the donation_void entry reversing it.';
    END IF;
    DELETE FROM donations_credit_check WHERE id = NEW.id;
    RETURN NULL;
END
$$;
CREATE CONSTRAINT TRIGGER donation_confirmed_has_credit
    AFTER INSERT ON donations_credit_check
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION donation_confirmed_has_credit();
"""

BACKWARD = f"""
DROP TRIGGER donation_confirmed_has_credit ON donations_credit_check;
DROP TRIGGER donation_credit_check_insert ON donations_donation;
DROP TRIGGER donation_credit_check_update ON donations_donation;
DROP FUNCTION donation_confirmed_has_credit();
DROP FUNCTION donation_credit_check_note();
DROP TABLE donations_credit_check;

CREATE FUNCTION donation_confirmed_has_credit() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    bad record;
BEGIN
    IF NEW.status = 'recorded' THEN
        RETURN NULL;
    END IF;
    SELECT d.id, d.receipt_number, d.status INTO bad
      FROM donations_donation d
      LEFT JOIN funds_ledgerentry credit ON credit.id = d.credit_entry_id
      LEFT JOIN funds_ledgerentry reversal ON reversal.id = d.void_entry_id
     WHERE d.id = NEW.id AND {WRONG.strip()};
    IF FOUND THEN
        RAISE EXCEPTION 'donation % (%) is % without the ledger entries that status needs', bad.id,
            bad.receipt_number, bad.status
            USING ERRCODE = 'check_violation',
                  HINT = 'A confirmed donation points at its credit (kind donation, same fund and amount); '
                         'a voided credited one at the donation_void entry reversing it.';
    END IF;
    RETURN NULL;
END
$$;
CREATE CONSTRAINT TRIGGER donation_confirmed_has_credit
    AFTER INSERT OR UPDATE ON donations_donation
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION donation_confirmed_has_credit();
"""


class Migration(migrations.Migration):

    dependencies = [
        ("donations", "0012_donation_figures_triggers"),
        ("funds", "0011_ledger_district_part_checked_per_statement"),
    ]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
