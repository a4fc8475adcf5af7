"""Shipped tax tables against the figures their publishers print."""

from __future__ import annotations

import numpy as np
import pytest

from crossroads.money.tax import SHIPPED, Part, Table, part_tax, shipped, tax_due


def parts(code: str, gross: float) -> dict[str, float]:
    return {p.name: float(part_tax(np.asarray(gross), p)) for p in shipped(code).parts}


def test_singapore_resident_100k_chargeable_income() -> None:
    # IRAS, resident rates from YA2024: 0 + 200 + 350 + 2,800 + 11.5% x 20,000 = 5,650
    assert float(tax_due(100_000.0, shipped("SG"))) == pytest.approx(5_650.0, abs=0.005)


def test_india_new_regime_30_lakh_salary_with_cess() -> None:
    # FY2025-26: 30,00,000 - 75,000 standard deduction = 29,25,000 taxable;
    # slabs 20,000 + 40,000 + 60,000 + 80,000 + 1,00,000 + 30% x 5,25,000 = 4,57,500; cess 4%
    assert float(tax_due(3_000_000.0, shipped("IN"))) == pytest.approx(475_800.0, abs=0.005)


def test_uk_60k_income_tax_and_employee_ni() -> None:
    got = parts("UK", 60_000.0)
    assert got["income tax"] == pytest.approx(11_432.0, abs=0.005)
    assert got["National Insurance (Class 1 employee)"] == pytest.approx(3_210.60, abs=0.005)


def test_us_federal_80k_wage_against_the_irs_schedule() -> None:
    # IRS Rev. Proc. 2024-40, 2025 Schedule X (single): taxable income over $48,475 but not
    # over $103,350 owes "$5,578.50 plus 22% of the excess over $48,475". An $80,000 wage
    # less the $15,750 standard deduction (P.L. 119-21) is $64,250 taxable:
    # 5,578.50 + 0.22 x 15,775 = 9,049.00. FICA: 6.2% and 1.45% of $80,000.
    got = parts("US", 80_000.0)
    assert got["federal income tax"] == pytest.approx(9_049.0, abs=0.005)
    assert got["Social Security (employee)"] == pytest.approx(4_960.0, abs=0.005)
    assert got["Medicare (employee)"] == pytest.approx(1_160.0, abs=0.005)


def test_us_schedule_top_bracket_base_and_fica_caps() -> None:
    # Rev. Proc. 2024-40 prints $188,769.75 as the tax at $626,350 of taxable income
    us = parts("US", 626_350.0 + 15_750.0)
    assert us["federal income tax"] == pytest.approx(188_769.75, abs=0.005)
    assert us["Social Security (employee)"] == pytest.approx(0.062 * 176_100, abs=0.005)
    assert parts("US", 300_000.0)["Medicare (employee)"] == pytest.approx(
        0.0145 * 300_000 + 0.009 * 100_000, abs=0.005)


def test_uk_personal_allowance_taper() -> None:
    # at 125,140 the allowance is gone: 20% x 37,700 + 40% x (125,140 - 37,700) = 42,516
    assert parts("UK", 125_140.0)["income tax"] == pytest.approx(42_516.0, abs=0.005)
    # at 110,000 it is 12,570 - 5,000: taxable 102,430
    assert parts("UK", 110_000.0)["income tax"] == pytest.approx(
        0.2 * 37_700 + 0.4 * (102_430 - 37_700), abs=0.005)


@pytest.mark.parametrize(("gross", "due"), [
    (1_275_000.0, 0.0),                 # taxable 12,00,000: rebate takes all 60,000
    (1_300_000.0, 25_000 * 1.04),       # 87A marginal relief: no more than 25,000 above 12 lakh
    (5_075_000.0, 1_080_000 * 1.04),    # taxable exactly 50 lakh: no surcharge
    (5_100_000.0, 1_105_000 * 1.04),    # surcharge marginal relief: 10,80,000 + 25,000
    (5_200_000.0, 1_205_000 * 1.04),    # still relieved: 11,17,500 x 1.1 > 10,80,000 + 1,25,000
    (6_000_000.0, 1_357_500 * 1.1 * 1.04),  # past the relief: 10% surcharge in full
])
def test_india_rebate_and_surcharge_marginal_relief(gross: float, due: float) -> None:
    assert float(tax_due(gross, shipped("IN"))) == pytest.approx(due, abs=0.01)


def test_no_tax_on_no_pay_and_tables_cite_their_source() -> None:
    for code in SHIPPED:
        table = shipped(code)
        assert float(tax_due(0.0, table)) == 0.0 and float(tax_due(-5e4, table)) == 0.0
        assert table.source and table.year and table.licence and table.currency


def test_vectorised_over_any_shape() -> None:
    table = Table("t", "t", "USD", (Part("p", ((0.0, 0.1), (10.0, 0.5))),))
    gross = np.array([[0.0, 10.0], [20.0, 30.0]])
    assert tax_due(gross, table).tolist() == [[0.0, 1.0], [6.0, 11.0]]
