from gen import Card
c = Card("whisper-tiny", header=[
 "Style model: openai/whisper-tiny README (model-index with WER results, shared family table of checkpoints, Evaluated Use).",
 "True card. Only the 'tiny' row of the checkpoint table is about this model; 'up to 30s' is an audio duration, not a token window.",
 "'39 M' -> 39000000. It is the paper's figure; the Hub checkpoint holds about 37.8M parameters (the Hub page shows 37.8M).",
 "  Borderline: counted as a true card (the paper's rounded figure, ~3% above the checkpoint); a checker should treat",
 "  '39 M' as approximate and must not fail it.",
])
for v, ds in [(7.54, "librispeech_asr clean test"), (17.15, "librispeech_asr other test"), (141, "mozilla-foundation/common_voice_11_0 hi test")]:
    c.claim("evaluations", {"metric": "wer", "value": v, "dataset": ds}, f"value: {v}")
c.claim("license", "apache-2.0", "license: apache-2.0")
c.claim("architecture", "whisper", "Whisper is a Transformer based encoder-decoder model")
c.claim("parameters", 39000000, "39 M", unit="params", after="| tiny     |")
c.claim("uses_intended", "AI researchers studying robustness/generalization; ASR for developers, especially English", "The primary intended users of these models are AI researchers")
c.claim("out_of_scope", "transcribing recordings without consent; subjective classification; high-risk decision-making; inferring human attributes", "we caution against using Whisper models to transcribe recordings of individuals taken without their consent")
c.claim("limitations", "hallucination: predictions may include text not spoken in the audio", "(i.e. hallucination)")

c.nc("74 M", "another checkpoint (whisper-base)")
c.nc("244 M", "another checkpoint (whisper-small)")
c.nc("| large    | 1550 M", "another checkpoint (whisper-large)")
c.nc("audio samples of up to 30s in duration", "input audio duration, not a token context window")
c.nc("chunk_length_s=30", "pipeline option")
c.nc("batch_size=8", "code: pipeline call argument")
c.nc("Trained on 680k hours", "training-data size")
c.nc("65% of this data (or 438,000 hours)", "training-data composition")
c.nc("98 different languages", "training-data language count")
c.nc("as little as 5 hours of labelled data", "fine-tuning data size in a blog post")
c.nc("~10 languages", "hedged ('~')")
c.write()
