import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from cases import validators as v
from tests.factories import luhn_complete, make_id_number


def code_of(excinfo) -> str:
    return excinfo.value.error_list[0].code


def message_of(excinfo) -> str:
    error = excinfo.value.error_list[0]
    return str(error.message) % (error.params or {})


def test_a_real_format_id_number_gives_birth_date_and_sex_of_a_man():
    number = make_id_number(area="110113", birth=dt.date(1979, 5, 12), seq=123)
    facts = v.parse_id_number(number)
    assert facts.id_number == number
    assert facts.birth_date == dt.date(1979, 5, 12)
    assert facts.sex == "M"  # 17th digit 3 is odd


def test_an_even_seventeenth_digit_is_a_woman():
    facts = v.parse_id_number(make_id_number(birth=dt.date(1990, 2, 28), seq=124))
    assert facts.sex == "F"
    assert facts.birth_date == dt.date(1990, 2, 28)


def test_a_check_character_x_is_accepted_in_either_case():
    # 11010519491231002X is the standard's own example.
    assert v.parse_id_number("11010519491231002X").birth_date == dt.date(1949, 12, 31)
    assert v.parse_id_number("11010519491231002x").id_number == "11010519491231002X"


def test_a_wrong_check_digit_is_refused_and_the_message_names_the_right_one():
    good = make_id_number(seq=123)
    wrong = good[:17] + ("0" if good[17] != "0" else "1")
    with pytest.raises(ValidationError) as excinfo:
        v.validate_id_number(wrong)
    assert code_of(excinfo) == "id_check_digit"
    assert good[17] in message_of(excinfo)


def test_an_impossible_birth_date_is_refused():
    first17 = "11011319790230123"  # 30 February
    with pytest.raises(ValidationError) as excinfo:
        v.validate_id_number(first17 + v.id_check_char(first17))
    assert code_of(excinfo) == "id_birth_date"


def test_a_birth_date_in_the_future_is_refused():
    first17 = "11011320990101123"
    with pytest.raises(ValidationError) as excinfo:
        v.parse_id_number(first17 + v.id_check_char(first17), today=dt.date(2022, 3, 1))
    assert code_of(excinfo) == "id_birth_date"


@pytest.mark.parametrize("value, code", [
    ("11011319790512123", "id_length"),
    ("1101131979051212345", "id_length"),
    ("11011319790512A234", "id_format"),
    ("", "id_length"),
])
def test_id_numbers_of_the_wrong_shape_are_refused(value, code):
    with pytest.raises(ValidationError) as excinfo:
        v.validate_id_number(value)
    assert code_of(excinfo) == code


@pytest.mark.parametrize("phone", ["13812345678", "19912345678", "138 1234 5678"])
def test_mobile_numbers_that_are_valid(phone):
    v.validate_mobile(phone)


@pytest.mark.parametrize("phone", ["12812345678", "1381234567", "138123456789", "010-61234567", "abc"])
def test_mobile_numbers_that_are_not(phone):
    with pytest.raises(ValidationError):
        v.validate_mobile(phone)


@pytest.mark.parametrize("partial", ["622202020000123456", "622848001234567", "62170000123456789"])
def test_bank_cards_with_a_correct_luhn_digit_pass(partial):
    number = luhn_complete(partial)
    assert 16 <= len(number) <= 19
    v.validate_card_number(number)


def test_a_card_with_one_mistyped_digit_fails_luhn():
    number = luhn_complete("622202020000123456")
    wrong = number[:-1] + str((int(number[-1]) + 1) % 10)
    with pytest.raises(ValidationError) as excinfo:
        v.validate_card_number(wrong)
    assert code_of(excinfo) == "card_luhn"


@pytest.mark.parametrize("number", ["4111111111111", "62220202000012345678901", "6222abcd00001234"])
def test_cards_of_the_wrong_length_or_with_letters_are_refused(number):
    with pytest.raises(ValidationError) as excinfo:
        v.validate_card_number(number)
    assert code_of(excinfo) == "card_length"


def test_negative_money_is_refused_and_zero_is_fine():
    v.validate_money_not_negative(Decimal("0.00"))
    with pytest.raises(ValidationError):
        v.validate_money_not_negative(Decimal("-0.01"))


def test_reimbursed_and_other_aid_may_add_up_to_the_total_but_not_more():
    v.validate_amounts(Decimal("100000"), Decimal("60000"), Decimal("40000"))
    with pytest.raises(ValidationError) as excinfo:
        v.validate_amounts(Decimal("100000"), Decimal("60000"), Decimal("40000.01"))
    assert "100,000.00" in message_of(excinfo)


def test_an_event_date_today_is_fine_and_tomorrow_is_refused():
    today = dt.date(2022, 3, 1)
    v.validate_event_date(today, today=today)
    with pytest.raises(ValidationError) as excinfo:
        v.validate_event_date(today + dt.timedelta(days=1), today=today)
    assert code_of(excinfo) == "event_in_future"
