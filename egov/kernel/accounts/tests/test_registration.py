"""Self-registration of natural and legal persons, and the SMS codes it relies on."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from egov.kernel.accounts import services
from egov.kernel.accounts.models import User, UserKind
from egov.kernel.accounts.tests.factories import LegalFactory, PersonFactory, resident_id, uscc
from egov.kernel.audit.models import AuditEntry
from egov.kernel.crypto import blind_index
from egov.kernel.errors import Rejected
from egov.kernel.notify import sms

PHONE = "13812345678"
PASSWORD = "Hinggan#2024"


def last_code() -> str:
    match = re.search(r"验证码为(\d{6})", sms.outbox[-1].text)
    assert match
    return match.group(1)


def send_code(phone: str = PHONE, purpose: str = "register") -> str:
    services.sms_code_send(phone=phone, purpose=purpose)
    return last_code()


def person_data(**overrides: str) -> dict[str, str]:
    data = {"real_name": "张三", "id_number": resident_id(7), "phone": PHONE, "password": PASSWORD}
    return {**data, **overrides}


@pytest.mark.django_db
def test_person_registers_with_a_verified_phone() -> None:
    # given
    code = send_code()
    # when
    user = services.person_register(**person_data(), sms_code=code)
    # then
    user = User.objects.get(pk=user.pk)
    assert (user.kind, user.real_name, user.id_number, user.phone) == (UserKind.PERSON, "张三", resident_id(7), PHONE)
    assert user.username.startswith("zrr_")
    assert user.check_password(PASSWORD)
    assert user.password_history.count() == 1
    entry = AuditEntry.objects.get(action="accounts.person_register")
    assert entry.actor_id == user.pk
    assert resident_id(7) not in str(entry.detail) + entry.target_repr


@pytest.mark.django_db
def test_legal_person_registers_with_uscc_and_operator() -> None:
    code = send_code()
    user = services.legal_register(
        organization_name="兴安盟草原科技有限公司",
        uscc="91350100M000100Y43",
        legal_representative="李四",
        real_name="王五",
        phone=PHONE,
        password=PASSWORD,
        sms_code=code,
        username="caoyuan",
    )
    user.refresh_from_db()
    assert (user.kind, user.uscc, user.username, user.display_name) == (
        UserKind.LEGAL,
        "91350100M000100Y43",
        "caoyuan",
        "兴安盟草原科技有限公司",
    )


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        (
            {"id_number": resident_id(7)[:-1] + ("1" if resident_id(7)[-1] != "1" else "2")},
            "id_number",
            "身份证号码校验位不正确",
        ),
        ({"id_number": "1522011990"}, "id_number", "身份证号码应为18位"),
        ({"phone": "2381234567"}, "phone", "手机号码应为11位，以1开头"),
        ({"real_name": " "}, "real_name", "请填写姓名"),
        (
            {"password": "abcdefgh"},
            "password",
            "这个密码太常见了。；密码须包含大写字母、小写字母、数字、符号中的至少三类",
        ),
    ],
)
@pytest.mark.django_db
def test_person_registration_errors(overrides: dict[str, str], field: str, message: str) -> None:
    code = send_code()
    with pytest.raises(Rejected) as raised:
        services.person_register(**person_data(**overrides), sms_code=code)
    assert (raised.value.field, raised.value.message) == (field, message)
    assert not User.objects.exists()


@pytest.mark.django_db
def test_a_resident_id_registers_only_once() -> None:
    PersonFactory(id_number=resident_id(7))
    code = send_code()
    with pytest.raises(Rejected) as raised:
        services.person_register(**person_data(), sms_code=code)
    assert (raised.value.field, raised.value.message) == ("id_number", "该身份证号码已注册")
    assert User.objects.count() == 1


@pytest.mark.django_db
def test_a_phone_number_names_one_citizen_account() -> None:
    PersonFactory(phone=PHONE)
    code = send_code()
    with pytest.raises(Rejected) as raised:
        services.person_register(**person_data(), sms_code=code)
    assert raised.value.message == "该手机号码已注册"


@pytest.mark.django_db
def test_bad_and_duplicate_uscc_are_refused() -> None:
    LegalFactory(uscc=uscc(3))
    code = send_code()
    common = {"legal_representative": "李四", "real_name": "王五", "phone": PHONE, "password": PASSWORD}
    with pytest.raises(Rejected) as bad:
        services.legal_register(organization_name="甲公司", uscc="91350100M000100Y44", **common, sms_code=code)
    with pytest.raises(Rejected) as duplicate:
        services.legal_register(organization_name="乙公司", uscc=uscc(3), **common, sms_code=code)
    assert bad.value.message == "统一社会信用代码校验位不正确"
    assert duplicate.value.message == "该统一社会信用代码已注册"
    assert User.objects.count() == 1


@pytest.mark.django_db
def test_wrong_sms_code_is_refused_and_five_wrong_codes_burn_it() -> None:
    code = send_code()
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(4):
        with pytest.raises(Rejected) as raised:
            services.person_register(**person_data(), sms_code=wrong)
        assert raised.value.message == "验证码错误，请重新输入"
    with pytest.raises(Rejected) as fifth:
        services.person_register(**person_data(), sms_code=wrong)
    assert fifth.value.message == "验证码错误次数过多，请重新获取"
    with pytest.raises(Rejected) as right_but_burnt:
        services.person_register(**person_data(), sms_code=code)
    assert right_but_burnt.value.message == "验证码已失效，请重新获取"
    assert not User.objects.exists()


@pytest.mark.django_db
def test_a_code_is_used_once_and_only_for_its_purpose() -> None:
    code = send_code(purpose="login")
    with pytest.raises(Rejected) as other_purpose:
        services.sms_code_verify(phone=PHONE, purpose="register", code=code)
    assert other_purpose.value.message == "验证码已失效，请重新获取"
    services.sms_code_verify(phone=PHONE, purpose="login", code=code)
    with pytest.raises(Rejected) as reused:
        services.sms_code_verify(phone=PHONE, purpose="login", code=code)
    assert reused.value.message == "验证码已失效，请重新获取"


def test_sms_codes_are_rate_limited_per_minute_and_per_day() -> None:
    services.sms_code_send(phone=PHONE, purpose="register")
    with pytest.raises(Rejected) as too_soon:
        services.sms_code_send(phone=PHONE, purpose="login")
    assert too_soon.value.message == "验证码发送过于频繁，请60秒后再试"
    services.sms_code_send(phone="13900000000", purpose="register")  # another phone is not affected
    cooldown_key = f"accounts:sms:cooldown:{blind_index(PHONE, purpose='phone')}"
    for _ in range(9):
        services.cache.delete(cooldown_key)  # as if a minute had passed
        services.sms_code_send(phone=PHONE, purpose="register")
    services.cache.delete(cooldown_key)
    with pytest.raises(Rejected) as eleventh:
        services.sms_code_send(phone=PHONE, purpose="register")
    assert eleventh.value.message == "该手机号码今日获取验证码次数已达上限，请明天再试"
    assert len([m for m in sms.outbox if m.phone == PHONE]) == 10


def test_the_cache_keeps_only_a_keyed_hash_of_the_code() -> None:
    code = send_code()
    stored = services.cache.get(services._sms_keys(PHONE, "register")[0])
    assert stored != code
    assert code not in stored


@pytest.mark.django_db
def test_register_page_registers_and_signs_in(client) -> None:
    code = send_code()
    data = {**person_data(), "password_confirm": PASSWORD, "sms_code": code, "kind": "person"}
    response = client.post(reverse("accounts:register"), data)
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:profile")
    profile = client.get(reverse("accounts:profile"))
    assert "1522**********" in profile.content.decode()
    assert resident_id(7) not in profile.content.decode()


@pytest.mark.django_db
def test_register_page_shows_the_error_and_keeps_what_was_typed(client) -> None:
    bad_id = resident_id(7)[:-1] + ("1" if resident_id(7)[-1] != "1" else "2")
    data = {**person_data(id_number=bad_id), "password_confirm": PASSWORD, "sms_code": "123456", "kind": "person"}
    response = client.post(reverse("accounts:register"), data)
    page = response.content.decode()
    assert response.status_code == 400
    assert "身份证号码校验位不正确" in page
    assert f'value="{bad_id}"' in page
    assert 'value="张三"' in page
    assert PASSWORD not in page
    assert not User.objects.exists()


@pytest.mark.django_db
def test_legal_tab_is_chosen_by_kind(client) -> None:
    page = client.get(reverse("accounts:register") + "?kind=legal").content.decode()
    assert "统一社会信用代码" in page
    assert 'name="kind" value="legal"' in page
