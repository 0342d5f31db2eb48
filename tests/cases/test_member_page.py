"""The member page, correcting a member's details, his admin, and the blocks other apps add to the page."""
import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from cases.models import Member
from cases.services import intake as svc
from reliefdesk.history import history_for
from reliefdesk.panels import PANELS, Panel
from tests import factories as f

pytestmark = pytest.mark.django_db

CARD = f.luhn_complete("622202020000123456")
NEW_CARD = f.luhn_complete("621700000099887766")


@pytest.fixture
def member(station1):
    return f.MemberFactory(name="王建国", phone="13812345678", card_number=CARD, bank_name="中国工商银行北京顺义支行",
                           stations=[station1])


def url(name, *args):
    return reverse(f"cases:{name}", args=args)


def test_the_member_page_shows_his_data_family_applications_and_history(client, liaison1, member, station1,
                                                                       daxing_station):
    spouse = svc.family_member_add(actor=liaison1, member=member, relation="spouse", name="李华",
                                   id_number=f.make_id_number(area="110114", seq=88))
    mine = f.ApplicationFactory(member=member, station=station1)
    elsewhere = f.ApplicationFactory(member=member, station=daxing_station, reference="DX-2022-00001")
    client.force_login(liaison1)
    response = client.get(url("member-detail", member.pk))
    assert response.status_code == 200
    html = response.content.decode()
    for shown in ("王建国", member.id_number, "13812345678", CARD, "李华", spouse.id_number, mine.reference,
                  station1.name):
        assert shown in html
    # His case in another district is not the liaison's to see.
    assert elsewhere.reference not in html
    assert [e.action for e in response.context["events"]] == ["member.family_added"]


def test_a_liaison_corrects_the_members_details_and_the_history_keeps_old_and_new(client, liaison1, member):
    client.force_login(liaison1)
    response = client.post(url("member-edit", member.pk), {
        "name": "王建国", "phone": "13900001111", "card_number": NEW_CARD, "bank_name": "中国建设银行北京顺义支行",
        "employer": member.employer_id, "is_union_member": "on", "member_since": "2010-01-01"})
    assert response.status_code == 302 and response.url == url("member-detail", member.pk)
    member.refresh_from_db()
    assert (member.phone, member.card_number, member.bank_name) == ("13900001111", NEW_CARD, "中国建设银行北京顺义支行")
    event = history_for(member).get(action="member.updated")
    assert event.actor == liaison1
    assert event.data["fields"] == ["bank_name", "card_number", "phone"]
    assert event.data["old"]["phone"] == "13812345678" and event.data["new"]["phone"] == "13900001111"
    assert event.data["old"]["card_number"].endswith(CARD[-4:]) and CARD not in str(event.data)
    assert event.data["new"]["card_number"].endswith(NEW_CARD[-4:]) and NEW_CARD not in str(event.data)


def test_a_bad_mobile_number_comes_back_beside_the_field_and_changes_nothing(client, liaison1, member):
    client.force_login(liaison1)
    response = client.post(url("member-edit", member.pk), {
        "name": "王建国改", "phone": "12345", "card_number": CARD, "bank_name": "中国工商银行北京顺义支行",
        "is_union_member": "on"})
    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["phone"]
    assert "王建国改" in response.content.decode()
    member.refresh_from_db()
    assert member.name == "王建国" and not history_for(member).exists()


def test_the_id_number_cannot_be_changed_through_the_edit_page(client, liaison1, member):
    number = member.id_number
    client.force_login(liaison1)
    client.post(url("member-edit", member.pk), {"name": "王建国", "id_number": f.make_id_number(seq=777),
                                                "card_number": CARD, "bank_name": "工行", "is_union_member": "on"})
    member.refresh_from_db()
    assert member.id_number == number


def test_a_reviewer_sees_the_member_page_but_may_not_edit(client, reviewer, member):
    client.force_login(reviewer)
    assert client.get(url("member-detail", member.pk)).status_code == 200
    assert client.get(url("member-edit", member.pk)).status_code == 403
    with pytest.raises(PermissionDenied):
        svc.member_update(actor=reviewer, member=member, phone="13900001111")


