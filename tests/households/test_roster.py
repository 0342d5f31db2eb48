"""The civil-affairs list: every bad row listed and nothing stored, then all rows, matched by ID number."""
from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook

from households.models import CivilRoster, CivilRosterEntry, CivilRosterMatch, CivilStatus, Household
from households.services import roster
from reliefdesk.errors import TransitionNotAllowed
from reliefdesk.history import history_for
from tests import factories as f

pytestmark = pytest.mark.django_db

S = Household.Status
K = CivilRosterMatch.Kind
D = dt.date
HEADER = ["姓名", "身份证号", "类别", "起始日期", "截止日期"]


def xlsx(rows, header=HEADER) -> SimpleUploadedFile:
    workbook = Workbook()
    ws = workbook.active
    ws.append(header)
    for row in rows:
        ws.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile("民政名单.xlsx", buffer.getvalue(),
                              content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def checked(actor, rows, **kwargs):
    imp = roster.civil_roster_upload(actor=actor, as_of=D(2024, 6, 30), upload=xlsx(rows, **kwargs),
                                     today=D(2024, 7, 1))
    return roster.civil_roster_validate(roster=imp)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def files(station1, station2, daxing_station):
    """Four live files of 顺义 and one of 大兴, with the people the list will name."""
    newly = f.HouseholdFactory(station=station1, head__name="张建国")  # not 低保 on the file
    changed = f.HouseholdFactory(station=station1, civil_status=CivilStatus.DIBAO, civil_status_from=D(2023, 1, 1))
    spouse = f.HouseholdPersonFactory(household=changed, name="李秀英")
    dropped = f.HouseholdFactory(station=station2, civil_status=CivilStatus.LOW_INCOME,
                                 civil_status_from=D(2023, 1, 1))
    same = f.HouseholdFactory(station=station2, civil_status=CivilStatus.DIBAO, civil_status_from=D(2024, 1, 1),
                              civil_status_to=D(2024, 12, 31))
    left = f.HouseholdFactory(station=station1, status=S.LEFT, left_on=D(2024, 1, 31), exit_reason="recovered")
    daxing = f.HouseholdFactory(station=daxing_station, reference="DX-HH-2024-00001")
    return {"newly": newly, "changed": changed, "spouse": spouse, "dropped": dropped, "same": same, "left": left,
            "daxing": daxing}


def test_every_bad_row_is_listed_and_nothing_is_stored(finance):
    good = f.make_id_number(seq=11)
    imp = checked(finance, [
        ["张三", good, "低保", "2024-01-01", "2024-12-31"],
        ["李四", good[:-1] + ("0" if good[-1] != "0" else "1"), "低保", "2024-01-01", ""],  # 3: bad check digit
        ["王五", f.make_id_number(seq=12), "特困", "2024-01-01", ""],  # 4: unknown category
        ["赵六", f.make_id_number(seq=13), "低收入", "2024-06-01", "2024-01-31"],  # 5: starts after it ends
        ["钱七", f.make_id_number(seq=14), "低收入", "", ""],  # 6: no start
        ["孙八", good, "低保", "2024-01-01", ""],  # 7: the same ID twice
    ])
    found = {(e["row"], e["column"]) for e in imp.errors}
    assert imp.status == CivilRoster.Status.REJECTED
    assert found == {(3, "身份证号"), (4, "类别"), (5, "起始日期"), (6, "起始日期"), (7, "身份证号")}
    assert "特困" in next(e["message"] for e in imp.errors if e["row"] == 4)
    assert not CivilRosterEntry.objects.exists()
    with pytest.raises(TransitionNotAllowed):
        roster.civil_roster_commit(roster=imp, actor=finance)
    assert not CivilRosterEntry.objects.exists()


def test_a_list_without_its_columns_is_refused_as_a_whole(finance):
    imp = checked(finance, [["张三", "x"]], header=["名字", "身份证"])
    assert imp.status == CivilRoster.Status.REJECTED
    assert "身份证号" in imp.errors[0]["message"]


def test_the_match_finds_who_is_newly_on_the_list_who_changed_who_dropped_off_and_whose_name_differs(
        finance, files):
    newly, changed, spouse = files["newly"], files["changed"], files["spouse"]
    rows = [
        [newly.head.name, newly.head.id_number, "低保", D(2024, 5, 1), None],
        ["李秀荣", spouse.id_number, "低收入", D(2024, 3, 1), D(2025, 2, 28)],  # the spouse, another name
        [files["same"].head.name, files["same"].head.id_number, "低保", D(2024, 1, 1), D(2024, 12, 31)],
        ["某某", files["left"].head.id_number, "低保", D(2024, 1, 1), None],  # a closed file: not matched
        ["某某", files["daxing"].head.id_number, "低保", D(2024, 1, 1), None],  # another district's file
        ["路人", f.make_id_number(seq=901), "低保", D(2024, 1, 1), None],  # nobody on file
    ]
    imp = roster.civil_roster_commit(roster=checked(finance, rows), actor=finance)
    assert imp.status == CivilRoster.Status.COMMITTED and imp.entries.count() == 6
    found = {(m.kind, m.household_id, m.person_id) for m in imp.matches.all()}
    assert found == {(K.NEW, newly.pk, None), (K.CHANGED, changed.pk, spouse.pk),
                     (K.NAME_DIFFERS, changed.pk, spouse.pk), (K.DROPPED, files["dropped"].pk, None)}
    assert [e.action for e in history_for(imp)] == ["civil_roster.uploaded", "civil_roster.committed"]


def test_accepting_a_match_makes_the_file_follow_the_list_with_a_history_row(finance, files):
    newly = files["newly"]
    imp = roster.civil_roster_commit(roster=checked(finance, [[newly.head.name, newly.head.id_number, "低保",
                                                               D(2024, 5, 1), D(2025, 4, 30)]]), actor=finance)
    match = imp.matches.get(kind=K.NEW)
    roster.roster_match_accept(actor=finance, match=match)
    newly.refresh_from_db()
    assert (newly.civil_status, newly.civil_status_from, newly.civil_status_to) == (
        CivilStatus.DIBAO, D(2024, 5, 1), D(2025, 4, 30))
    event = history_for(newly).get(action="household.civil_status_changed")
    assert event.data["old"] == ["none", None, None] and event.data["new"] == ["dibao", "2024-05-01", "2025-04-30"]
    match.refresh_from_db()
    assert (match.status, match.decided_by) == (CivilRosterMatch.Status.ACCEPTED, finance)
    with pytest.raises(TransitionNotAllowed):
        roster.roster_match_accept(actor=finance, match=match)


def test_accepting_every_dropped_household_at_once_clears_their_status(finance, files):
    imp = roster.civil_roster_commit(roster=checked(finance, [["路人", f.make_id_number(seq=901), "低保",
                                                               D(2024, 1, 1), None]]), actor=finance)
    dropped = {m.household_id for m in imp.matches.filter(kind=K.DROPPED)}
    assert dropped == {files["changed"].pk, files["dropped"].pk, files["same"].pk}
    assert roster.roster_matches_accept_all(actor=finance, roster=imp, kind=K.DROPPED) == 3
    assert set(Household.objects.filter(pk__in=dropped).values_list("civil_status", flat=True)) == {"none"}
    assert not imp.matches.filter(status=CivilRosterMatch.Status.OPEN, kind=K.DROPPED).exists()


def test_dismissing_keeps_the_file_as_it_is(finance, files):
    imp = roster.civil_roster_commit(roster=checked(finance, [["路人", f.make_id_number(seq=901), "低保",
                                                               D(2024, 1, 1), None]]), actor=finance)
    match = imp.matches.get(household=files["dropped"])
    roster.roster_match_dismiss(actor=finance, match=match)
    files["dropped"].refresh_from_db()
    assert files["dropped"].civil_status == CivilStatus.LOW_INCOME
    assert history_for(files["dropped"]).filter(action="household.roster_match_dismissed").count() == 1


def test_the_same_file_is_not_imported_twice(finance, files):
    content = xlsx([["路人", f.make_id_number(seq=901), "低保", D(2024, 1, 1), None]]).read()

    def upload_and_check():
        imp = roster.civil_roster_upload(actor=finance, as_of=D(2024, 6, 30), today=D(2024, 7, 1),
                                         upload=SimpleUploadedFile("民政名单.xlsx", content))
        return roster.civil_roster_validate(roster=imp)

    roster.civil_roster_commit(roster=upload_and_check(), actor=finance)
    again = upload_and_check()
    assert again.status == CivilRoster.Status.REJECTED
    assert "already imported" in again.errors[0]["message"]


def test_a_liaison_cannot_import_and_another_districts_finance_sees_no_list(client, liaison1, finance,
                                                                          daxing_finance, files):
    imp = checked(finance, [["路人", f.make_id_number(seq=901), "低保", D(2024, 1, 1), None]])
    client.force_login(liaison1)
    assert client.get(reverse("households:roster-upload")).status_code == 403
    client.force_login(daxing_finance)
    assert client.get(reverse("households:roster-detail", args=[imp.pk])).status_code == 404
    assert client.post(reverse("households:roster-commit", args=[imp.pk])).status_code == 404


def test_the_roster_pages_upload_preview_import_and_accept(client, reviewer, files):
    newly = files["newly"]
    client.force_login(reviewer)
    response = client.post(reverse("households:roster-upload"), {
        "as_of": "2024-06-30", "file": xlsx([[newly.head.name, newly.head.id_number, "低保户", "2024/5/1", ""]])})
    imp = CivilRoster.objects.get()
    assert response.status_code == 302 and imp.status == CivilRoster.Status.VALIDATED
    client.post(reverse("households:roster-commit", args=[imp.pk]))
    page = client.get(reverse("households:roster-detail", args=[imp.pk]) + "?kind=new")
    assert newly.reference in page.content.decode()
    match = imp.matches.get(kind=K.NEW)
    client.post(reverse("households:match-accept", args=[match.pk]))
    newly.refresh_from_db()
    assert newly.civil_status == CivilStatus.DIBAO
