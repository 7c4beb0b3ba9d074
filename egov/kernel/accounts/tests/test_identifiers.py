"""Statutory checksums (GB 11643-1999, GB 32100-2015) as the accounts app relies on them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from egov.kernel.identifiers import (
    ID_CHECK,
    USCC_ALPHABET,
    mask_mobile,
    mask_resident_id,
    resident_id_check_char,
    uscc_check_char,
    validate_resident_id,
    validate_uscc,
)


@st.composite
def valid_resident_ids(draw: st.DrawFn) -> str:
    division = draw(st.from_regex(r"\A[1-8]\d{5}\Z"))
    born = draw(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2020, 12, 31)))
    sequence = draw(st.integers(min_value=0, max_value=999))
    first17 = f"{division}{born:%Y%m%d}{sequence:03d}"
    return first17 + resident_id_check_char(first17)


@st.composite
def valid_usccs(draw: st.DrawFn) -> str:
    first17 = "".join(draw(st.lists(st.sampled_from(USCC_ALPHABET), min_size=17, max_size=17)))
    return first17 + uscc_check_char(first17)


@pytest.mark.parametrize("number", ["11010519491231002X", "34052419800101001X"])
def test_standard_resident_id_examples_pass(number: str) -> None:
    assert validate_resident_id(number) == number


@pytest.mark.parametrize("code", ["9144030071526726XG", "91350100M000100Y43"])
def test_standard_uscc_examples_pass(code: str) -> None:
    assert validate_uscc(code) == code


@given(valid_resident_ids())
def test_every_generated_resident_id_passes(number: str) -> None:
    assert validate_resident_id(number.lower()) == number


@given(valid_resident_ids(), st.data())
def test_every_mutation_of_the_id_check_character_fails(number: str, data: st.DataObject) -> None:
    wrong = data.draw(st.sampled_from([c for c in ID_CHECK if c != number[-1]]))
    with pytest.raises(ValidationError) as raised:
        validate_resident_id(number[:-1] + wrong)
    assert raised.value.messages == ["身份证号码校验位不正确"]


@given(valid_usccs())
def test_every_generated_uscc_passes(code: str) -> None:
    assert validate_uscc(code) == code


@given(valid_usccs(), st.data())
def test_every_mutation_of_the_uscc_check_character_fails(code: str, data: st.DataObject) -> None:
    wrong = data.draw(st.sampled_from([c for c in USCC_ALPHABET if c != code[-1]]))
    with pytest.raises(ValidationError) as raised:
        validate_uscc(code[:-1] + wrong)
    assert raised.value.messages == ["统一社会信用代码校验位不正确"]


def test_masking_keeps_four_and_four_of_an_id_and_three_and_four_of_a_phone() -> None:
    assert mask_resident_id("15220119900101123X") == "1522**********123X"
    assert mask_mobile("13912345678") == "139****5678"
