"""Codes the platform stores reach users as words (issue 12): audit actions and object
types, clue history, DNA hypotheses and decision bands, CAP message types."""

from __future__ import annotations

import pytest
from django.utils import translation

from homeward.core.audit_actions import AuditAction
from homeward.core.labels import AUDIT_ACTION_LABELS, audit_action_label, object_type_label
from homeward.testing.language import english_words


@pytest.fixture(autouse=True)
def _chinese() -> object:
    with translation.override("zh-hans"):
        yield


def test_every_audit_action_has_a_chinese_label() -> None:
    assert set(AUDIT_ACTION_LABELS) == set(AuditAction)
    for action in AuditAction:
        label = audit_action_label(action)
        assert label != action.value and english_words(label) == [], (action, label)
    assert audit_action_label("login") == "登录"
    assert audit_action_label("victim_return") == "送返"


def test_audit_object_types_are_named_by_their_model() -> None:
    assert object_type_label("tips.tip") == "线索"
    assert object_type_label("no.such") == "no.such"
    assert object_type_label("") == ""


def test_clue_history_and_dna_and_cap_codes_read_as_chinese() -> None:
    from homeward.alerts.models import CapMessage
    from homeward.dna.models import MatchCandidate
    from homeward.tips.models import TipEvent

    assert TipEvent(kind="received").kind_label == "已接收"
    assert TipEvent(kind="triaged").kind_label != "triaged"
    assert TipEvent(kind="joined_case").kind_label == "并入案件"
    candidate = MatchCandidate(hypothesis="couple", decision="SUPPORTS")
    # the DNA codes are the model's choices: the display reads Chinese, never the code
    assert candidate.get_hypothesis_display() not in {"couple", "Both parents"}
    assert candidate.get_decision_display() == "支持亲缘关系"
    excluded = MatchCandidate(hypothesis="duo", decision="EXCLUDES")
    assert excluded.get_decision_display() == "排除亲缘关系"
    assert CapMessage(msg_type="Alert").msg_type_label == "首次预警"
    assert CapMessage(msg_type="Cancel").msg_type_label == "解除"


def test_every_models_object_type_reads_as_chinese() -> None:
    from django.apps import apps

    english = {}
    for model in apps.get_models():
        if not model.__module__.startswith("homeward."):
            continue
        label = object_type_label(model._meta.label_lower)
        if english_words(label):
            english[model._meta.label_lower] = label
    assert english == {}
