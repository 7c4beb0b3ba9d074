"""Citizen and staff sign-in through real URLs: SMS code, TOTP, lockout, idle timeout, sign-out everywhere."""

from __future__ import annotations

import datetime as dt
import json
import re
import time

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from egov.kernel.accounts import services
from egov.kernel.accounts.models import User
from egov.kernel.accounts.tests.factories import PASSWORD, PersonFactory, StaffFactory
from egov.kernel.accounts.views import lockout_response
from egov.kernel.audit.models import AuditEntry
from egov.kernel.notify import sms

TOTP_KEY = "3132333435363738393031323334353637383930"
LOCKED = "登录失败次数过多，账户已锁定30分钟，请稍后再试或联系安全管理员"


def signed_in_user_id(client: Client) -> str | None:
    return client.session.get(SESSION_KEY)


def current_code(key_hex: str) -> str:
    return f"{totp(bytes.fromhex(key_hex)):06d}"


def request_login_code(client: Client, identifier: str, **headers: str):
    return client.post(reverse("accounts:sms_code"), {"page": "login", "identifier": identifier}, **headers)


def sms_code_in_outbox() -> str:
    match = re.search(r"验证码为(\d{6})", sms.outbox[-1].text)
    assert match
    return match.group(1)


# --- citizens -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_citizen_signs_in_with_phone_password_and_sms_code(client: Client) -> None:
    # given
    person = PersonFactory(phone="13712345678")
    request_login_code(client, "13712345678")
    assert sms.outbox[-1].phone == "13712345678"
    # when
    data = {"identifier": "13712345678", "password": PASSWORD, "sms_code": sms_code_in_outbox()}
    response = client.post(reverse("accounts:login"), data)
    # then
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:profile")
    assert signed_in_user_id(client) == str(person.pk)
    assert AuditEntry.objects.filter(action="accounts.sign_in", actor_id=person.pk).count() == 1


@pytest.mark.django_db
def test_citizen_signs_in_with_user_name(client: Client) -> None:
    person = PersonFactory(username="zhangsan")
    request_login_code(client, "zhangsan")
    data = {"identifier": "zhangsan", "password": PASSWORD, "sms_code": sms_code_in_outbox()}
    assert client.post(reverse("accounts:login"), data).status_code == 302
    assert signed_in_user_id(client) == str(person.pk)


@pytest.mark.django_db
def test_wrong_sms_code_does_not_sign_in(client: Client) -> None:
    PersonFactory(phone="13712345678")
    request_login_code(client, "13712345678")
    wrong = "000000" if sms_code_in_outbox() != "000000" else "111111"
    response = client.post(
        reverse("accounts:login"), {"identifier": "13712345678", "password": PASSWORD, "sms_code": wrong}
    )
    assert response.status_code == 400
    assert "验证码错误，请重新输入" in response.content.decode()
    assert signed_in_user_id(client) is None


