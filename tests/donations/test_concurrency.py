"""Receipt numbers stay gap-free and unique when several finance clerks record at the same moment."""
from __future__ import annotations

import datetime as dt
import threading
from decimal import Decimal

import pytest
from django.db import connection

from donations import services
from donations.models import Donation
from reliefdesk.errors import DomainError

pytestmark = pytest.mark.django_db(transaction=True)

THREADS = 8
PER_THREAD = 5


def _run_in_threads(target):
    barrier = threading.Barrier(THREADS)
    failures = []

    def worker(index):
        try:
            barrier.wait()
            target(index)
        except Exception as exc:  # collected and asserted on the main thread
            failures.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return failures


def test_concurrent_entries_take_every_receipt_number_exactly_once(finance, shunyi_fund):
    def record_some(index):
        for n in range(PER_THREAD):
            services.donation_record(actor=finance, fund=shunyi_fund, campaign=None, donor=None,
                                     amount=Decimal("10.00"), received_on=dt.date(2022, 3, 5), channel="cash",
                                     external_reference=None, note=f"{index}-{n}", confirm=True)

    assert _run_in_threads(record_some) == []
    seqs = sorted(Donation.objects.filter(fund=shunyi_fund, receipt_year=2022).values_list("receipt_seq", flat=True))
    assert seqs == list(range(1, THREADS * PER_THREAD + 1))


def test_the_same_transaction_entered_at_once_by_several_clerks_is_recorded_once(finance, shunyi_fund):
    def record_same(index):
        services.donation_record(actor=finance, fund=shunyi_fund, campaign=None, donor=None, amount=Decimal("10.00"),
                                 received_on=dt.date(2022, 3, 5), channel="bank", external_reference="ICBC-SAME")

    failures = _run_in_threads(record_same)
    assert Donation.objects.filter(external_reference="ICBC-SAME").count() == 1
    assert len(failures) == THREADS - 1 and all(isinstance(f, DomainError) for f in failures)
    # The refused entries gave their numbers back.
    assert list(Donation.objects.values_list("receipt_seq", flat=True)) == [1]
