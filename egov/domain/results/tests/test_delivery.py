"""Delivery (送达): the applicant chooses, the office moves it on; encrypted address; pages."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from egov.domain.results.models import Delivery, DeliveryEvent, DeliveryStatus
from egov.domain.results.services import delivery_choose, delivery_update
from egov.domain.results.tests.conftest import World
from egov.kernel.access.policy import AccessDenied
from egov.kernel.audit.models import AuditEntry
from egov.kernel.errors import Conflict, Rejected

ADDRESS = "兴安盟科尔沁右翼前旗科尔沁镇幸福路12号"


def choose_post(world: World) -> Delivery:
    return delivery_choose(actor=world.applicant, case=world.case, method="post", address=ADDRESS, phone="13912345678")


def test_the_applicant_chooses_post_and_the_address_is_encrypted(world: World) -> None:
    delivery = choose_post(world)
    row = Delivery.objects.values("address_cipher", "phone_cipher").get(pk=delivery.pk)
    assert ADDRESS not in row["address_cipher"] and "13912345678" not in row["phone_cipher"]
    fresh = Delivery.objects.get(pk=delivery.pk)
    assert (fresh.method, fresh.status, fresh.address, fresh.phone) == ("post", "chosen", ADDRESS, "13912345678")
    entry = AuditEntry.objects.get(action="results.delivery_choose")
    assert entry.detail == {"case": world.case.number, "method": "post"}


def test_the_full_postal_flow_keeps_its_history(world: World) -> None:
    delivery = choose_post(world)
    delivery_update(actor=world.handler, delivery=delivery, status="prepared", note="证照已打印")
    with pytest.raises(Rejected) as caught:
        delivery_update(actor=world.handler, delivery=delivery, status="sent")
    assert caught.value.message == "寄出时请填写快递单号（6–40位字母或数字）"
    delivery_update(actor=world.handler, delivery=delivery, status="sent", tracking_no="EMS1234567890")
    delivery = delivery_update(actor=world.handler, delivery=delivery, status="delivered")
    assert (delivery.status, delivery.tracking_no) == ("delivered", "EMS1234567890")
    history = list(DeliveryEvent.objects.filter(delivery=delivery).values_list("status", "tracking_no"))
    assert history == [("chosen", ""), ("prepared", ""), ("sent", "EMS1234567890"), ("delivered", "")]


def test_pickup_is_collected_and_cannot_be_sent(world: World) -> None:
    delivery = delivery_choose(actor=world.applicant, case=world.case, method="pickup", address="不需要", phone="x")
    assert (delivery.address, delivery.phone) == ("", "")  # kept only for post
    delivery_update(actor=world.handler, delivery=delivery, status="prepared")
    with pytest.raises(Conflict) as caught:
        delivery_update(actor=world.handler, delivery=delivery, status="sent", tracking_no="SF12345678")
    assert caught.value.message == "当前送达状态为“结果已备妥”，不能变更为“已寄出”，请刷新后重试"
    assert delivery_update(actor=world.handler, delivery=delivery, status="collected").status == "collected"


def test_the_choice_can_change_until_the_office_prepares(world: World) -> None:
    delivery_choose(actor=world.applicant, case=world.case, method="electronic")
    delivery = choose_post(world)
    assert Delivery.objects.count() == 1 and delivery.method == "post"
    delivery_update(actor=world.handler, delivery=delivery, status="prepared")
    with pytest.raises(Conflict):
        delivery_choose(actor=world.applicant, case=world.case, method="pickup")
    assert Delivery.objects.get().method == "post"


@pytest.mark.parametrize(
    ("kwargs", "field", "message"),
    [
        ({"method": "drone"}, "method", "请选择送达方式：电子送达、窗口自取或邮寄送达"),
        ({"method": "post", "address": "", "phone": "13912345678"}, "address", "邮寄送达请填写详细的收件地址"),
        ({"method": "post", "address": ADDRESS, "phone": "12345"}, "phone", "请填写收件人的11位手机号码"),
    ],
)
def test_bad_choices_are_refused(world: World, kwargs: dict[str, str], field: str, message: str) -> None:
    with pytest.raises(Rejected) as caught:
        delivery_choose(actor=world.applicant, case=world.case, **kwargs)
    assert (caught.value.field, caught.value.message) == (field, message)
    assert not Delivery.objects.exists()


def test_only_the_applicant_or_a_handler_of_the_unit(world: World) -> None:
    for actor in (world.stranger, world.other_handler):
        with pytest.raises(AccessDenied):
            delivery_choose(actor=actor, case=world.case, method="electronic")
    assert not Delivery.objects.exists()
    assert delivery_choose(actor=world.handler, case=world.case, method="pickup").chosen_by == world.handler
    delivery = Delivery.objects.get()
    for actor in (world.applicant, world.other_handler):
        with pytest.raises(AccessDenied):
            delivery_update(actor=actor, delivery=delivery, status="prepared")
    assert Delivery.objects.get().status == DeliveryStatus.CHOSEN


# --- pages --------------------------------------------------------------------------------------------


def test_the_applicant_page_keeps_what_was_typed_on_error(world: World) -> None:
    client = Client()
    client.force_login(world.applicant)
    url = reverse("results:delivery", args=[world.case.number])
    assert client.get(url).status_code == 200
    response = client.post(url, {"method": "post", "address": ADDRESS, "phone": "12345"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "请填写收件人的11位手机号码" in body
    assert ADDRESS in body
    response = client.post(url, {"method": "post", "address": ADDRESS, "phone": "13912345678"})
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert "邮寄送达" in page and "已选择送达方式" in page
    assert "兴安盟科尔沁右" in page  # the masked address keeps the district only
    assert ADDRESS not in page.split("更改送达方式")[0]


def test_other_people_do_not_find_the_delivery_page(world: World) -> None:
    url = reverse("results:delivery", args=[world.case.number])
    assert Client().get(url).status_code == 302  # to sign-in
    for user in (world.stranger, world.handler):
        client = Client()
        client.force_login(user)
        assert client.get(url).status_code == 404
        assert client.post(url, {"method": "electronic"}).status_code == 404
    assert not Delivery.objects.exists()


def test_the_office_moves_the_delivery_on_its_page(world: World) -> None:
    choose_post(world)
    client = Client()
    client.force_login(world.handler)
    url = reverse("results:office_case", args=[world.case.number])
    page = client.get(url).content.decode()
    assert "139****5678" in page and "13912345678" not in page
    update = reverse("results:delivery_update", args=[world.case.number])
    assert client.post(update, {"d-status": "prepared"}).status_code == 302
    response = client.post(update, {"d-status": "sent", "d-tracking_no": ""})
    assert response.status_code == 400
    assert "寄出时请填写快递单号" in response.content.decode()
    assert client.post(update, {"d-status": "sent", "d-tracking_no": "EMS1234567890"}).status_code == 302
    assert Delivery.objects.get().status == "sent"
    other = Client()
    other.force_login(world.other_handler)
    assert other.post(update, {"d-status": "delivered"}).status_code == 403
    assert Delivery.objects.get().status == "sent"
