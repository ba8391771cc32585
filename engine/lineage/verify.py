"""Relation verification: does the child's weights bear out the declared relation to its parent(s)?

One verifier per relation (VERIFIERS). Each returns evidence for the policy engine:
{relation, verified: true|false|null, measured: {numbers}, reason, basis}. `verified` is null when the
check could not run (files missing, format not comparable); false is a finding, with the numbers.
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable

import re

import numpy as np

from engine.errors import ModelLakeError, UsageError
from engine.lineage.architecture import architecture_of, compare_architectures
from engine.lineage.measure import basis, diff_tables, summarise, tensor_deltas
from engine.lineage.naming import common_naming
from engine.lineage.sources import ModelSource

# Limits each verdict is judged by; unrelated models of one shape measure ~1.0 relative change and ~0 cosine.
LIMITS = {
    "finetune_max_relative_l2": 0.5,     # mean over tensors of ||child - parent|| / ||parent||
    "finetune_min_cosine": 0.5,          # median mean-centred cosine of changed tensors
    "shared_min_coverage": 0.9,          # share of the parent's tensors the child keeps, same name and shape
    "frozen_share_relates": 0.9,         # share of the parameters bit-identical to the parent's that relates them by itself
    "quantized_max_relative_l2": 0.25,
    "conversion_max_relative_l2": 0.004,  # a format/dtype conversion only rounds: bfloat16 rounding is ~0.2% RMS
    "conversion_max_parameter_drift": 0.005,
    "merge_max_residual_ratio": 0.5,     # least-squares residual / distance to the nearest parent
}


def evidence(relation: str, verified: bool | None, reason: str, measured: dict | None = None, basis_: str | None = None) -> dict:
    return {"relation": relation, "verified": verified, "measured": measured or {}, "reason": reason, "basis": basis_}


def verify_relation(child: ModelSource | str | Path | dict, parent: ModelSource | str | Path | dict | list, relation: str) -> dict:
    """Check `relation` (finetune, adapter, quantized, merge, distillation, conversion) from the weights.

    child and parent are paths to model files/directories, weight sketches, or ModelSources; merge takes a
    list of parents.
    """
    if relation not in VERIFIERS:
        raise UsageError(f"unknown relation {relation!r}; known: {', '.join(VERIFIERS)}")
    try:
        child_source, *parents = common_naming([ModelSource.of(p) for p in [child, *(parent if isinstance(parent, list) else [parent])]])
        result = VERIFIERS[relation](child_source, parents)
    except ModelLakeError as error:
        return evidence(relation, None, f"could not compare the weights: {error}")
    result["parents"] = [p.label for p in parents]
    return result


def verify_finetune(child: ModelSource, parents: list[ModelSource]) -> dict:
    (parent,) = _single(parents, "finetune")
    related = _shared_weights(child, parent)
    measured, problem = related["measured"], related["problem"]
    if problem:
        return evidence("finetune", False, problem, measured, related["basis"])
    if measured["tensors_changed"] == 0:
        return evidence("finetune", False, f"no weight differs from {parent.label}: an exact copy, not a fine-tune", measured, related["basis"])
    return evidence("finetune", True, f"same tensor table; {measured['tensors_changed']} of {measured['tensors_compared']} tensors changed, "
                    f"mean relative change {measured['mean_relative_l2']:.3g}", measured, related["basis"])


def verify_quantized(child: ModelSource, parents: list[ModelSource]) -> dict:
    """Same parameters, fewer stored bits per weight (the weight matrices': norms stay float32 in every format), close values."""
    (parent,) = _single(parents, "quantized")
    old, new = parent.bits_per_weight, child.bits_per_weight
    measured = {"parameters": [parent.parameters, child.parameters], "bits_per_weight": [old, new]}
    if child.parameters != parent.parameters:
        return evidence("quantized", False, f"parameter count changed ({parent.parameters:,} -> {child.parameters:,})", measured)
    if not (old and new and new < old):
        return evidence("quantized", False, f"bits per weight did not drop ({old} -> {new})", measured)
    related = _shared_weights(child, parent, max_change=LIMITS["quantized_max_relative_l2"])
    measured |= related["measured"]
    if related["problem"]:
        return evidence("quantized", False, related["problem"], measured, related["basis"])
    return evidence("quantized", True, f"same {child.parameters:,} parameters at {new:g} bits per weight instead of {old:g}; "
                    f"mean relative change {measured['mean_relative_l2']:.3g}", measured, related["basis"])


def verify_conversion(child: ModelSource, parents: list[ModelSource]) -> dict:
    (parent,) = _single(parents, "conversion")
    new, old = architecture_of(child), architecture_of(parent)
    drift = abs(new["parameters"] - old["parameters"]) / max(old["parameters"], 1)
    measured = {"parameters": [old["parameters"], new["parameters"]], "parameter_drift": round(drift, 6)}
    differences = compare_architectures(new, old, ("model_type", "layers", "hidden_size", "vocab_size"))
    if differences or drift > LIMITS["conversion_max_parameter_drift"]:
        return evidence("conversion", False, "architecture differs: " + ("; ".join(differences) or f"parameters drift {drift:.2%}"), measured)
    related = _shared_weights(child, parent, max_change=LIMITS["conversion_max_relative_l2"], min_cosine=0.9)
    measured |= related["measured"]
    if related["problem"]:
        problem = related["problem"].replace("weights unrelated to", "values changed beyond format rounding from")
        return evidence("conversion", False, problem, measured, related["basis"])
    return evidence("conversion", True, "same architecture and values", measured, related["basis"])


def verify_distillation(child: ModelSource, parents: list[ModelSource]) -> dict:
    (parent,) = _single(parents, "distillation")
    student, teacher = architecture_of(child), architecture_of(parent)
    measured = {key: [teacher[key], student[key]] for key in ("model_type", "layers", "hidden_size", "vocab_size", "parameters")}
    mismatched = compare_architectures(student, teacher, ("model_type", "vocab_size"))
    if mismatched:
        return evidence("distillation", False, "student and teacher disagree: " + "; ".join(mismatched), measured)
    if student["parameters"] > teacher["parameters"]:
        return evidence("distillation", False, f"the student ({student['parameters']:,} parameters) is larger than the teacher "
                        f"({teacher['parameters']:,})", measured)
    return evidence("distillation", True, f"same family and vocabulary; {student['parameters'] / teacher['parameters']:.0%} of the teacher's parameters", measured)


def verify_merge(child: ModelSource, parents: list[ModelSource]) -> dict:
    if len(parents) < 2:
        return evidence("merge", False, f"a merge needs at least two parents; {len(parents)} declared")
    tables = [diff_tables(child, p) for p in parents]
    if not all(t.identical for t in tables):
        return evidence("merge", False, "the parents' tensor tables differ from the child's")
    exact = all(s.exact for s in [child, *parents])
    gram, target, squared, residual_per_tensor, nearest = np.zeros((len(parents),) * 2), np.zeros(len(parents)), 0.0, 0.0, 0.0
    for name in tables[0].shared:
        y = (child.values(name) if exact else child.samples(name)).reshape(-1).astype(np.float64)
        xs = np.stack([(p.values(name) if exact else p.samples(name)).reshape(-1).astype(np.float64) for p in parents])
        local_gram, local_target = xs @ xs.T, xs @ y
        gram, target, squared = gram + local_gram, target + local_target, squared + y @ y
        coefficients = np.linalg.lstsq(local_gram, local_target, rcond=None)[0]
        residual_per_tensor += float(np.sum((y - coefficients @ xs) ** 2))
        nearest += min(float(np.sum((y - x) ** 2)) for x in xs)
    weights = np.linalg.lstsq(gram, target, rcond=None)[0]
    residual_global = max(squared - 2 * weights @ target + weights @ gram @ weights, 0.0)
    ratio_global = (residual_global / nearest) ** 0.5 if nearest else 0.0
    ratio_per_tensor = (residual_per_tensor / nearest) ** 0.5 if nearest else 0.0
    measured = {"coefficients": [round(float(w), 4) for w in weights], "residual_ratio": round(float(ratio_global), 6),
                "residual_ratio_per_tensor": round(float(ratio_per_tensor), 6), "tensors_compared": len(tables[0].shared)}
    best = min(ratio_global, ratio_per_tensor)
    if best > LIMITS["merge_max_residual_ratio"]:
        return evidence("merge", False, f"the weights are not a combination of the parents (residual {best:.2f} of the distance to the nearest parent)",
                        measured, "weights" if exact else "sketch")
    return evidence("merge", True, f"weights = {' + '.join(f'{w:.2f}*{p.label}' for w, p in zip(weights, parents))} "
                    f"(residual {best:.2g} of the distance to the nearest parent)", measured, "weights" if exact else "sketch")


def verify_adapter(child: ModelSource, parents: list[ModelSource]) -> dict:
    """LoRA tensors whose shapes fit the parent's modules, and an adapter config naming the parent."""
    (parent,) = _single(parents, "adapter")
    if not child.is_adapter:
        return evidence("adapter", False, "the child has no adapter config and no LoRA tensors")
    modules, base = {}, parent.table
    for name, (shape, _) in child.table.items():
        match = _LORA.match(name)
        if match:
            modules.setdefault(match.group("module"), {})[match.group("part")] = shape
    fitted, misfits = 0, []
    for module, parts in sorted(modules.items()):
        target = _base_tensor(module, base)
        a, b = parts.get("A"), parts.get("B")
        if target and a and b and base[target][0] == (b[0], a[1]) and a[0] == b[1]:
            fitted += 1
        else:
            misfits.append(f"{module} (A {a}, B {b}, base {base[target][0] if target else 'missing'})")
    declared_base = child.config.get("base_model_name_or_path")
    names_parent = _names_model(declared_base, parent.label)
    measured = {"lora_modules": len(modules), "modules_fitting": fitted, "rank": child.config.get("r"), "config_base_model": declared_base}
    if not modules:
        return evidence("adapter", False, "no LoRA tensors (lora_A/lora_B) in the adapter", measured)
    if misfits:
        return evidence("adapter", False, f"{len(misfits)} of {len(modules)} LoRA modules do not fit {parent.label}: " + "; ".join(misfits[:3]), measured)
    if declared_base and not names_parent:
        return evidence("adapter", False, f"adapter_config names base model {declared_base!r}, not {parent.label}", measured)
    return evidence("adapter", True, f"all {len(modules)} LoRA modules fit {parent.label}'s weights"
                    + ("" if declared_base else "; the adapter config names no base model"), measured)


_LORA = re.compile(r"^(?:base_model\.model\.)?(?P<module>.+)\.lora_(?P<part>[AB])(?:\.[A-Za-z0-9_]+)?\.weight$")


def _base_tensor(module: str, base: dict) -> str | None:
    """The base weight a LoRA module adapts; tolerant of a task prefix on either side ("bert.", "model.")."""
    wanted = f"{module}.weight"
    return next((name for name in base if name == wanted or name.endswith("." + wanted) or wanted.endswith("." + name)), None)


def _names_model(declared: str | None, label: str) -> bool:
    """Whether an adapter config's base model names the parent: same id, or the same last path component."""
    if not declared:
        return False
    parent = label.partition("@")[0].rstrip("/")
    return declared.rstrip("/") == parent or Path(declared).name == Path(parent).name


def _single(parents: list[ModelSource], relation: str) -> list[ModelSource]:
    if len(parents) != 1:
        raise UsageError(f"{relation} has one parent; {len(parents)} given")
    return parents


def _shared_weights(child: ModelSource, parent: ModelSource, *, max_change: float = LIMITS["finetune_max_relative_l2"],
                    min_cosine: float = LIMITS["finetune_min_cosine"]) -> dict:
    """Compare the tensors both models have; `problem` says why they cannot be parent and child, else None."""
    table = diff_tables(child, parent)
    coverage = len(table.shared) / max(len(parent.table), 1)
    measured = {"coverage": round(coverage, 4), "tensors_added": len(table.added), "tensors_removed": len(table.removed),
                "tensors_reshaped": len(table.reshaped)}
    if coverage < LIMITS["shared_min_coverage"]:
        problem = f"only {coverage:.0%} of {parent.label}'s tensors appear in the child with the same name and shape"
        return {"measured": measured, "problem": problem, "basis": None}
    deltas = tensor_deltas(child, parent, table.shared)
    measured |= summarise(deltas)
    sizes = [(int(np.prod(d.shape)), d.frozen) for d in deltas]
    frozen_share = sum(size for size, frozen in sizes if frozen) / max(sum(size for size, _ in sizes), 1)
    measured["frozen_parameter_share"] = round(frozen_share, 4)
    # most parameters bit-identical (a frozen encoder under a retrained pooler and head): related, whatever the few
    # retrained tensors' cosine; zero biases and unit norms two unrelated inits share are a sliver of the parameters
    cosine = measured["median_centred_cosine"] if frozen_share < LIMITS["frozen_share_relates"] else None
    problem = None
    if measured["mean_relative_l2"] > max_change or (cosine is not None and cosine < min_cosine):
        problem = (f"weights unrelated to {parent.label}: mean relative change {measured['mean_relative_l2']:.3g} (limit {max_change}), "
                   f"median centred cosine {cosine if cosine is None else round(cosine, 3)} (minimum {min_cosine})")
    return {"measured": measured, "problem": problem, "basis": basis(child, parent)}


VERIFIERS: dict[str, Callable[[ModelSource, list[ModelSource]], dict]] = {
    "finetune": verify_finetune,
    "adapter": verify_adapter,
    "quantized": verify_quantized,
    "merge": verify_merge,
    "distillation": verify_distillation,
    "conversion": verify_conversion,
}
