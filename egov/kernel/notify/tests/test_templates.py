from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from egov.kernel.notify.models import Channel, MessageTemplate
from egov.kernel.notify.rendering import render_text

pytestmark = pytest.mark.django_db


def make(body: str, variables: list[str], subject: str = "") -> MessageTemplate:
    return MessageTemplate(event="test.event", channel=Channel.INAPP, subject=subject, body=body, variables=variables)


def test_undeclared_variable_is_rejected_with_its_name() -> None:
    template = make("办件{{ case_title }}请于{{ deadline }}前办理", ["case_title"])
    with pytest.raises(ValidationError) as caught:
        template.full_clean()
    assert caught.value.message_dict == {"body": ["模板中使用了未声明的变量：deadline"]}


def test_undeclared_variables_in_subject_filters_and_conditions_are_all_found() -> None:
    template = make(
        "{% if urgent or level > limit %}{{ name|default:fallback }}{% endif %}", ["name"], subject="{{ title }}"
    )
    with pytest.raises(ValidationError) as caught:
        template.full_clean()
    assert caught.value.message_dict == {
        "subject": ["模板中使用了未声明的变量：title"],
        "body": ["模板中使用了未声明的变量：fallback、level、limit、urgent"],
    }


def test_loop_and_with_variables_count_as_declared_inside_their_block_only() -> None:
    ok = make(
        "{% for item in items %}{{ forloop.counter }}.{{ item.subject }}{% endfor %}"
        "{% with n=count %}{{ n }}{% endwith %}",
        ["items", "count"],
    )
    ok.full_clean()
    outside = make("{% for item in items %}{% endfor %}{{ item }}", ["items"])
    with pytest.raises(ValidationError) as caught:
        outside.full_clean()
    assert caught.value.message_dict == {"body": ["模板中使用了未声明的变量：item"]}


def test_syntax_error_is_rejected() -> None:
    template = make("{% if case_title %}未闭合", ["case_title"])
    with pytest.raises(ValidationError) as caught:
        template.full_clean()
    assert caught.value.message_dict["body"][0].startswith("模板语法错误：")


def test_tags_outside_the_safe_subset_are_rejected() -> None:
    template = make('{% include "web/base.html" %}', [])
    with pytest.raises(ValidationError) as caught:
        template.full_clean()
    assert caught.value.message_dict == {"body": ["模板中使用了不允许的标签：{% include %}"]}


def test_declared_variables_must_be_a_list_of_names() -> None:
    template = make("{{ a }}", ["a", "not a name"])
    with pytest.raises(ValidationError) as caught:
        template.full_clean()
    assert caught.value.message_dict == {"variables": ['变量声明应为变量名列表，如 ["case_title", "deadline"]']}


def test_every_seeded_template_passes_the_check() -> None:
    seeded = list(MessageTemplate.objects.all())
    events = {t.event for t in seeded}
    assert {
        "accounts.sms_code",
        "workflow.item_assigned",
        "workflow.item_warning",
        "workflow.item_overdue",
        "workflow.case_completed",
        "workflow.supervision",
        "notify.daily_digest",
    } <= events
    for template in seeded:
        template.full_clean()


def test_rendering_is_plain_text_escaped_only_where_displayed() -> None:
    assert render_text("{{ a }} & {{ b }}", {"a": "<申请>", "b": "x"}) == "<申请> & x"
