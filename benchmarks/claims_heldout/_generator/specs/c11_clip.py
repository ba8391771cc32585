from gen import Card
c = Card("clip-vit-base-patch32", header=[
 "Style model: openai/clip-vit-base-patch32 README (taken from openai/CLIP model-card.md: Model Date, Model Type, Out-of-Scope, Fairface).",
 "True card. No license, no parameter count, no embedding size is stated. Evaluation datasets listed under Performance are not training data.",
])
c.claim("architecture", "clip", "ViT-B/32 Transformer architecture as an image encoder")
c.claim("uses_intended", "research output for AI researchers studying zero-shot image classification, robustness, generalization", "The model is intended as a research output for research communities.")
c.claim("out_of_scope", "any deployed use (commercial or not); untested constrained image search; surveillance and facial recognition; non-English use", "is currently out of scope")
c.claim("out_of_scope", "surveillance and facial recognition", "surveillance and facial recognition are always out-of-scope")
c.claim("out_of_scope", "languages other than English", "its use should be limited to English language use cases")
c.claim("datasets", ["YFCC100M"], "[YFCC100M](http://projects.dfki.uni-kl.de/yfcc100m/)")
c.claim("limitations", "struggles with fine-grained classification and counting objects; fairness and bias issues", "CLIP currently struggles with respect to certain tasks such as fine grained classification and counting objects.")
c.claim("evaluations", {"metric": "accuracy", "value": 98.4, "dataset": "FairFace gender classification (Middle Eastern)"}, "(98.4%)")
c.claim("evaluations", {"metric": "accuracy", "value": 96.5, "dataset": "FairFace gender classification (White)"}, "(96.5%)")

c.nc("one using a ResNet image encoder", "the other CLIP variant, not this repository")
c.nc("accuracy >96%", "bound, not a value ('>')")
c.nc("~93% for racial classification", "hedged ('~')")
c.nc("~63% for age classification", "hedged ('~')")
c.nc("- Food101", "evaluation dataset named in the paper, not training data")
c.nc("- SST-2", "evaluation dataset named in the paper, not training data")
c.nc("- ImageNet", "evaluation dataset, not training data")
c.nc("images of people from [Fairface]", "evaluation dataset, not training data")
c.nc('"a photo of a cat", "a photo of a dog"', "code: example labels")
c.write()