def test_a_family_member_added_on_the_member_page_is_there_and_a_bad_id_comes_back(client, liaison1, member):
    client.force_login(liaison1)
    number = f.make_id_number(area="110114", birth=dt.date(2001, 6, 8), seq=17)
    response = client.post(url("member-family-add", member.pk), {
        "family-relation": "child", "family-family_name": "王小明", "family-family_id_number": number})
    assert response.status_code == 302
    assert list(member.family.values_list("name", "id_number")) == [("王小明", number)]
    wrong = number[:17] + ("1" if number[17] != "1" else "2")
    response = client.post(url("member-family-add", member.pk), {
        "family-relation": "spouse", "family-family_name": "李华", "family-family_id_number": wrong})
    assert response.status_code == 400 and "李华" in response.content.decode()
    assert member.family.count() == 1


def test_another_app_adds_a_block_to_the_member_page_through_the_registry(client, liaison1, member, monkeypatch):
    def household(*, request, subject):
        return {"note": f"{subject.name}的家庭档案"}

    monkeypatch.setitem(PANELS._items, "member:test-household",
                        Panel("test-household", "家庭档案", "test_panel.html", household))
    monkeypatch.setitem(PANELS._items, "member:test-hidden",
                        Panel("test-hidden", "不显示", "test_panel.html", lambda **kwargs: None))
    monkeypatch.setattr("django.template.loader.get_template", _with_test_template(monkeypatch))
    client.force_login(liaison1)
    html = client.get(url("member-detail", member.pk)).content.decode()
    assert 'data-testid="panel-test-household"' in html and "王建国的家庭档案" in html
    assert "panel-test-hidden" not in html


def _with_test_template(monkeypatch):
    from django.template import engines
    from django.template import loader

    real = loader.get_template

    def get_template(name, using=None):
        if name == "test_panel.html":
            return engines["django"].from_string("<p>{{ note }}</p>")
        return real(name, using=using)

    return get_template


def test_the_admin_corrects_a_member_through_the_service_and_refuses_a_bad_card(client, admin_user, member):
    client.force_login(admin_user)
    change = reverse("admin:cases_member_change", args=[member.pk])
    assert client.get(change).status_code == 200
    data = {"name": "王建国", "phone": "13900001111", "employer": member.employer_id, "is_union_member": "on",
            "member_since": "2010-01-01", "card_number": CARD, "bank_name": "中国工商银行北京顺义支行",
            **_inline_management(member)}
    response = client.post(change, data)
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.phone == "13900001111"
    event = history_for(member).get(action="member.updated")
    assert event.actor == admin_user and event.data["new"]["phone"] == "13900001111"
    bad = {**data, "card_number": CARD[:-1] + ("0" if CARD[-1] != "0" else "1")}
    response = client.post(change, bad)
    assert response.status_code == 200 and "card_number" in response.context["adminform"].form.errors
    member.refresh_from_db()
    assert member.card_number == CARD


def test_the_admin_neither_adds_nor_deletes_members(client, admin_user, member):
    client.force_login(admin_user)
    assert client.get(reverse("admin:cases_member_add")).status_code == 403
    assert client.post(reverse("admin:cases_member_delete", args=[member.pk]), {"post": "yes"}).status_code == 403
    assert Member.objects.filter(pk=member.pk).exists()


def _inline_management(member):
    data = {}
    for prefix, count in (("registrations", member.registrations.count()), ("family", member.family.count())):
        data.update({f"{prefix}-TOTAL_FORMS": str(count), f"{prefix}-INITIAL_FORMS": str(count),
                     f"{prefix}-MIN_NUM_FORMS": "0", f"{prefix}-MAX_NUM_FORMS": "1000"})
        related = member.registrations.all() if prefix == "registrations" else member.family.all()
        for index, row in enumerate(related):
            data[f"{prefix}-{index}-id"] = str(row.pk)
            data[f"{prefix}-{index}-member"] = str(member.pk)
    return data
