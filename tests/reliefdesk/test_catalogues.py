"""The Chinese catalogue translates every interface text: Chinese is the default language."""
from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]
ZH_CATALOGUE = BASE_DIR / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


@dataclass
class Entry:
    msgid: str = ""
    msgctxt: str | None = None
    msgstrs: list[str] = field(default_factory=list)
    flags: set[str] = field(default_factory=set)
    obsolete: bool = False

    @property
    def label(self) -> str:
        return f"{self.msgctxt} | {self.msgid}" if self.msgctxt is not None else self.msgid


_KEYWORD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)\s+(".*")$')


def catalogue_entries(text: str) -> list[Entry]:
    """The entries of a .po file, the header (empty msgid) left out."""
    entries: list[Entry] = []
    entry, key, seen_msgid = Entry(), None, False

    def finish():
        if seen_msgid and entry.msgid:
            entries.append(entry)

    for raw in text.splitlines() + [""]:
        line = raw.strip()
        if not line:
            finish()
            entry, key, seen_msgid = Entry(), None, False
            continue
        if line.startswith("#~"):
            entry.obsolete = True
            line = line[2:].strip()
        elif line.startswith("#,"):
            entry.flags |= {flag.strip() for flag in line[2:].split(",")}
            continue
        elif line.startswith("#"):
            continue
        match = _KEYWORD.match(line)
        if match:
            key, value = match.group(1), ast.literal_eval(match.group(2))
            if key == "msgid":
                seen_msgid = True
                entry.msgid = value
            elif key == "msgctxt":
                entry.msgctxt = value
            elif key.startswith("msgstr"):
                entry.msgstrs.append(value)
        elif line.startswith('"') and key is not None:
            value = ast.literal_eval(line)
            if key == "msgid":
                entry.msgid += value
            elif key == "msgctxt":
                entry.msgctxt += value
            elif key.startswith("msgstr"):
                entry.msgstrs[-1] += value
    return entries


def untranslated(entries: list[Entry]) -> list[str]:
    """Texts a Chinese user would see untranslated: no msgstr, an empty one, or only a fuzzy guess."""
    return [entry.label for entry in entries
            if not entry.obsolete and ("fuzzy" in entry.flags or not entry.msgstrs or not all(entry.msgstrs))]


def test_every_interface_text_has_a_chinese_translation():
    entries = catalogue_entries(ZH_CATALOGUE.read_text(encoding="utf-8"))
    assert len(entries) > 500
    assert untranslated(entries) == []


def test_an_empty_or_fuzzy_chinese_translation_is_reported():
    sample = '''#, fuzzy
msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"

msgid "Payee"
msgstr "收款人"

msgid "Bank"
msgstr ""

#, fuzzy
#| msgid "beneficiary name"
msgid "Beneficiary"
msgstr "受助人姓名"

msgctxt "payout"
msgid "Amount (yuan)"
msgstr "金额(元)"

msgid "%(count)d payout"
msgid_plural "%(count)d payouts"
msgstr[0] ""

msgid ""
"Two "
"lines"
msgstr ""
"两"
"行"

#~ msgid "Gone"
#~ msgstr ""
'''
    entries = catalogue_entries(sample)
    assert [e.label for e in entries] == ["Payee", "Bank", "Beneficiary", "payout | Amount (yuan)",
                                          "%(count)d payout", "Two lines", "Gone"]
    assert entries[5].msgstrs == ["两行"]
    assert untranslated(entries) == ["Bank", "Beneficiary", "%(count)d payout"]


_ENGLISH_WORD = re.compile(r"(?<![%(])\b[A-Za-z]{2,}\b")
_CJK = re.compile(r"[\u4e00-\u9fff]")


def written_in_chinese(entries: list[Entry]) -> list[str]:
    """Texts whose source is Chinese: the msgids are English, and Chinese is their translation.

    A Chinese term may stand inside an English text where the user must type or find exactly
    it (a column of an imported sheet, 低保), never as the whole text.
    """
    wrong = []
    for entry in entries:
        if entry.obsolete or not _CJK.search(entry.msgid):
            continue
        words = [w for w in _ENGLISH_WORD.findall(re.sub(r"%\([^)]*\)[sd]", "", entry.msgid))]
        if len(words) < 2:
            wrong.append(entry.label)
    return wrong


def test_every_interface_text_is_written_in_english_in_the_source():
    entries = catalogue_entries(ZH_CATALOGUE.read_text(encoding="utf-8"))
    assert written_in_chinese(entries) == []


def test_a_chinese_source_text_is_reported():
    entries = catalogue_entries('msgid "申请"\nmsgstr "申请"\n\nmsgid "%(name)s 的申请"\nmsgstr ""\n\n'
                                'msgid "Write 低保 or 低收入."\nmsgstr "填写低保或低收入。"\n')
    assert written_in_chinese(entries) == ["申请", "%(name)s 的申请"]
