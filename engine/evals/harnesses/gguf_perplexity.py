"""Language-model perplexity and next-token accuracy of a GGUF model on a text, with llama-cpp-python."""
from __future__ import annotations

import math

from engine.evals.datasets import sha256_file
from engine.evals.harness import PERPLEXITY, PROPORTION, Harness, HarnessResult, HarnessTask, ReportProgress

DEFAULT_CONTEXT = 256


class GgufPerplexityHarness(Harness):
    """GGUF models on a text file (the whole file is the `test` split, or a `text` column of a split).

    The tokens are cut into consecutive windows of `args.n_ctx` (default 256); each window is evaluated
    from an empty cache and every token after its first is predicted from the ones before it. Metrics:
    `perplexity` = exp(mean negative log-likelihood), `token_accuracy` = share of tokens that are the
    model's top-1 prediction. Samples = predicted tokens (so a different tokenizer is not comparable).
    """

    metrics = {"perplexity": PERPLEXITY, "token_accuracy": PROPORTION}
    libraries = ("llama-cpp-python", "numpy")

    def run(self, task: HarnessTask, report: ReportProgress) -> HarnessResult:
        import numpy as np
        from llama_cpp import Llama

        n_ctx = int(task.args.get("n_ctx", DEFAULT_CONTEXT))
        text = "\n\n".join(row["text"] for row in task.rows())
        model = Llama(model_path=str(task.weights), n_ctx=n_ctx, n_batch=n_ctx, logits_all=True, seed=task.seed, verbose=False)
        tokens = model.tokenize(text.encode("utf-8"), add_bos=True)
        windows = [tokens[start:start + n_ctx] for start in range(0, len(tokens), n_ctx) if len(tokens[start:start + n_ctx]) > 1]
        nll, correct, predicted = 0.0, 0, 0
        for done, window in enumerate(windows, start=1):
            model.reset()
            model.eval(window)
            logits = np.asarray(model.scores[: len(window) - 1], dtype=np.float64)
            targets = np.asarray(window[1:])
            shifted = logits - logits.max(axis=1, keepdims=True)
            log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
            nll -= float(log_probs[np.arange(len(targets)), targets].sum())
            correct += int((logits.argmax(axis=1) == targets).sum())
            predicted += len(targets)
            report(done, len(windows))
        return HarnessResult(
            metrics={"perplexity": math.exp(nll / predicted), "token_accuracy": correct / predicted},
            samples=predicted, data_sha256=sha256_file(task.data_file),
        )
