"""Choosing a donor among a district's many: a search field, never every donor in the page."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from donations import services
from donations.models import Donation, Donor
from tests import factories as f

pytestmark = pytest.mark.django_db

FORM = "donations:donation-create"


def form_data(fund, **extra):
    data = {"fund": fund.pk, "amount": "100", "received_on": "2022-03-05", "channel": "bank",
            "new_donor_kind": "individual", "note": "现场捐款", "confirm": "on"}
    data.update(extra)
    return data


@pytest.fixture
def donors(shunyi_fund, daxing_fund):
    shunyi, daxing = shunyi_fund.district, daxing_fund.district
    return {
        "zhang_school": f.DonorFactory(district=shunyi, name="张家务小学"),
        "zhang_person": f.DonorFactory(district=shunyi, kind=Donor.Kind.INDIVIDUAL, name="张明", unit_name="顺义区医院"),
        "hospital_nurse": f.DonorFactory(district=shunyi, kind=Donor.Kind.INDIVIDUAL, name="李红", unit_name="顺义区医院"),
        "other": f.DonorFactory(district=shunyi, name="空港物流有限公司"),
        "daxing_zhang": f.DonorFactory(district=daxing, name="张家务大兴分厂"),
    }


def test_the_form_offers_no_donor_until_one_is_searched_for(client, finance, shunyi_fund, donors):
    client.force_login(finance)
    html = client.get(reverse(FORM)).content.decode()
    assert "张家务小学" not in html and "空港物流有限公司" not in html
    assert 'data-donor-search="/donations/donors/search/"' in html
    assert "js/donor_search.js" in html


def test_the_search_finds_donors_by_the_start_of_their_name_or_unit_in_his_district_only(client, finance,
                                                                                          donors):
    client.force_login(finance)
    search = reverse("donations:donor-search")

    def labels(text):
        return [row["label"] for row in client.get(search, {"q": text}).json()["results"]]

    assert labels("张") == ["张家务小学 · 爱心单位", "张明 · 顺义区医院 · 个人"]
    assert labels("顺义区医") == ["张明 · 顺义区医院 · 个人", "李红 · 顺义区医院 · 个人"]
    assert labels("张家务") == ["张家务小学 · 爱心单位"]  # never Daxing's 张家务大兴分厂
    assert labels("") == []


def test_the_search_finds_a_piece_inside_a_name_or_unit_after_those_that_start_with_it(client, finance, donors):
    f.DonorFactory(district=donors["zhang_school"].district, name="医院后勤职工")  # starts with "医院"
    f.DonorFactory(district=donors["zhang_school"].district, name="甲乙丙乙甲")
    client.force_login(finance)
    search = reverse("donations:donor-search")

    def labels(text):
        return [row["label"] for row in client.get(search, {"q": text}).json()["results"]]

    assert labels("医院") == ["医院后勤职工 · 爱心单位", "张明 · 顺义区医院 · 个人", "李红 · 顺义区医院 · 个人"]
    assert labels("家务小") == ["张家务小学 · 爱心单位"]  # never Daxing's 张家务大兴分厂
    assert labels("物流有限") == ["空港物流有限公司 · 爱心单位"]
    assert labels("务大") == []  # only in another district
    assert labels("丙乙甲") == ["甲乙丙乙甲 · 爱心单位"]
    assert labels("乙甲乙") == []  # both its pieces (乙甲, 甲乙) are in 甲乙丙乙甲, the text is not


def test_the_donor_list_searches_inside_names_too(client, finance, donors):
    client.force_login(finance)
    html = client.get(reverse("donations:donor-list"), {"q": "义区医"}).content.decode()
    assert "张明" in html and "李红" in html and "张家务小学" not in html


def test_another_district_sees_none_of_these_donors(client, daxing_finance, donors):
    client.force_login(daxing_finance)
    results = client.get(reverse("donations:donor-search"), {"q": "张"}).json()["results"]
    assert [row["id"] for row in results] == [donors["daxing_zhang"].pk]


def test_the_search_is_for_finance_only(client, reviewer, donors):
    client.force_login(reviewer)
    assert client.get(reverse("donations:donor-search"), {"q": "张"}).status_code == 403


def test_without_a_script_the_search_button_shows_the_matches_and_keeps_what_was_typed(client, finance,
                                                                                       shunyi_fund, donors):
    client.force_login(finance)
    response = client.post(reverse(FORM), form_data(shunyi_fund, donor_q="张", amount="88.80", search_donors="1"))

    assert response.status_code == 200
    assert not Donation.objects.exists()
    form = response.context["form"]
    assert not form.is_bound  # nothing checked yet: no error is shown
    offered = [value for value, _label in form.fields["donor"].widget.choices if value]
    assert offered == [donors["zhang_school"].pk, donors["zhang_person"].pk]
    html = response.content.decode()
    assert 'value="88.80"' in html and 'value="张"' in html and "现场捐款" in html
    assert "空港物流有限公司" not in html and "张家务大兴分厂" not in html


def test_picking_a_found_donor_records_the_donation_for_him(client, finance, shunyi_fund, donors):
    client.force_login(finance)
    response = client.post(reverse(FORM), form_data(shunyi_fund, donor_q="张",
                                                    donor=donors["zhang_person"].pk))
    donation = Donation.objects.get()
    assert response.status_code == 302
    assert donation.donor == donors["zhang_person"]


def test_another_districts_donor_cannot_be_posted(client, finance, shunyi_fund, donors):
    client.force_login(finance)
    response = client.post(reverse(FORM), form_data(shunyi_fund, donor=donors["daxing_zhang"].pk))
    assert response.status_code == 200
    assert "donor" in response.context["form"].errors
    assert not Donation.objects.exists()


def test_an_error_keeps_the_chosen_donor_and_the_search(client, finance, shunyi_fund, donors):
    client.force_login(finance)
    response = client.post(reverse(FORM), form_data(shunyi_fund, donor_q="空港", donor=donors["zhang_person"].pk,
                                                    amount="-5"))
    form = response.context["form"]
    assert "amount" in form.errors
    assert form["donor"].value() == str(donors["zhang_person"].pk)
    offered = [value for value, _label in form.fields["donor"].widget.choices if value]
    assert offered == [donors["zhang_person"].pk, donors["other"].pk]
    html = response.content.decode()
    assert f'<option value="{donors["zhang_person"].pk}" selected>' in html
    assert 'value="空港"' in html and 'value="-5"' in html


@pytest.mark.parametrize("count", [3, 60])
def test_the_form_costs_the_same_queries_whatever_the_number_of_donors(client, finance, shunyi_fund, count,
                                                                        django_assert_num_queries):
    Donor.objects.bulk_create([Donor(district=shunyi_fund.district, kind=Donor.Kind.UNIT, name=f"张氏{n:03d}")
                               for n in range(count)])
    client.force_login(finance)
    client.get(reverse(FORM))  # warm the session
    with django_assert_num_queries(5):
        response = client.post(reverse(FORM), form_data(shunyi_fund, donor_q="张", search_donors="1"))
    assert len([v for v, _label in response.context["form"].fields["donor"].widget.choices if v]) == min(count, 10)


def test_the_donor_list_walks_fifty_at_a_time_by_name_with_totals(client, finance, shunyi_fund, daxing_fund,
                                                                   django_assert_max_num_queries):
    district = shunyi_fund.district
    Donor.objects.bulk_create([Donor(district=district, kind=Donor.Kind.UNIT, name=f"单位{n:03d}") for n in range(120)]
                              + [Donor(district=daxing_fund.district, kind=Donor.Kind.UNIT, name="单位000")])
    first_donor = Donor.objects.get(district=district, name="单位000")
    services.donation_record(actor=finance, fund=shunyi_fund, campaign=None, donor=first_donor,
                             amount=Decimal("66.60"), received_on=dt.date(2022, 3, 5), channel=Donation.Channel.BANK,
                             external_reference=None, note="", confirm=True)
    client.force_login(finance)
    url = reverse("donations:donor-list")
    client.get(url)

    pages, params = [], {}
    while True:
        with django_assert_max_num_queries(9):  # 8, and the key donor's name past the first page
            response = client.get(url, params)
        page = response.context["page"]
        pages.append([d.name for d in page.donors])
        if page.after is None:
            break
        params = {"after": page.after}

    assert [len(names) for names in pages] == [50, 50, 20]
    assert sum(pages, []) == [f"单位{n:03d}" for n in range(120)]
    first = client.get(url).context["page"].donors[0]
    assert (first.donation_count, first.donation_total) == (1, Decimal("66.60"))

    back = client.get(url, {"before": page.donors[0].pk}).context["page"]
    assert [d.name for d in back.donors] == pages[1] and back.before is not None
    searched = client.get(url, {"q": "单位11"}).context["page"]
    assert [d.name for d in searched.donors] == [f"单位{n}" for n in range(110, 120)]
    assert searched.after is None and searched.before is None


def test_a_searched_donor_list_walks_its_matches_both_ways(client, finance, shunyi_fund):
    Donor.objects.bulk_create([Donor(district=shunyi_fund.district, kind=Donor.Kind.UNIT, name=f"李氏{n:03d}")
                               for n in range(70)]
                              + [Donor(district=shunyi_fund.district, kind=Donor.Kind.UNIT, name=f"王氏{n:03d}")
                                 for n in range(70)])
    client.force_login(finance)
    url = reverse("donations:donor-list")
    first = client.get(url, {"q": "李"}).context["page"]
    second = client.get(url, {"q": "李", "after": first.after}).context["page"]
    assert [d.name for d in first.donors + second.donors] == [f"李氏{n:03d}" for n in range(70)]
    assert second.after is None
    back = client.get(url, {"q": "李", "before": second.before}).context["page"]
    assert [d.name for d in back.donors] == [d.name for d in first.donors] and back.before is None
