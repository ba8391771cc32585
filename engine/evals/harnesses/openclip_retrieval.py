"""Zero-shot image-text retrieval for OpenCLIP models on generated coloured shapes."""
from __future__ import annotations

from engine.evals.datasets import draw_shapes
from engine.evals.harness import PROPORTION, Harness, HarnessResult, HarnessTask, ReportProgress

BATCH_SIZE = 16


class OpenClipRetrievalHarness(Harness):
    """OpenCLIP models on `modellake/shapes`: each image should retrieve its own caption and vice versa.

    Weights: an OpenCLIP directory (open_clip_config.json + weights, loaded as `local-dir:`) or a checkpoint
    file with `args.architecture` naming an OpenCLIP config (e.g. ViT-B-32). Metrics: `image_to_text_recall@1`
    and `text_to_image_recall@1` over all captions. Samples = images (60; chance is 1/60 — a random-init
    model scores near it, which is the honest answer). Captions differ in size, colour and shape.
    """

    metrics = {"image_to_text_recall@1": PROPORTION, "text_to_image_recall@1": PROPORTION}
    libraries = ("torch", "open-clip-torch", "pillow")
    generated_datasets = ("modellake/shapes",)

    def run(self, task: HarnessTask, report: ReportProgress) -> HarnessResult:
        import torch

        torch.manual_seed(task.seed)
        model, preprocess, tokenizer = _load_openclip(task)
        images, captions, digest = draw_shapes(task.seed)
        image_features = []
        with torch.no_grad():
            for start in range(0, len(images), BATCH_SIZE):
                batch = torch.stack([preprocess(image) for image in images[start:start + BATCH_SIZE]])
                image_features.append(model.encode_image(batch))
                report(start + len(batch), len(images) + 1)
            text_features = model.encode_text(tokenizer(captions))
            report(len(images) + 1, len(images) + 1)
        image_matrix = torch.nn.functional.normalize(torch.cat(image_features), dim=-1)
        text_matrix = torch.nn.functional.normalize(text_features, dim=-1)
        similarity = image_matrix @ text_matrix.T
        truth = torch.arange(len(images))
        return HarnessResult(
            metrics={"image_to_text_recall@1": float((similarity.argmax(dim=1) == truth).float().mean()),
                     "text_to_image_recall@1": float((similarity.argmax(dim=0) == truth).float().mean())},
            samples=len(images), data_sha256=digest,
        )


def _load_openclip(task: HarnessTask):
    """(model in eval mode, image preprocess, tokenizer) from a local directory or an architecture + checkpoint."""
    import open_clip

    if task.weights.is_dir():
        name, pretrained = f"local-dir:{task.weights}", None
    elif "architecture" in task.args:
        name, pretrained = task.args["architecture"], str(task.weights)
    else:
        raise ValueError("an OpenCLIP checkpoint file needs harness.args.architecture (e.g. ViT-B-32)")
    model, _, preprocess = open_clip.create_model_and_transforms(name, pretrained=pretrained, device="cpu")
    return model.eval(), preprocess, open_clip.get_tokenizer(name)
