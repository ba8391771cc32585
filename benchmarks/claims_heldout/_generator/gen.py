"""Generator for NAME.expected.yaml files: computes line numbers from verbatim spans."""
import json, os, sys, re

OUT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
WARN = []


SAFE = re.compile(r"^[A-Za-z_][A-Za-z0-9_.\-/]*$")
SPECIAL = {"true","false","null","yes","no","on","off","y","n","~"}


def q(v, key=None):
    if isinstance(v, str) and key not in ("text", "why") and SAFE.match(v) and v.lower() not in SPECIAL:
        return v
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return repr(v)
    if isinstance(v, str):
        return json.dumps(v, ensure_ascii=False)
    if isinstance(v, list):
        return "[" + ", ".join(q(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{" + ", ".join(f"{k}: {q(x, k)}" for k, x in v.items()) + "}"
    raise TypeError(v)


class Card:
    def __init__(self, name, header=()):
        self.name = name
        self.path = os.path.join(OUT, name + ".md")
        with open(self.path, encoding="utf-8") as f:
            self.lines = f.read().split("\n")
        self.header = list(header)
        self.claims, self.variants, self.nots = [], [], []
        self.gt = None

    def find(self, text, after=None, nth=1, line=None):
        if line is not None:
            assert text in self.lines[line - 1], (self.name, line, text)
            return line
        start = 0
        if after is not None:
            hits = [i for i, l in enumerate(self.lines) if after in l]
            assert hits, (self.name, "anchor not found", after)
            start = hits[0]
        hits = [i for i in range(start, len(self.lines)) if text in self.lines[i]]
        assert len(hits) >= nth, (self.name, "text not found", text, after)
        if after is None and nth == 1 and len(hits) > 1:
            WARN.append(f"{self.name}: {text!r} occurs on lines {[h+1 for h in hits]}; took {hits[0]+1}")
        return hits[nth - 1] + 1

    def claim(self, field, value, text, unit=None, after=None, nth=1, line=None, variant=None, false=False, note=None):
        ln = self.find(text, after, nth, line)
        d = {"field": field, "value": value}
        if unit:
            d["unit"] = unit
        d["line"] = ln
        d["text"] = text
        if variant:
            d["variant"] = variant
        if false:
            d["false"] = True
        self.claims.append((d, note))
        return ln

    def variant(self, file, anchor=None, claims=True, false_fields=(), spans=None, **vals):
        """One row of a per-file table. vals: quantization, size_bytes, parameters, context_length...
        spans: {field: verbatim text in the row} used for the per-cell claims."""
        ln = self.find(anchor or file)
        d = {"file": file}
        d.update(vals)
        d["line"] = ln
        self.variants.append(d)
        if claims:
            units = {"size_bytes": "bytes", "parameters": "params", "context_length": "tokens"}
            for k, v in vals.items():
                if spans is None or k not in spans:
                    continue
                self.claim(k, v, spans[k], unit=units.get(k), line=ln, variant=file, false=(k in false_fields))
        return ln

    def nc(self, text, why, after=None, nth=1, line=None):
        ln = self.find(text, after, nth, line)
        self.nots.append({"line": ln, "text": text, "why": why})

    def write(self):
        out = []
        for h in self.header:
            out.append("# " + h if h else "#")
        out.append("claims:            # what the document claims about THIS model")
        for d, note in sorted(self.claims, key=lambda t: t[0]["line"]):
            out.append("  - " + q(d) + (f"   # {note}" if note else ""))
        out.append("variants:          # one entry per row of a per-file variant table")
        if not self.variants:
            out[-1] = "variants: []      # no per-file variant table in this card"
        for d in self.variants:
            out.append("  - " + q(d))
        out.append("not_claims:        # spans that look like claims but are not")
        if not self.nots:
            out[-1] = "not_claims: []"
        for d in self.nots:
            out.append("  - " + q(d))
        out.append("unverifiable_ok: true")
        if self.gt:
            out.append("ground_truth:      # true values; claims marked false: true contradict these")
            for k, v in self.gt.items():
                out.append(f"  {k}: {q(v, k)}")
        with open(os.path.join(OUT, self.name + ".expected.yaml"), "w", encoding="utf-8") as f:
            f.write("\n".join(out) + "\n")


def run_all():
    import importlib.util, glob
    for p in sorted(glob.glob(os.path.join(os.path.dirname(__file__), "specs", "*.py"))):
        spec = importlib.util.spec_from_file_location(os.path.basename(p)[:-3], p)
        m = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = m
        spec.loader.exec_module(m)
    for w in WARN:
        print("WARN", w)


if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import gen as _g
    _g.run_all()
