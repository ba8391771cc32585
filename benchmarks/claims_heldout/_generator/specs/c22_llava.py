from gen import Card
c = Card("llava-1.5-7b-hf", header=[
 "Style model: llava-hf/llava-1.5-7b-hf README (badges, card 'copied from' the 13B card, optimisation section with diff blocks).",
 "True card as published, including its slip: 'LLaVA-v1.5-13B was trained in September 2023' is about the 13B model.",
 "The '4-bit quantization through bitsandbytes' section describes an optional load-time setting: this repo is not quantized.",
 "'fine-tuning LLaMA/Vicuna' names no repository: at most unverifiable as base_model. 'Llava model 7b' is the model's name.",
])
c.claim("license", "llama2", "license: llama2")
c.claim("datasets", ["liuhaotian/LLaVA-Instruct-150K"], "- liuhaotian/LLaVA-Instruct-150K")
c.claim("architecture", "llava", "LLaVA is an open-source chatbot trained by fine-tuning")
c.claim("datasets", ["LAION", "CC", "SBU"], "558K filtered image-text pairs from LAION/CC/SBU")
c.claim("datasets", ["GPT-generated multimodal instruction-following data"], "158K GPT-generated multimodal instruction-following data")
c.claim("datasets", ["academic-task-oriented VQA data mixture"], "450K academic-task-oriented VQA data mixture")
c.claim("datasets", ["ShareGPT"], "40K ShareGPT data")
c.claim("uses_intended", "research on large multimodal models and chatbots; researchers and hobbyists", "The primary use of LLaVA is research on large multimodal models and chatbots.")
c.claim("license", "llama2", "Llama 2 is licensed under the LLAMA 2 Community License")

c.nc("[here](https://huggingface.co/liuhaotian/llava-v1.5-13b)", "link to another model's card (13B)")
c.nc("llava-hf/llava-4bit", "a demo Space, not this repo's quantization")
c.nc("fine-tuning LLaMA/Vicuna", "ambiguous family names, no repository id; at most unverifiable as base_model")
c.nc("LLaVA-v1.5-13B was trained in September 2023", "another model (13B)")
c.nc("`transformers >= 4.35.3`", "software version")
c.nc("What does the label 15 represent?", "example prompt")
c.nc("max_new_tokens=20", "code: generation argument")
c.nc("torch_dtype=torch.float16,", "code: load option, not the stored dtype", after="### Using pure `transformers`:")
c.nc("max_new_tokens=200", "code: generation argument")
c.nc("4-bit quantization through `bitsandbytes` library", "optional load-time quantization; the repo weights are not quantized")
c.nc("+   load_in_4bit=True", "code: optional setting")
c.write()
