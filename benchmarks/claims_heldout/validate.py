#!/usr/bin/env python3
"""Self-check of the held-out claims set: every expected span is on the line it names.

Usage: python3 validate.py [--counts]
Needs PyYAML. Exit 1 on any inconsistency.
"""
import glob
import os
import sys
from collections import Counter

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
FIELDS = {
    "parameters", "context_length", "max_sequence_length", "quantization", "architecture", "layers",
    "hidden_size", "attention_heads", "kv_heads", "vocab_size", "embedding_dim", "dtype", "base_model",
    "datasets", "license", "uses_intended", "limitations", "out_of_scope", "evaluations", "size_bytes",
}


def main():
    errors, by_field, n_not, n_var, n_false, cards = [], Counter(), 0, 0, 0, 0
    for exp in sorted(glob.glob(os.path.join(HERE, "*.expected.yaml"))):
        name = os.path.basename(exp)[: -len(".expected.yaml")]
        md = os.path.join(HERE, name + ".md")
        if not os.path.exists(md):
            errors.append(f"{name}: no {name}.md")
            continue
        cards += 1
        lines = open(md, encoding="utf-8").read().split("\n")
        doc = yaml.safe_load(open(exp, encoding="utf-8"))
        for key in ("claims", "variants", "not_claims", "unverifiable_ok"):
            if key not in doc:
                errors.append(f"{name}: missing key {key}")
        has_gt = "ground_truth" in doc
        for cl in doc.get("claims") or []:
            f = cl.get("field")
            if f not in FIELDS:
                errors.append(f"{name}: unknown field {f}")
            by_field[f] += 1
            ln, text = cl.get("line"), cl.get("text")
            if not (isinstance(ln, int) and 1 <= ln <= len(lines) and text and text in lines[ln - 1]):
                errors.append(f"{name}: claim {f} text {text!r} not on line {ln}")
            # `false: true` as written in the brief; PyYAML (YAML 1.1) reads the bare key `false` as boolean False
            if cl.get("false") or cl.get(False):
                n_false += 1
                if not has_gt:
                    errors.append(f"{name}: false claim without ground_truth")
            if f == "evaluations" and not (isinstance(cl.get("value"), dict) and {"metric", "value", "dataset"} <= set(cl["value"])):
                errors.append(f"{name}: evaluation value must be {{metric, value, dataset}}")
        for v in doc.get("variants") or []:
            n_var += 1
            ln = v.get("line")
            if not (isinstance(ln, int) and 1 <= ln <= len(lines) and v.get("file") and v["file"] in lines[ln - 1]):
                errors.append(f"{name}: variant {v.get('file')!r} not on line {ln}")
        for nc in doc.get("not_claims") or []:
            n_not += 1
            ln, text = nc.get("line"), nc.get("text")
            if not (isinstance(ln, int) and 1 <= ln <= len(lines) and text and text in lines[ln - 1]):
                errors.append(f"{name}: not_claim {text!r} not on line {ln}")
            if not nc.get("why"):
                errors.append(f"{name}: not_claim {text!r} without why")
        if has_gt and not any(c.get("false") or c.get(False) for c in doc.get("claims") or []):
            errors.append(f"{name}: ground_truth but no false claim")
    for e in errors:
        print("ERROR", e)
    if "--counts" in sys.argv or not errors:
        print(f"cards: {cards}")
        print(f"claims: {sum(by_field.values())} (false: {n_false})")
        for f, n in sorted(by_field.items(), key=lambda t: (-t[1], t[0])):
            print(f"  {f}: {n}")
        print(f"variants: {n_var}")
        print(f"not_claims: {n_not}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
