"""PostgreSQL refuses, at commit, a confirmed donation without its credit and a voided credit not reversed by its own
reversal — whoever writes the rows (the ORM, a COPY of the import, plain SQL).

A deferred constraint trigger, because the import writes the donations (pointing at drawn entry ids) before their
credits, and a confirmation writes the credit and the status in either order: only the state at commit counts.
The row is read again at that moment, so a donation confirmed and then voided in one transaction is judged as
voided. The rules are those of donations/ledger.py: a recorded gift has no entry (a check constraint), a
confirmed one points at a donation credit of its fund and amount and at no reversal, a voided one was never
credited or points at the donation_void entry reversing its credit.
"""
from django.db import migrations

FORWARD = """
CREATE FUNCTION donation_confirmed_has_credit() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    bad record;
BEGIN
    IF NEW.status = 'recorded' THEN
        -- A row whose final state is not "recorded" was last written so: that later event judges it.
        RETURN NULL;
    END IF;
    SELECT d.id, d.receipt_number, d.status INTO bad
      FROM donations_donation d
      LEFT JOIN funds_ledgerentry credit ON credit.id = d.credit_entry_id
      LEFT JOIN funds_ledgerentry reversal ON reversal.id = d.void_entry_id
     WHERE d.id = NEW.id
       AND NOT COALESCE(  -- a missing entry makes the comparisons NULL: that is a refusal too
             d.status = 'recorded'
          OR (d.status = 'confirmed' AND d.void_entry_id IS NULL AND credit.kind = 'donation'
              AND credit.fund_id = d.fund_id AND credit.amount = d.amount)
          OR (d.status = 'voided' AND (d.credit_entry_id IS NULL
              OR (reversal.kind = 'donation_void' AND reversal.reverses_id = d.credit_entry_id))),
          false);
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

BACKWARD = """
DROP TRIGGER IF EXISTS donation_confirmed_has_credit ON donations_donation;
DROP FUNCTION IF EXISTS donation_confirmed_has_credit();
"""


class Migration(migrations.Migration):

    dependencies = [
        ("donations", "0009_import_warns_of_repeated_gifts"),
        ("funds", "0001_initial"),
    ]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
