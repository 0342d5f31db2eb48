"""Server-rendered SVG charts: pure functions, escaped labels."""
from __future__ import annotations

from decimal import Decimal

from reliefdesk import charts


def test_a_bar_chart_draws_one_bar_per_item_with_its_amount():
    svg = charts.bar_chart([("大病医疗救助", Decimal("47400.00")), ("突发事件", Decimal("8000.55"))], title="已支付")
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert svg.count("<rect") == 2
    assert "47,400.00" in svg and "8,000.55" in svg
    assert "大病医疗救助" in svg


def test_the_longest_bar_spans_the_plot_and_the_others_are_in_proportion():
    svg = charts.bar_chart([("a", Decimal("100")), ("b", Decimal("25"))], title="t", width=640, label_width=170)
    # Plot width 640 − 170 − 110 − 10 = 350.
    assert 'width="350.0"' in svg and 'width="87.5"' in svg


def test_labels_are_escaped():
    svg = charts.bar_chart([("<script>alert(1)</script>", 3)], title="x & y", money=False)
    assert "<script>" not in svg
    assert "&lt;script&gt;" in svg and "x &amp; y" in svg


def test_an_empty_chart_says_so():
    svg = charts.bar_chart([], title="t", empty_message="本期无数据")
    assert "本期无数据" in svg and "<rect" not in svg


def test_a_line_chart_draws_a_line_per_fund_with_a_point_per_month():
    svg = charts.line_chart([
        ("顺义", [("2022-01", Decimal("991999.45")), ("2022-02", Decimal("979599.45")),
                ("2022-03", Decimal("944699.45"))]),
        ("大兴", [("2022-01", Decimal("500000.00")), ("2022-02", Decimal("500000.00")),
                ("2022-03", Decimal("500000.00"))]),
    ], title="余额")
    assert svg.count("<polyline") == 2
    assert svg.count("<circle") == 6
    assert "2022-03" in svg and "944,699.45" in svg
    assert "顺义" in svg and "大兴" in svg


def test_a_line_chart_with_one_month_still_draws_its_point():
    svg = charts.line_chart([("顺义", [("2022-01", Decimal("10.00"))])], title="余额")
    assert svg.count("<circle") == 1


def test_the_balance_axis_hugs_the_figures_so_a_small_movement_shows():
    svg = charts.line_chart([("顺义", [("2022-01", Decimal("991999.45")), ("2022-02", Decimal("979599.45")),
                                      ("2022-03", Decimal("944699.45"))])], title="余额")
    assert "940,000.00" in svg and "1,000,000.00" in svg
    assert ">0.00<" not in svg


def test_a_flat_or_negative_balance_still_gets_an_axis():
    flat = charts.line_chart([("顺义", [("2022-01", Decimal("500000.00")), ("2022-02", Decimal("500000.00"))])],
                             title="余额")
    assert flat.count("<circle") == 2
    negative = charts.line_chart([("顺义", [("2022-01", Decimal("-120.00")), ("2022-02", Decimal("30.00"))])],
                                 title="余额")
    assert "-150.00" in negative or "-200.00" in negative
