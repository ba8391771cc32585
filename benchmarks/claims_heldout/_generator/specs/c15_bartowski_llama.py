from gen import Card
c = Card("llama-3.2-1b-instruct-gguf", header=[
 "Style model: bartowski/Llama-3.2-1B-Instruct-GGUF README (imatrix quant table Filename|Quant type|File Size|Split|Description,",
 "  several <details> sections). True card. Sizes are written without a space ('2.48GB'); GB = 10^9 bytes.",
 "Quant names as the card writes them, canonicalised: 'f16' -> F16. Q6_K_L, Q5_K_L, Q4_K_L and Q3_K_XL are bartowski's names for",
 "  Q6_K/Q5_K_M/Q4_K_M/Q3_K_L files whose embed/output tensors are Q8_0; their GGUF general.file_type is the base type,",
 "  so a checker must accept Q6_K_L <-> MOSTLY_Q6_K etc. (not a false claim). The card states no parameter count or context.",
])
c.claim("base_model", "meta-llama/Llama-3.2-1B-Instruct", "base_model: meta-llama/Llama-3.2-1B-Instruct")
c.claim("license", "llama3.2", "license: llama3.2")
c.claim("base_model", "meta-llama/Llama-3.2-1B-Instruct", "Original model: https://huggingface.co/meta-llama/Llama-3.2-1B-Instruct")
rows = [("f16","F16","2.48GB"),("Q8_0","Q8_0","1.32GB"),("Q6_K_L","Q6_K_L","1.09GB"),("Q6_K","Q6_K","1.02GB"),("Q5_K_L","Q5_K_L","0.98GB"),
        ("Q5_K_M","Q5_K_M","0.91GB"),("Q5_K_S","Q5_K_S","0.89GB"),("Q4_K_L","Q4_K_L","0.87GB"),("Q4_K_M","Q4_K_M","0.81GB"),
        ("Q3_K_XL","Q3_K_XL","0.80GB"),("Q4_K_S","Q4_K_S","0.78GB"),("Q4_0_8_8","Q4_0_8_8","0.77GB")]
for tag, canon, sz in rows:
    fn = f"Llama-3.2-1B-Instruct-{tag}.gguf"
    c.variant(fn, anchor="| [" + fn, quantization=canon, size_bytes=int(round(float(sz[:-2]) * 1e9)),
              spans={"quantization": tag, "size_bytes": sz})

c.nc("release <a href=\"https://github.com/ggerganov/llama.cpp/releases/tag/b3821\">b3821</a>", "llama.cpp release used")
c.nc("Cutting Knowledge Date: December 2023", "prompt-template text")
c.nc("Today Date: 26 Jul 2024", "prompt-template text")
c.nc("bigger than 50GB", "generic download instructions")
c.nc("Q4_0_4_4 speed comparisons", "another quant type, not provided here")
c.nc("file size 1-2GB smaller than your GPU's total VRAM", "generic advice")
c.nc("like Q5_K_M.", "generic advice naming a quant type")
c.write()
