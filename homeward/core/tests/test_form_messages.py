"""Forms speak the platform's words: Django's stock messages are replaced by ones that
name the field, raw values are not echoed, hidden fields print no label (issue 12)."""

from __future__ import annotations

import pytest
from django import forms
from django.template.loader import render_to_string
from django.utils import translation

from homeward.testing.language import english_on_page


class Sample(forms.Form):
    """A plain Django form, as any app might write one."""

    title = forms.CharField(label="会议名称", max_length=5)
    status = forms.ChoiceField(label="状态", choices=[("open", "进行中")])
    count = forms.IntegerField(label="人数", min_value=1, max_value=9)
    held_on = forms.DateField(label="召开日期")
    agree = forms.BooleanField(label="已核实")
    phone = forms.RegexField(
        label="电话", regex=r"^\d+$", required=False, error_messages={"invalid": "电话只能是数字。"}
    )
    latitude = forms.FloatField(required=False, widget=forms.HiddenInput)
    idempotency_key = forms.CharField(widget=forms.HiddenInput, min_length=8)


@pytest.fixture(autouse=True)
def _chinese() -> object:
    with translation.override("zh-hans"):
        yield


def test_stock_messages_become_the_platforms_naming_the_field() -> None:
    form = Sample(
        {
            "title": "一二三四五六七",
            "status": "closed",
            "count": "99",
            "held_on": "昨天",
            "phone": "abc",
            "idempotency_key": "k",
        }
    )
    assert not form.is_valid()
    errors = {name: " ".join(messages) for name, messages in form.errors.items()}
    assert errors["title"] == "“会议名称”最多 5 个字，现有 7 个字。"
    assert errors["status"] == "“状态”的选项无效，请重新选择。"
    assert "closed" not in errors["status"]
    assert errors["count"] == "“人数”不能大于 9。"
    assert errors["held_on"] == "“召开日期”请填写有效日期，例如 2026-03-01。"
    assert errors["agree"] == "请勾选“已核实”。"
    # a message the form wrote itself is kept
    assert errors["phone"] == "电话只能是数字。"
    # a hidden field is not named: the page itself is out of date
    assert errors["idempotency_key"] == "页面已过期或不完整，请刷新后重试。"


def test_a_required_field_is_named() -> None:
    form = Sample({})
    assert form.errors["title"] == ["请填写“会议名称”。"]
    assert form.errors["status"] == ["请选择“状态”。"]


def test_hidden_fields_print_no_label() -> None:
    html = render_to_string("_form_fields.html", {"form": Sample()})
    assert "Latitude" not in html and "Idempotency key" not in html
    assert 'type="hidden" name="latitude"' in html
    assert english_on_page(html) == []


def test_a_services_model_validation_reaches_the_form_in_the_platforms_words() -> None:
    from django.core.exceptions import ValidationError
    from django.db import models

    from homeward.core.form_errors import apply_errors

    # given a service whose full_clean() refused two fields with Django's model wording
    try:
        models.CharField(max_length=5).clean("一二三四五六七", None)
    except ValidationError as error:
        too_long = error
    unique = ValidationError(
        models.Field.default_error_messages["unique"],
        code="unique",
        params={"model_name": "会议", "field_label": "会议名称"},
    )
    form = Sample({"title": "一二三", "status": "open", "count": "2", "held_on": "2026-03-01"})
    form.is_valid()
    # when the page puts the refusal on its form
    apply_errors(form, ValidationError({"title": [too_long, unique], "unknown": [unique]}))
    # then every message is the platform's, naming the field
    assert form.errors["title"] == [
        "“会议名称”最多 5 个字，现有 7 个字。",
        "已有相同“会议名称”的记录，请核对。",
    ]
    assert form.non_field_errors() == ["已有相同的记录，请核对。"]
    assert "已存在" not in str(form.errors) and "确保" not in str(form.errors)


@pytest.mark.parametrize(
    ("posted", "expected"),
    [
        ({"version": "7"}, 7),
        ({"version": "长长"}, 0),
        ({"version": "9" * 40}, 0),
        ({}, 0),
        ({"version": "1e9"}, 0),
    ],
)
def test_a_number_posted_back_outside_a_form_is_read_safely(
    posted: dict[str, str], expected: int
) -> None:
    from homeward.core.form_fields import posted_int

    assert posted_int(posted, "version") == expected
