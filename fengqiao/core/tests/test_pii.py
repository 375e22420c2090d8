from hypothesis import given
from hypothesis import strategies as st

from fengqiao.core.pii import (
    id_check_digit,
    is_valid_id_number,
    is_valid_mobile,
    mask_id_number,
    mask_name,
    mask_phone,
)

digits = st.text(alphabet="0123456789", min_size=17, max_size=17)


def test_masks_follow_pii_01_patterns() -> None:
    assert mask_phone("13812345678") == "138****5678"
    assert mask_id_number("110101199003071234") == "110***********1234"
    assert mask_name("张三") == "张*"
    assert mask_name("欧阳修文") == "欧***"
    assert mask_phone("") == ""


def test_known_id_number_check_digit() -> None:
    # GB 11643 worked example: 11010519491231002X
    assert is_valid_id_number("11010519491231002X")
    assert not is_valid_id_number("110105194912310021")
    assert not is_valid_id_number("110105194902300021")  # 30 February


def test_mobile_numbers() -> None:
    assert is_valid_mobile("13912345678")
    assert not is_valid_mobile("12912345678")
    assert not is_valid_mobile("1391234567")


@given(st.dates().filter(lambda d: d.year >= 1900), st.text("0123456789", min_size=9, max_size=9))
def test_generated_ids_validate_and_mask(birth: object, rest: str) -> None:
    first17 = rest[:6] + birth.strftime("%Y%m%d") + rest[6:]  # type: ignore[attr-defined]
    number = first17 + id_check_digit(first17)
    assert is_valid_id_number(number)
    masked = mask_id_number(number)
    assert masked[:3] == number[:3] and masked[-4:] == number[-4:]
    assert number not in masked and set(masked[3:-4]) == {"*"}


@given(digits)
def test_wrong_check_digit_is_rejected(first17: str) -> None:
    right = id_check_digit(first17)
    wrong = next(c for c in "0123456789X" if c != right)
    assert not is_valid_id_number(first17 + wrong)
