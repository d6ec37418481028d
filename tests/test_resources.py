"""``crosswire.resources``: what ``Resources.load`` loads for each setting, and the job run with it."""

from __future__ import annotations

import pytest

from crosswire.config import Config
from crosswire.ingest.readers import read_inputs
from crosswire.pipeline import run
from crosswire.resources import Resources


@pytest.mark.slow
def test_resources_with_both_embedding_settings_share_one_wide_encoder_and_run_the_job(examples_dir):
    from crosswire.embed.mpnet import MPNetEncoder

    cfg = Config(event_embeddings=True, framing_embeddings=True)
    res = Resources.load(cfg)
    wide = res.event_types.wide_encoder
    if not isinstance(wide, MPNetEncoder):
        pytest.skip("the all-mpnet-base-v2 packages are not installed")
    # the CASE head's tuned part and the span tagger's tuned stage are all-mpnet-base-v2 with their own
    # adapters: both share the events' loaded encoder's embeddings and untouched blocks
    stage = res.span_tagger.tuned
    case = res.event_types.head("case2021").tuned
    assert res.span_tagger.uses_tuned and type(stage.tagger.encoder) is MPNetEncoder
    assert stage.tagger.encoder.word is wide.word and stage.tagger.encoder.layers[0] is wide.layers[0]
    assert case is not None and case.model.encoder.word is wide.word
    assert stage.tagger.encoder.layers[-1] is not case.model.encoder.layers[-1]  # each its own adapted blocks
    result = run(read_inputs([str(examples_dir)], max_bytes=cfg.max_bytes), res, cfg)
    assert len(result.analyses) == 2 and result.rejections == ()
    for analysis in result.analyses:
        assert analysis.framing.tagger == "SpanTagger+all-mpnet-base-v2-LoRA"
        assert analysis.events and any(s.label in ("Loaded_Language", "Name_Calling,Labeling") for s in analysis.framing.spans)
