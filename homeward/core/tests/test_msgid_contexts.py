"""One English word, several Chinese meanings: each use reads right (issue 12), and the
catalogue check flags an ambiguous word used without a context."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest
from django.utils import translation

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(autouse=True)
def _chinese() -> object:
    with translation.override("zh-hans"):
        yield


def _label(model: type, field: str) -> str:
    return str(model._meta.get_field(field).verbose_name)  # type: ignore[attr-defined]


def test_each_use_of_an_ambiguous_word_reads_right() -> None:
    from homeward.cases.models import Case, SupervisionListing
    from homeward.coordination.models import (
        Activity,
        AnnualReport,
        Meeting,
        PlanTask,
        Scorecard,
    )
    from homeward.prevention.models import DropoutFile
    from homeward.tips.models import Reward
    from homeward.victims.models import ServiceReferral

    assert _label(Case, "title") == "案件名称"
    assert _label(Meeting, "title") == "会议名称"
    assert _label(Activity, "title") == "活动名称"
    assert str(AnnualReport.Status.DUE.label) == "待提交"
    assert str(AnnualReport.Status.ACCEPTED.label) == "审核通过"
    assert _label(AnnualReport, "due_on") == "报送期限"
    assert _label(ServiceReferral, "due_on") == "完成期限"
    assert _label(Scorecard, "grade") == "等次"
    assert _label(DropoutFile, "grade") == "年级"
    assert _label(PlanTask, "deadline") == "完成时限"
    assert _label(SupervisionListing, "deadline") == "督办期限"
    assert _label(Scorecard, "grounds") == "依据"
    assert _label(Reward, "grounds") == "奖励依据"
    assert translation.pgettext("legal aid", "Accept") == "受理"
    assert translation.pgettext("placement", "Accept") == "接收"


def _checker() -> ModuleType:
    spec = importlib.util.spec_from_file_location("check", ROOT / "scripts/check_translations.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_catalogue_check_flags_an_ambiguous_word_without_a_context(tmp_path: Path) -> None:
    catalogue = tmp_path / "django.po"
    catalogue.write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        'msgid "Due"\nmsgstr "期限"\n\n'
        'msgctxt "meeting"\nmsgid "Agenda"\nmsgstr "议程"\n\n'
        'msgid "Agenda"\nmsgstr "日程"\n\n'
        'msgctxt "audit action"\nmsgid "Signed in"\nmsgstr "登录"\n\n'
        'msgid "Signed in"\nmsgstr "登录"\n',
        encoding="utf-8",
    )
    found = _checker().problems(catalogue)
    assert found == [
        "ambiguous without context: 'Due' (use pgettext)",
        "ambiguous without context: 'Agenda' (use pgettext)",
    ]
