"""The district-part rule of the ledger checked once per statement over its new rows, not once per row."""

import pgtrigger.compiler
import pgtrigger.migrations
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('funds', '0010_ledger_figures_trigger'),
    ]

    operations = [
        pgtrigger.migrations.RemoveTrigger(
            model_name='ledgerentry',
            name='ledger_entry_in_its_districts_part',
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='ledgerentry',
            trigger=pgtrigger.compiler.Trigger(name='ledger_entry_in_its_districts_part', sql=pgtrigger.compiler.UpsertTriggerSql(declare='DECLARE bad record;', func="\n                    SELECT n.fund_id, f.district_id AS fund_district_id INTO bad\n                      FROM new_entries n JOIN funds_fund f ON f.id = n.fund_id\n                     WHERE (f.district_id IS NOT NULL AND (n.district_id IS NOT NULL OR n.kind = 'allocation'))\n                        OR (f.district_id IS NULL AND n.kind = 'payout' AND n.district_id IS NULL)\n                     LIMIT 1;\n                    IF FOUND THEN\n                        IF bad.fund_district_id IS NOT NULL THEN\n                            RAISE EXCEPTION USING ERRCODE = 'integrity_constraint_violation', MESSAGE = format('fund %s belongs to a district: its entries have no district part and no allocations', bad.fund_id);\n                        ELSE\n                            RAISE EXCEPTION USING ERRCODE = 'integrity_constraint_violation', MESSAGE = format('a payout of city-wide fund %s is paid from a district''s part', bad.fund_id);\n                        END IF;\n                    END IF;\n                    RETURN NULL;\n                ", hash='67be71074308592e4c4b37fe9f9879e3e26a3007', level='STATEMENT', operation='INSERT', pgid='pgtrigger_ledger_entry_in_its_districts_part_7e384', referencing='REFERENCING NEW TABLE AS new_entries ', table='funds_ledgerentry', when='AFTER')),
        ),
    ]
