from gen import Card
c = Card("vit-base-patch16-224", header=[
 "Style model: google/vit-base-patch16-224 README (HF-written card, widget front matter, Training procedure, wrong BibTeX as published).",
 "True card. '(BERT-like)' is an analogy, not the architecture; '384x384' is a fine-tuning tip about other runs; '10k steps' is warmup.",
])
c.claim("license", "apache-2.0", "license: apache-2.0")
c.claim("datasets", ["imagenet-1k"], "- imagenet-1k")
c.claim("datasets", ["imagenet-21k"], "- imagenet-21k")
c.claim("architecture", "vit", "Vision Transformer (ViT) model pre-trained on ImageNet-21k")
c.claim("datasets", ["imagenet-21k", "imagenet-1k"], "pre-trained on ImageNet-21k (14 million images, 21,843 classes)")
c.claim("uses_intended", "image classification; fine-tuned versions for other tasks", "You can use the raw model for image classification.")
c.claim("datasets", ["imagenet-21k"], "pretrained on [ImageNet-21k](http://www.image-net.org/)")
c.claim("datasets", ["imagenet-1k"], "fine-tuned on [ImageNet](http://www.image-net.org/challenges/LSVRC/2012/)")

c.nc("transformer encoder model (BERT-like)", "analogy to BERT; the architecture is ViT")
c.nc("14 million images, 21,843 classes", "dataset size")
c.nc("patches (resolution 16x16)", "patch size, not a hidden size or layer count")
c.nc("1000 ImageNet classes", "code comment / label count")
c.nc("TPUv3 hardware (8 cores)", "training hardware")
c.nc("batch size of 4096", "training hyperparameter (not a context window)")
c.nc("warmup of 10k steps", "training hyperparameter (not a context window)")
c.nc("higher resolution (384x384)", "resolution of other fine-tuning runs, not of this model")
c.write()
