"""Helpers of the donation tests: spreadsheets built the way a unit fills in the template."""
from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from donations.imports import COLUMNS
from tests import factories as f


def xlsx_bytes(rows, header=COLUMNS) -> bytes:
    workbook = Workbook()
    ws = workbook.active
    ws.append(list(header))
    for row in rows:
        ws.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(rows, name="unit.xlsx", header=COLUMNS) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, xlsx_bytes(rows, header),
                              content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


GOOD_ROWS = [
    ["张三", "顺义区第一中学", 10, dt.date(2022, 3, 5), "二维码", "WX0001", ""],
    ["李四", "顺义区第一中学", Decimal("10.50"), "2022-03-06", "二维码", "WX0002", ""],
    ["", "顺义区医院", 1000, dt.datetime(2022, 4, 1), "银行转账", "ICBC0001", "单位捐款"],
    ["王五", "", 1, "2022/04/02", "现金", "", "现场捐款"],
]


@pytest.fixture
def shunyi_campaign(shunyi_fund):
    return f.CampaignFactory(fund=shunyi_fund, name="2022年一元捐、十元捐", target=Decimal("150000.00"))


@pytest.fixture
def daxing_campaign(daxing_fund):
    return f.CampaignFactory(fund=daxing_fund, name="大兴一元捐", target=Decimal("150000.00"))
