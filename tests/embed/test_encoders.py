"""Which encoder a stored model names (``crosswire.embed.encoder_class``)."""

from __future__ import annotations

import pytest

from crosswire.embed import ENCODERS, MPNetEncoder, SentenceEncoder, encoder_class


@pytest.mark.parametrize(
    "description, expected",
    [
        ("", SentenceEncoder),  # models stored before the name was recorded
        ("all-MiniLM-L6-v2", SentenceEncoder),
        ("all-MiniLM-L6-v2 + LoRA (crosswire.embed.finetune.fine_tune_tagger)", SentenceEncoder),
        ("all-mpnet-base-v2", MPNetEncoder),
        ("all-mpnet-base-v2 + LoRA (crosswire.embed.finetune.fine_tune_tagger)", MPNetEncoder),
    ],
)
def test_encoder_class_reads_the_name_a_model_records(description, expected):
    assert encoder_class(description) is expected


@pytest.mark.parametrize("description", ["bert-base-uncased", "all-mpnet-base-v2x", "all-MiniLM-L12-v2 + LoRA"])
def test_encoder_class_refuses_other_models(description):
    with pytest.raises(ValueError, match="unknown encoder"):
        encoder_class(description)


def test_encoders_are_keyed_by_their_model_name():
    assert {name: cls.MODEL_NAME for name, cls in ENCODERS.items()} == {n: n for n in ENCODERS}
    assert MPNetEncoder.WIDTH == 768 and SentenceEncoder.WIDTH == 384
