"""The classifier: the shipped model loads safely, labels clear posts, follows the
conventions, explains itself with cues that point at the right spans, and its own
inference equals scikit-learn's."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import numpy as np
import pytest

from homeward.screening_engine import LABELS, Model, ModelFormatError, load_model
from homeward.screening_engine.corpus import LabelledPost, load_corpus
from homeward.screening_engine.model import MODEL_PATH
from homeward.screening_engine.train import fit, logits, softmax, to_model


@lru_cache(maxsize=1)
def shipped() -> Model:
    return load_model()


def test_the_shipped_model_is_json_with_its_version_and_provenance() -> None:
    data = json.loads(MODEL_PATH.read_text(encoding="utf-8"))
    assert data["format"] == "homeward-screening-linear"
    model = shipped()
    assert model.version == data["version"]
    assert model.labels == LABELS
    assert len(model.provenance["training_data_sha256"]) == 64
    assert (MODEL_PATH.parent / "evaluation.md").exists()
    assert (MODEL_PATH.parent / "evaluation.json").exists()


def test_a_file_that_is_not_a_model_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "model.json"
    bad.write_text(json.dumps({"format": "pickle", "format_version": 1}), encoding="utf-8")
    with pytest.raises(ModelFormatError):
        load_model(bad)
    data = json.loads(MODEL_PATH.read_text(encoding="utf-8"))
    data["coef"] = data["coef"][:-8]  # truncated array
    bad.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises((ModelFormatError, ValueError)):
        load_model(bad)


CLEAR = [
    ("送养刚满月男宝，健康，营养费8万，可以办出生证明，加v：bb_2024", "illegal_adoption"),
    ("试管代孕包成功包性别，不成功退款，自有代妈团队，微信 dy_888", "surrogacy"),
    ("高价收卵，18-28岁女大学生，一次补贴三万，全程保密，扣扣 12345678", "surrogacy"),
    ("越南新娘包领证，跑了包换，全包十五万，大龄离异都可以，电话13812345678", "bride_trafficking"),
    (
        "缅北高薪招聘打字员，月薪三万，包吃包住包机票，无需经验，护照统一保管",
        "forced_labour_recruitment",
    ),
    ("KTV招女公关，16岁以上学生妹优先，日结三千，包住，可提供路费", "sexual_exploitation"),
    ("今天带宝宝去打疫苗，一点都没哭，真棒", "benign"),
]


@pytest.mark.parametrize(("text", "label"), CLEAR)
def test_clear_posts_get_their_label(text: str, label: str) -> None:
    result = shipped().classify([text])[0]
    assert result.label == label, result.scores
    assert result.flagged == (label != "benign")
    assert abs(sum(result.scores.values()) - 1.0) < 1e-6


CONVENTIONS = [
    # quoting an offer to warn or report it is benign
    ("【警惕】有人在群里发“送养男宝，营养费私聊”，这就是拐卖儿童，大家看到请立即报警", "benign"),
    ("反诈提醒：“缅北高薪招聘打字员，包机票”都是骗局，去了护照就被收，千万别信", "benign"),
    # a search for relatives, or a question about the past, is benign
    ("寻亲：我1990年在重庆菜园坝被拐卖到河南，左手有疤，已在公安机关采血，请帮忙转发", "benign"),
    ("请问正规收养孩子需要什么条件？我们想去福利院依法领养", "benign"),
    # recruiting women with children for begging is forced labour
    (
        "招带孩子的妇女去火车站一带要钱，一天三百，孩子越小越好，管吃住，路费我们出",
        "forced_labour_recruitment",
    ),
    # paid egg donation is surrogacy
    ("爱心捐卵，20-28岁女生，营养费三万，不影响以后生育，私聊", "surrogacy"),
]


@pytest.mark.parametrize(("text", "label"), CONVENTIONS)
def test_the_conventions_of_the_issue(text: str, label: str) -> None:
    result = shipped().classify([text])[0]
    assert result.label == label, result.scores
    if label == "benign":
        assert not result.flagged


def test_cues_point_at_their_spans_in_the_original_text() -> None:
    text = "【送養】宀宝刚满月，健康，營養費私聊，加Ｖ：bao_2024"
    result = shipped().classify([text])[0]
    assert result.label == "illegal_adoption"
    assert result.cues, "a flagged post names its cues"
    assert len(result.cues) <= 8
    for cue in result.cues:
        assert text[cue.start : cue.end] == cue.text
        assert cue.label == result.label
        assert cue.weight > 0
    weights = [cue.weight for cue in result.cues]
    assert weights == sorted(weights, reverse=True)
    normalised = " ".join(cue.normalised for cue in result.cues)
    # the coded spellings are resolved in the cue's normalised form
    assert "男宝" in normalised or "营养费" in normalised or "送养" in normalised


def test_a_coded_baby_is_highlighted_as_written() -> None:
    text = "出宀宝一个，营养费私聊"
    result = shipped().classify([text])[0]
    spans = [(cue.text, cue.normalised) for cue in result.cues]
    assert any("宀" in raw and "男" in norm for raw, norm in spans), spans


def test_identifiers_come_with_the_classification() -> None:
    result = shipped().classify(["送养男宝，营养费私聊，电话一三八 1234 5678，威信 bao_2024"])[0]
    values = {(i.kind, i.value) for i in result.identifiers}
    assert ("phone", "13812345678") in values
    assert ("wechat", "bao_2024") in values


def test_classify_refuses_a_bare_string() -> None:
    with pytest.raises(TypeError):
        shipped().classify("送养男宝")  # type: ignore[arg-type]


def test_own_inference_equals_scikit_learn(tmp_path: Path) -> None:
    posts = load_corpus()
    rng = np.random.default_rng(7)
    by_label: dict[str, list[LabelledPost]] = {}
    for post in posts:
        by_label.setdefault(post.label, []).append(post)
    sample = [
        p
        for label in LABELS
        for p in rng.permutation(np.array(by_label[label], dtype=object))[:40].tolist()
    ]
    fitted = fit(sample, c=4.0)
    model = to_model(fitted, version="test", temperature=0.7, threshold=0.5, provenance={})
    path = tmp_path / "model.json"
    model.save(path)
    reloaded = load_model(path)
    texts = [p.text for p in posts[:200]] + ["", "   ", "👶👶", "Ｖ信"]
    expected = softmax(logits(fitted, texts), 0.7)
    assert np.allclose(reloaded.probabilities(texts), expected, atol=1e-4)


def test_held_out_figures_are_recorded_in_a_copy_of_the_report(tmp_path: Path) -> None:
    import shutil

    from homeward.screening_engine.train import record_heldout

    for name in ("evaluation.json", "evaluation.md"):
        shutil.copy(MODEL_PATH.parent / name, tmp_path / name)
    report = json.loads((tmp_path / "evaluation.json").read_text(encoding="utf-8"))
    figures = report["cross_validation"] | {"model_version": report["version"], "input": "x.jsonl"}
    record_heldout(tmp_path, figures)
    assert (
        json.loads((tmp_path / "evaluation.json").read_text(encoding="utf-8"))["heldout"] == figures
    )
    assert "Independent held-out set" in (tmp_path / "evaluation.md").read_text(encoding="utf-8")
    with pytest.raises(ValueError):
        record_heldout(tmp_path, figures | {"model_version": "another"})


def test_a_cue_is_a_phrase_never_one_character() -> None:
    """A lone 了, 个 or the "b" of an id is no reason a reviewer can read; every flagged
    post of the corpus still gets cues. (Counted in the normalised text: 👶 reads 宝宝.)"""
    texts = [post.text for post in load_corpus()[:1500]]
    results = shipped().classify(texts)
    flagged = [result for result in results if result.label != "benign"]
    assert flagged
    assert all(result.cues for result in flagged)
    assert all(len(cue.normalised) >= 2 for result in results for cue in result.cues)