@pytest.mark.django_db
def test_sms_button_without_js_keeps_what_was_typed(client: Client) -> None:
    PersonFactory(username="zhangsan")
    response = client.post(
        reverse("accounts:sms_code"), {"page": "login", "identifier": "zhangsan", "password": "Secret#123"}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "如账户存在，验证码已发送至其绑定的手机号码，5分钟内有效" in page
    assert 'value="zhangsan"' in page
    assert "Secret#123" not in page
    assert len(sms.outbox) == 1


@pytest.mark.django_db
def test_sms_button_with_htmx_answers_with_a_status_line(client: Client) -> None:
    response = request_login_code(client, "nobody", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert response.content.decode().startswith('<p id="sms-status"')
    assert "如账户存在，验证码已发送至其绑定的手机号码" in response.content.decode()
    assert sms.outbox == []  # unknown account: same answer, nothing sent


@pytest.mark.django_db
def test_sms_button_shows_the_rate_limit(client: Client) -> None:
    data = {"page": "register", "kind": "person", "phone": "13812345678", "real_name": "张三"}
    client.post(reverse("accounts:sms_code"), data)
    response = client.post(reverse("accounts:sms_code"), data)
    page = response.content.decode()
    assert response.status_code == 400
    assert "验证码发送过于频繁，请60秒后再试" in page
    assert 'value="张三"' in page


@pytest.mark.django_db
def test_staff_may_not_sign_in_on_the_citizen_page(client: Client) -> None:
    StaffFactory(username="wangwu")
    response = client.post(
        reverse("accounts:login"), {"identifier": "wangwu", "password": PASSWORD, "sms_code": "123456"}
    )
    assert response.status_code == 400
    assert "请使用政务人员登录入口" in response.content.decode()
    assert signed_in_user_id(client) is None


# --- staff ----------------------------------------------------------------------------------------


def staff_with_totp(**kwargs: object) -> User:
    return services.staff_create(
        username=kwargs.pop("username", "wangwu"), real_name="王五", password=PASSWORD, totp_key_hex=TOTP_KEY
    )


@pytest.mark.django_db
def test_staff_signs_in_with_password_then_totp(client: Client) -> None:
    # given
    staff = staff_with_totp()
    # when step 1
    first = client.post(reverse("accounts:office_login"), {"username": "wangwu", "password": PASSWORD})
    # then no session yet, only the pending second step
    assert first["Location"] == reverse("accounts:office_verify")
    assert signed_in_user_id(client) is None
    # when step 2
    second = client.post(reverse("accounts:office_verify"), {"code": current_code(TOTP_KEY)})
    # then
    assert second.status_code == 302
    assert second["Location"] == reverse("web:office_home")
    assert signed_in_user_id(client) == str(staff.pk)
    assert client.session["otp_device_id"] == TOTPDevice.objects.get(user=staff).persistent_id


@pytest.mark.django_db
def test_wrong_totp_code_does_not_sign_in(client: Client) -> None:
    staff_with_totp()
    client.post(reverse("accounts:office_login"), {"username": "wangwu", "password": PASSWORD})
    right = current_code(TOTP_KEY)
    response = client.post(reverse("accounts:office_verify"), {"code": f"{(int(right) + 1) % 1_000_000:06d}"})
    assert response.status_code == 400
    assert "动态口令不正确或已使用，请等待下一个口令后重试" in response.content.decode()
    assert signed_in_user_id(client) is None


@pytest.mark.django_db
def test_totp_step_without_the_password_step_is_refused(client: Client) -> None:
    staff_with_totp()
    response = client.post(reverse("accounts:office_verify"), {"code": current_code(TOTP_KEY)})
    assert response["Location"] == reverse("accounts:office_login")
    assert signed_in_user_id(client) is None


@pytest.mark.django_db
def test_staff_without_a_device_enrols_with_a_qr_code(client: Client) -> None:
    staff = services.staff_create(username="zhaoliu", real_name="赵六", password=PASSWORD)
    first = client.post(reverse("accounts:office_login"), {"username": "zhaoliu", "password": PASSWORD})
    assert first["Location"] == reverse("accounts:office_enroll")
    page = client.get(reverse("accounts:office_enroll"))
    assert "<svg" in page.content.decode()
    device = TOTPDevice.objects.get(user=staff, confirmed=False)
    response = client.post(reverse("accounts:office_enroll"), {"code": current_code(device.key)})
    assert response.status_code == 302
    assert signed_in_user_id(client) == str(staff.pk)
    device.refresh_from_db()
    assert device.confirmed
    assert AuditEntry.objects.filter(action="accounts.totp_enroll", actor_id=staff.pk).exists()


@pytest.mark.django_db
def test_citizen_may_not_sign_in_on_the_office_page(client: Client) -> None:
    PersonFactory(username="zhangsan")
    response = client.post(reverse("accounts:office_login"), {"username": "zhangsan", "password": PASSWORD})
    assert response.status_code == 400
    assert "该入口仅供公职人员使用" in response.content.decode()
    assert "accounts_pending_staff" not in client.session


@pytest.mark.django_db
def test_expired_staff_password_leads_to_the_change_page(client: Client) -> None:
    staff = staff_with_totp()
    User.objects.filter(pk=staff.pk).update(password_changed_at=timezone.now() - dt.timedelta(days=91))
    client.post(reverse("accounts:office_login"), {"username": "wangwu", "password": PASSWORD})
    response = client.post(reverse("accounts:office_verify"), {"code": current_code(TOTP_KEY)})
    assert response["Location"] == reverse("accounts:office_password")
    page = client.get(reverse("accounts:office_password")).content.decode()
    assert "您的密码已超过90天未修改，请先修改密码" in page


@pytest.mark.django_db
def test_lockout_after_five_failures_refuses_even_the_right_password(client: Client) -> None:
    # given a staff member and five wrong passwords
    staff_with_totp()
    responses = [
        client.post(reverse("accounts:office_login"), {"username": "wangwu", "password": f"Wrong#{i}xx"})
        for i in range(5)
    ]
    assert [r.status_code for r in responses] == [400, 400, 400, 400, 429]
    # when the sixth attempt has the right password
    sixth = client.post(reverse("accounts:office_login"), {"username": "wangwu", "password": PASSWORD})
    # then it is refused with the Chinese lockout page and no second step is opened
    assert sixth.status_code == 429
    assert LOCKED in sixth.content.decode()
    assert "accounts_pending_staff" not in client.session
    assert AuditEntry.objects.filter(action="accounts.locked_out").exists()


@pytest.mark.django_db
def test_lockout_answers_json_on_api_paths() -> None:
    response = lockout_response(RequestFactory().post("/api/public/anything"))
    assert response.status_code == 429
    assert json.loads(response.content) == {"error": {"code": "locked_out", "message": LOCKED}}


# --- sessions -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_idle_session_ends_and_the_login_page_says_why(client: Client) -> None:
    person = PersonFactory()
    client.force_login(person)
    assert client.get(reverse("accounts:profile")).status_code == 200
    session = client.session
    session["last_seen"] = time.time() - 31 * 60
    session.save()
    response = client.get(reverse("accounts:profile"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert "由于长时间未操作，您已安全退出，请重新登录" in client.get(reverse("accounts:login")).content.decode()


@pytest.mark.django_db
def test_sign_out_everywhere_ends_the_other_sessions(client: Client) -> None:
    # given the same person signed in on two devices
    person = PersonFactory()
    other_device = Client()
    other_device.force_login(person)
    assert other_device.get(reverse("accounts:profile")).status_code == 200
    client.force_login(person)
    # when one of them signs out everywhere
    response = client.post(reverse("accounts:sign_out_everywhere"))
    # then both are signed out
    assert response["Location"] == reverse("accounts:login")
    assert other_device.get(reverse("accounts:profile")).status_code == 302
    assert signed_in_user_id(client) is None
    person.refresh_from_db()
    assert person.sessions_valid_after is not None
    assert AuditEntry.objects.filter(action="accounts.sign_out_everywhere", actor_id=person.pk).count() == 1


@pytest.mark.django_db
def test_logout_is_post_only(client: Client) -> None:
    client.force_login(PersonFactory())
    assert client.get(reverse("accounts:logout")).status_code == 405
    assert client.post(reverse("accounts:logout"))["Location"] == reverse("accounts:login")
    assert signed_in_user_id(client) is None


@pytest.mark.django_db
def test_password_page_changes_the_password_and_keeps_the_session(client: Client) -> None:
    person = PersonFactory()
    client.force_login(person)
    data = {"old_password": PASSWORD, "new_password": "Brand#New2024", "new_password_confirm": "Brand#New2024"}
    response = client.post(reverse("accounts:password"), data)
    assert response["Location"] == reverse("accounts:profile")
    assert client.get(reverse("accounts:profile")).status_code == 200
    person.refresh_from_db()
    assert person.check_password("Brand#New2024")


@pytest.mark.django_db
def test_password_page_shows_the_history_rule(client: Client) -> None:
    person = PersonFactory()
    services.record_password_history(person)
    client.force_login(person)
    data = {"old_password": PASSWORD, "new_password": PASSWORD, "new_password_confirm": PASSWORD}
    response = client.post(reverse("accounts:password"), data)
    assert response.status_code == 400
    assert "新密码不能与最近5次使用过的密码相同" in response.content.decode()


@pytest.mark.parametrize(
    ("url_name", "text"),
    [
        ("accounts:login", "获取验证码"),
        ("accounts:register", "个人注册（自然人）"),
        ("accounts:office_login", "政务人员登录"),
    ],
)
@pytest.mark.django_db
def test_sign_in_pages_render_in_chinese(client: Client, url_name: str, text: str) -> None:
    response = client.get(reverse(url_name))
    assert response.status_code == 200
    assert text in response.content.decode()


@pytest.mark.django_db
def test_profile_shows_masked_data_and_saves_preferences(client: Client) -> None:
    person = PersonFactory(phone="13612345678", id_number="15220119900101123X")
    client.force_login(person)
    page = client.get(reverse("accounts:profile")).content.decode()
    assert "1522**********123X" in page
    assert "136****5678" in page
    assert "13612345678" not in page
    response = client.post(reverse("accounts:preferences"), {"elder_mode": "on", "preferred_language": "mn"})
    assert response["Location"] == reverse("accounts:profile")
    person.refresh_from_db()
    assert (person.elder_mode, person.preferred_language) == (True, "mn")


@pytest.mark.django_db
def test_requests_within_a_minute_do_not_rewrite_the_session(client: Client) -> None:
    client.force_login(PersonFactory())
    assert client.get(reverse("accounts:profile")).status_code == 200
    first = client.session["last_seen"]
    # a second request moments later leaves the stored moment (and so the session row) alone
    assert client.get(reverse("accounts:profile")).status_code == 200
    assert client.session["last_seen"] == first
    # once the moment is more than a minute old, the next request moves it
    session = client.session
    session["last_seen"] = time.time() - 5 * 60
    session.save()
    assert client.get(reverse("accounts:profile")).status_code == 200
    assert client.session["last_seen"] > time.time() - 60
