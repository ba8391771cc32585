from gen import Card
c = Card("ollama-gemma2-2b", header=[
 "Style model: ollama.com/library/gemma2 tag page as rendered text (Models table Name|Size|Context|Input, layer list with",
 "  'arch · parameters · quantization', Readme). Registry catalog page, no front matter. True page for the gemma2:2b tag.",
 "Units: GB = 10^9 bytes; '8K' = 8192 tokens (Gemma 2 context_length 8192). In the layer list '40B' and '358B' are BYTES",
 "  of the params/template blobs, not parameter counts. '2B Parameters' is a size-class label (the count is 2.61B).",
])
c.variant("gemma2:2b", anchor="| gemma2:2b | 1.6GB", size_bytes=1600000000, context_length=8192, spans={"size_bytes": "1.6GB", "context_length": "8K"})
c.claim("size_bytes", 1600000000, "1.6GB", unit="bytes", after="## gemma2:2b · 8ccf136fdd52")
c.claim("architecture", "gemma2", "arch gemma2")
c.claim("parameters", 2610000000, "parameters 2.61B", unit="params")
c.claim("quantization", "Q4_0", "quantization Q4_0")
c.claim("size_bytes", 1600000000, "| 1.6GB |", unit="bytes", after="| model | arch gemma2")
c.claim("license", "gemma", "Gemma Terms of Use")
c.claim("uses_intended", "content creation and communication; research and education", "Content Creation and Communication")
c.claim("limitations", "training-data biases/gaps; complex open-ended tasks; factual accuracy", "Factual Accuracy: LLMs generate responses")

c.nc("three sizes: 2B, 9B, and 27B", "family size classes; 9B and 27B are other models")
c.nc("`9b`", "tag of another model")
c.nc("8.3M Pulls", "download count")
c.nc("| gemma2:latest | 5.4GB | 8K | Text |", "another model (gemma2:latest is the 9B model)")
c.nc("| gemma2:27b | 16GB | 8K | Text |", "another model (27B)")
c.nc("| 40B |", "size in bytes of the params blob, not a parameter count")
c.nc("| 358B |", "size in bytes of the template blob, not a parameter count")
c.nc("| 8.4kB |", "size of the license blob")
c.nc("**2B Parameters**", "size-class label; the exact count 2.61B is stated in the layer table")
c.nc("**9B Parameters**", "another model")
c.nc("At 27 billion parameters", "another model (27B)")
c.write()
