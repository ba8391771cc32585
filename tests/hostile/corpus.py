"""The hostile corpus: inputs an attacker or a careless user would send, each with the outcome Model Lake must give.

Every case is generated (nothing binary is committed): `build(directory)` writes the input and returns what a door
takes (a card path, a weights path, the card paths of a lake scenario, or an HTTP request). `expect` is the outcome
every door must agree on:

- REFUSED: validate/inspect/audit/submit exit 1 or 2 with a message naming the problem, HTTP answers 4xx, and no
  row is written anywhere;
- ACCEPTED: the input is odd but legitimate (a BOM, CRLF, SQL-looking prose): it is taken, nothing breaks;
- FLAGGED: taken, and the review (or `inspect`) carries the finding named in `finding`.

`python -m tests.hostile.corpus DIR` writes the whole corpus into DIR (one folder per case) and prints the table,
to try the inputs by hand.
"""
from __future__ import annotations

import json
import struct
import sys
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from tests.hostile import files as f

REFUSED, ACCEPTED, FLAGGED = "refused", "accepted", "flagged"
CARD, WEIGHTS, LAKE, HTTP = "card", "weights", "lake", "http"
FUTURE_DATES_RULE = "completeness.dates-not-in-future"
UNSAFE_PICKLE_RULE = "security.no-unsafe-pickle"


@dataclass(frozen=True)
class Expect:
    outcome: str
    says: tuple[str, ...] = ()  # each must appear (case-insensitive) in every refusing door's message
    line: int | None = None  # card cases: the message names this line of the card ("card.yaml:LINE")
    finding: str | None = None  # FLAGGED: rule id in the review, or text in `inspect`'s security findings
    http: str | None = None  # the HTTP doors' outcome when it differs (the server refuses paths a local user may read)
    http_says: tuple[str, ...] = ()
    never_says: tuple[str, ...] = ()  # no door may echo this (the file's own bytes)
    status: tuple[int, ...] = ()  # HTTP cases: the statuses allowed
    refused_by: tuple[str, ...] = ()  # when only some doors judge this (artifacts are read at submission): those doors


@dataclass(frozen=True)
class HttpRequest:
    method: str
    path: str
    role: str = "admin"
    params: dict | None = None
    headers: dict = field(default_factory=dict)
    content: bytes | None = None
    json: object = None


@dataclass(frozen=True)
class Case:
    id: str
    area: str
    build: Callable[[Path], object]
    expect: Expect
    why: str
    http_card: bool = True  # card cases: also sent over HTTP as text (False when the bytes are not a JSON string)


CASES: list[Case] = []


def case(id: str, area: str, build, expect: Expect, why: str, **options) -> None:
    assert all(c.id != id for c in CASES), id
    CASES.append(Case(id, area, build, expect, why, **options))


# ---------------------------------------------------------------------------------------------------- cards
CARD_HEAD = ['schema_version: "1"', "name: hostile/card", 'version: "1.0"', "owners:", "  - name: Jane", "    email: jane@example.com",
             "license: mit"]
EXTRA_LINE = len(CARD_HEAD) + 1  # the first line a case adds


def card_text(*extra: str, head: list[str] = CARD_HEAD) -> str:
    return "\n".join([*head, *extra]) + "\n"


def replaced(key: str, line: str) -> list[str]:
    """CARD_HEAD with the line starting `key:` replaced."""
    return [line if row.startswith(f"{key}:") else row for row in CARD_HEAD]


def write_card(data: bytes | str, name: str = "card.yaml"):
    def build(directory: Path) -> Path:
        path = directory / name
        path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
        return path

    return build


def card_case(id: str, data: bytes | str, expect: Expect, why: str) -> None:
    http_card = isinstance(data, str)
    case(id, CARD, write_card(data), expect, why, http_card=http_card)


def refused(*says: str, line: int | None = None, **options) -> Expect:
    return Expect(REFUSED, says, line, **options)


ACCEPT = Expect(ACCEPTED)

# YAML constructs that raise while objects are built: each becomes a located problem.
card_case("yaml/merge-int", card_text("claims:", "  <<: 5"), refused("merge", "<<", line=EXTRA_LINE + 1), "a merge key whose value is an int")
card_case("yaml/merge-list-of-ints", card_text("claims:", "  <<: [1, 2]"), refused("merge", line=EXTRA_LINE + 1), "a merge of a list of ints")
card_case("yaml/merge-string", card_text("claims:", "  <<: text"), refused("merge", line=EXTRA_LINE + 1), "a merge of a string")
card_case("yaml/merge-null", card_text("claims:", "  <<: ~"), refused("merge", line=EXTRA_LINE + 1), "a merge of null")
card_case("yaml/merge-alias-to-list", card_text("hf_metadata:", "  a: &seq [1, 2]", "  b: {<<: *seq}"), refused("merge", line=EXTRA_LINE + 2),
          "a merge of an alias to a list of scalars")
card_case("yaml/merge-valid", card_text("claims:", "  <<: {layers: 2}", "  hidden_size: 8"), ACCEPT, "a legitimate merge of a mapping")
card_case("yaml/tag-python-name", card_text("description: !!python/name:os.system ''"), refused("tag", "python/name", line=EXTRA_LINE),
          "PyYAML's unsafe loader would import os.system")
card_case("yaml/tag-python-apply", card_text('description: !!python/object/apply:os.system ["id"]'), refused("tag", line=EXTRA_LINE),
          "PyYAML's unsafe loader would run `id`")
card_case("yaml/tag-python-object-mapping", card_text("hf_metadata: !!python/object:os.Popen {args: id}"), refused("tag", line=EXTRA_LINE),
          "a tag on a mapping: must not be silently dropped")
card_case("yaml/tag-local", card_text("description: !secret abc"), refused("tag", line=EXTRA_LINE), "an application-specific tag")
card_case("yaml/tag-binary", card_text("description: !!binary aGVsbG8="), refused("binary", line=EXTRA_LINE), "bytes are not JSON")
card_case("yaml/tag-set", card_text("tags: !!set {a, b}"), refused("tags", line=EXTRA_LINE), "a YAML set where a list belongs")
card_case("yaml/tag-int-garbage", card_text("claims:", "  layers: !!int abc"), refused("claims.layers", line=EXTRA_LINE + 1),
          "an explicit int tag on text")
card_case("yaml/tag-float-garbage", card_text("evaluations:", "  - metric: acc", "    value: !!float xyz"),
          refused("evaluations[0].value", line=EXTRA_LINE + 2), "an explicit float tag on text")
card_case("yaml/tag-bool-garbage", card_text("training_data:", "  - name: d", "    gdpr: !!bool maybe"),
          refused("training_data[0].gdpr", line=EXTRA_LINE + 2), "an explicit bool tag on text")
card_case("yaml/tag-timestamp-garbage", card_text("created: !!timestamp 2026-13-01"), refused("created", line=EXTRA_LINE),
          "an explicit timestamp tag on an impossible date")
card_case("yaml/int-5000-digits", card_text("claims:", "  parameters: " + "9" * 5000), refused("claims.parameters", line=EXTRA_LINE + 1),
          "Python refuses to convert integers over 4300 digits")
card_case("yaml/int-5000-digits-key", card_text("hf_metadata:", "  ? " + "7" * 5000, "  : x"), refused("hf_metadata", line=EXTRA_LINE + 1),
          "the same, as an explicit mapping key")
card_case("yaml/int-401-digits", card_text("claims:", "  parameters: " + "9" * 401), refused("claims.parameters", line=EXTRA_LINE + 1),
          "stored, it broke every search sorting on parameters")
card_case("yaml/int-above-2^53", card_text("claims:", f"  layers: {2**53 + 1}"), refused("claims.layers", line=EXTRA_LINE + 1),
          "beyond what JSON clients represent exactly")
card_case("yaml/int-negative", card_text("claims:", "  parameters: -1"), refused("claims.parameters", line=EXTRA_LINE + 1), "a negative count")
card_case("yaml/int-hex", card_text("claims:", "  layers: 0x10"), ACCEPT, "YAML 1.1 hex is an int")
card_case("yaml/version-octal", card_text(head=replaced("version", "version: 010")), refused("version", line=3),
          "010 is the int 8 in YAML 1.1: the version must be quoted")
card_case("yaml/version-float", card_text(head=replaced("version", "version: 1.10")), refused("version", "quote", line=3),
          "1.10 reads as the float 1.1")
card_case("yaml/norway", card_text("language: no"), refused("language", "quote", line=EXTRA_LINE), "`no` is false in YAML 1.1")
card_case("yaml/float-nan", card_text("evaluations:", "  - metric: acc", "    value: .nan"), refused("evaluations[0].value", "finite", line=EXTRA_LINE + 2),
          "NaN passed validate and failed at storage with no field named")
card_case("yaml/float-inf", card_text("evaluations:", "  - metric: acc", "    value: .inf"), refused("evaluations[0].value", "finite", line=EXTRA_LINE + 2),
          "infinity")
card_case("yaml/float-minus-inf", card_text("evaluations:", "  - metric: acc", "    value: -.inf"), refused("evaluations[0].value", line=EXTRA_LINE + 2),
          "minus infinity")
card_case("yaml/float-overflow", card_text("evaluations:", "  - metric: acc", "    value: 1.0e+400"), refused("evaluations[0].value", line=EXTRA_LINE + 2),
          "a float literal that overflows to infinity")
card_case("yaml/float-huge", card_text("evaluations:", "  - metric: acc", "    value: 1.0e+300"), refused("evaluations[0].value", line=EXTRA_LINE + 2),
          "finite but beyond any metric")
card_case("yaml/nan-in-free-form", card_text("hf_metadata:", "  score: .nan"), refused("hf_metadata.score", "finite", line=EXTRA_LINE + 1),
          "free-form sections reach the store too")
card_case("yaml/nan-in-harness-args", card_text("evaluations:", "  - metric: acc", "    value: 0.5", "    harness: {name: x, args: {t: .nan}}"),
          refused("evaluations[0].harness.args.t", line=EXTRA_LINE + 3), "harness args are free-form")
card_case("yaml/samples-zero", card_text("evaluations:", "  - metric: acc", "    value: 0.5", "    samples: 0"),
          refused("evaluations[0].samples", line=EXTRA_LINE + 3), "a result over no samples")

# Dates
card_case("date/feb-30", card_text("created: 2026-02-30"), refused("created", "date", line=EXTRA_LINE), "an impossible day")
card_case("date/year-zero", card_text("created: 0000-01-01"), refused("created", line=EXTRA_LINE), "year 0 does not exist in Python")
card_case("date/quoted-month-13", card_text('created: "2026-13-01"'), refused("created", line=EXTRA_LINE), "a quoted impossible date")
card_case("date/timestamp", card_text("created: 2026-01-01T10:00:00Z"), refused("created", line=EXTRA_LINE), "a timestamp where a date belongs")
card_case("date/year-10000", card_text('created: "10000-01-01"'), refused("created", line=EXTRA_LINE), "five-digit years")
card_case("date/future-created", card_text("created: 2999-01-01"), Expect(FLAGGED, finding=FUTURE_DATES_RULE), "a model created in 2999")
card_case("date/future-evaluation", card_text("evaluations:", "  - metric: acc", "    value: 0.5", "    date: 2999-06-01"),
          Expect(FLAGGED, finding=FUTURE_DATES_RULE), "an evaluation run in 2999")
card_case("date/future-approval", card_text("governance:", "  approvals:", "    - by: Legal", "      date: 9999-12-31"),
          Expect(FLAGGED, finding=FUTURE_DATES_RULE), "an approval given in 9999")

# Encodings, whitespace, bytes that are not YAML text
TEXT = card_text("description: plain")
card_case("enc/utf16-le-bom", TEXT.encode("utf-16"), refused("UTF-16"), "Windows editors save UTF-16 with a BOM")
card_case("enc/utf16-be-bom", b"\xfe\xff" + TEXT.encode("utf-16-be"), refused("UTF-16"), "big-endian UTF-16")
card_case("enc/utf16-le-no-bom", TEXT.encode("utf-16-le"), refused("UTF-16"), "UTF-16 without a BOM: every other byte is NUL")
card_case("enc/utf32-bom", TEXT.encode("utf-32"), refused("UTF-32"), "UTF-32 with a BOM")
card_case("enc/utf8-bom", b"\xef\xbb\xbf" + TEXT.encode(), ACCEPT, "Notepad's UTF-8 BOM")
card_case("enc/crlf", TEXT.replace("\n", "\r\n"), ACCEPT, "Windows line endings")
card_case("enc/cr-only", TEXT.replace("\n", "\r"), ACCEPT, "classic Mac line endings")
card_case("enc/latin-1", card_text("description: caf\xe9").encode("latin-1"), refused("UTF-8", line=EXTRA_LINE), "Latin-1 bytes")
card_case("enc/cp1252-quotes", card_text("description: \u201cquoted\u201d").encode("cp1252"), refused("UTF-8", line=EXTRA_LINE), "Word's smart quotes")
card_case("enc/overlong-utf8", TEXT.encode() + b"tags: [\xc0\xaf]\n", refused("UTF-8"), "an overlong UTF-8 sequence")
card_case("enc/utf8-surrogate", TEXT.encode() + b"tags: [\xed\xa0\x80]\n", refused("UTF-8"), "a UTF-8 encoded surrogate")
card_case("enc/nul-early", TEXT.encode() + b"\0\n", refused("NUL"), "a NUL byte")
card_case("enc/nul-late", TEXT.encode() + b"description2: " + b"x" * 9000 + b"\0\n", refused("NUL"), "a NUL byte past the first 8 kB")
card_case("enc/raw-escape-char", card_text("description: red \x1b[31m text"), refused("U+001B", line=EXTRA_LINE),
          "a raw ANSI escape: terminals would obey it")
card_case("enc/noncharacter", card_text("description: x\ufffe"), refused("U+FFFE", line=EXTRA_LINE), "a Unicode noncharacter")
card_case("enc/tab-indent", card_text("uses:", "\tintended: [x]"), refused("tab", line=EXTRA_LINE + 1), "a tab used as indentation")
card_case("enc/tab-after-colon", card_text("description:\tplain\ttext"), ACCEPT, "tabs as separators are legal YAML")
card_case("enc/binary-garbage", bytes(range(256)) * 4, refused("binary"), "random bytes")
card_case("enc/empty-file", b"", refused("empty"), "a zero-byte card")
card_case("enc/whitespace-only", "   \n\n  \n", refused("empty"), "only whitespace")
card_case("enc/comments-only", "# a card\n# to come\n", refused("empty"), "only comments")
card_case("enc/document-marker-only", "---\n", refused("mapping"), "a document holding null")

# Structure
card_case("yaml/alias-bomb", "a: &a [x,x,x,x,x,x,x,x,x,x]\n" + "".join(f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},"
                                                                 f"*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)}]\n"
                                                                 for i in range(8)),
          refused("alias bomb"), "billion laughs")
card_case("yaml/deep-flow-70", card_text("hf_metadata: {a: " + "[" * 70 + "]" * 70 + "}"), refused("nesting", line=EXTRA_LINE), "70 levels deep")
card_case("yaml/deep-flow-5000", card_text("hf_metadata: {a: " + "[" * 5000 + "]" * 5000 + "}"), refused("nesting"), "deeper than libyaml allows")
card_case("yaml/deep-block-60", card_text("hf_metadata:", *("  " * (i + 1) + f"k{i}:" for i in range(58)), "  " * 59 + "leaf: 1"), ACCEPT,
          "deep but inside the limit")
card_case("yaml/too-big", card_text("description: " + "x" * 1_100_000), refused("limit"), "over the 1 MB card limit")
card_case("yaml/too-many-nodes", card_text("hf_metadata: {a: [" + ",".join("1" * 300_000) + "]}"), refused("nodes"), "300,000 tiny nodes")
card_case("yaml/duplicate-key", card_text("description: a", "description: b"), refused("duplicate", line=EXTRA_LINE + 1), "a repeated key")
card_case("yaml/duplicate-nested-key", card_text("claims:", "  layers: 1", "  layers: 2"), refused("duplicate", line=EXTRA_LINE + 2), "a repeated nested key")
card_case("yaml/case-variant-key", card_text("Name: other"), refused("Name", line=EXTRA_LINE), "Name and name")
card_case("yaml/two-documents", card_text("---", "name: second"), refused("single document"), "a second YAML document")
card_case("yaml/top-level-list", "- a\n- b\n", refused("mapping"), "a list instead of a card")
card_case("yaml/top-level-scalar", "just text\n", refused("mapping"), "a string instead of a card")
card_case("yaml/unclosed-quote", card_text('description: "open'), refused("quoted scalar", line=EXTRA_LINE + 1), "a quote never closed")
card_case("yaml/bad-indent", card_text("owners:", "  - name: a", " - name: b"), refused("syntax", line=EXTRA_LINE + 2), "inconsistent indentation")
card_case("yaml/complex-key", card_text("? {a: 1}", ": x"), refused("plain scalars", line=EXTRA_LINE), "a mapping used as a key")
card_case("yaml/lone-surrogate-escape", card_text('description: "\\ud800"'), refused("escape", line=EXTRA_LINE), "an escape naming half a surrogate pair")

# Values that passed validation and broke something later
card_case("value/name-trailing-newline", card_text(head=replaced("name", 'name: "x\\n"')), refused("name", line=2),
          "Python's $ matches before a final newline: the version could never be addressed")
card_case("value/version-trailing-newline", card_text(head=replaced("version", 'version: "1.0\\n"')), refused("version", line=3),
          "its report URL broke the HTTP header")
card_case("value/name-leading-newline", card_text(head=replaced("name", 'name: "\\nx"')), refused("name", line=2), "a leading newline")
card_case("value/name-nul", card_text(head=replaced("name", 'name: "x\\0y"')), refused("name", line=2), "a NUL in the name")
card_case("value/description-nul", card_text('description: "a\\0b"'), refused("description", line=EXTRA_LINE), "NUL passed validate, failed at storage")
card_case("value/description-escape", card_text('description: "\\e[2J cleared"'), refused("description", line=EXTRA_LINE), "an ANSI escape by YAML escape")
card_case("value/description-bell", card_text('description: "ding\\a"'), refused("description", line=EXTRA_LINE), "BEL")
card_case("value/description-del", card_text('description: "x\\x7f"'), refused("description", line=EXTRA_LINE), "DEL")
card_case("value/description-tabs-newlines", card_text('description: "line one\\n\\tline two\\r\\n"'), ACCEPT, "prose may hold tabs and newlines")
card_case("value/owner-name-newline", card_text(head=[*CARD_HEAD[:4], '  - name: "Jane\\nDoe"', *CARD_HEAD[5:]]), refused("owners[0].name", line=5),
          "one-line fields hold one line")
card_case("value/tag-nul", card_text('tags: ["a\\0"]'), refused("tags[0]", line=EXTRA_LINE), "NUL in a list item")
card_case("value/free-form-nul-value", card_text('hf_metadata: {a: "x\\0"}'), refused("hf_metadata.a", line=EXTRA_LINE), "NUL in free-form values")
card_case("value/free-form-nul-key", card_text('hf_metadata: {"a\\0": 1}'), refused("hf_metadata", line=EXTRA_LINE), "NUL in a free-form key")
card_case("value/model-index-nul", card_text('model-index: [{name: "\\0"}]'), refused("model-index[0].name", line=EXTRA_LINE), "model-index is kept as-is")
card_case("value/name-confusable", card_text(head=replaced("name", "name: h\u043estile/card")), refused("name", line=2),
          "a Cyrillic o in the name")
card_case("value/name-zero-width", card_text(head=replaced("name", "name: hostile/ca\u200brd")), refused("name", line=2), "a zero-width space")
card_case("value/name-traversal", card_text(head=replaced("name", "name: ../../etc/passwd")), refused("name", line=2), "a path as a name")
card_case("value/version-traversal", card_text(head=replaced("version", 'version: "1.0/../../x"')), refused("version", line=3), "a path as a version")
card_case("value/version-fullwidth", card_text(head=replaced("version", 'version: "\uff11.\uff10"')), refused("version", line=3), "fullwidth digits")
card_case("value/name-too-long", card_text(head=replaced("name", "name: " + "a" * 97)), refused("name", line=2), "97 characters")
card_case("value/schema-version-int", card_text(head=replaced("schema_version", "schema_version: 1")), refused("schema_version", line=1), "unquoted")
card_case("value/schema-version-unknown", card_text(head=replaced("schema_version", 'schema_version: "2"')), refused("schema_version", line=1), "a future schema")
card_case("value/license-unknown", card_text(head=replaced("license", "license: do-what-you-want")), refused("license", line=7), "not SPDX")
card_case("value/owners-empty", card_text(head=[*CARD_HEAD[:3], "owners: []", CARD_HEAD[6]]), refused("owners", line=4), "nobody accountable")
card_case("value/owner-email-invalid", card_text(head=[*CARD_HEAD[:5], "    email: not-an-email", CARD_HEAD[6]]), refused("email", line=6), "an email without @")
card_case("value/base-model-self", card_text("base_model: hostile/card"), refused("base_model", "itself", line=EXTRA_LINE),
          "was silently dropped")
card_case("value/base-model-self-version", card_text("base_model: hostile/card@1.0"), refused("base_model", "itself", line=EXTRA_LINE),
          "a self-loop edge")
card_case("value/base-model-self-in-list", card_text("base_model: [other/model, hostile/card]", "base_model_relation: merge"),
          refused("base_model[1]", "itself", line=EXTRA_LINE), "itself among merge parents")
card_case("value/base-model-earlier-version", card_text("base_model: hostile/card@0.9", "base_model_relation: finetune"), ACCEPT,
          "a finetune of its own earlier version is real lineage")
card_case("value/artifact-path-nul", card_text("artifacts:", '  - path: "model\\0.safetensors"'), refused("artifacts[0].path", line=EXTRA_LINE + 1),
          "os.stat raises on NUL")

# Strings that are attacks on whatever renders or queries them: stored verbatim, never interpreted.
for slug, text in [("sql", "'); DROP TABLE models; -- "), ("sql-union", "x' UNION SELECT secret_sha256 FROM api_tokens --"),
                   ("jinja", "{{ 7*7 }} {% include '/etc/passwd' %} {{ config }}"), ("format-string", "{target} {0.__class__} %s %n {reason!r}"),
                   ("html", "<script>alert(1)</script><img src=x onerror=alert(2)>"), ("markdown", "[click](javascript:alert(1)) ![x](http://evil/)"),
                   ("xml", "]]></failure><injected/><![CDATA["), ("csv-formula", "=cmd|' /C calc'!A0"), ("yaml-tag-text", "!!python/object/apply:os.system"),
                   ("bidi", "abc\u202edcba\u202c"), ("emoji", "\U0001f916 model \u200d\U0001f4bb")]:
    card_case(f"inject/{slug}", card_text(f"description: {json.dumps(text, ensure_ascii=False)}", f"tags: [{json.dumps(text, ensure_ascii=False)}]"), ACCEPT,
              "stored verbatim; rendered escaped; never run as SQL, template or markup")

for slug, data in [("utf16", "# Model\n\nA model.\n".encode("utf-16")), ("binary", bytes(range(256))), ("too-big", b"# x\n" + b"y" * 1_100_000)]:
    case(f"readme/{slug}", CARD, write_card(data, "README.md"), refused("README.md", {"utf16": "UTF-16", "binary": "binary", "too-big": "limit"}[slug]),
         "a README given to audit/submit: the same loader limits", http_card=False)
card_case("prose/huge-distinct-words", card_text("description: " + " ".join(f"w{i:x}q" for i in range(120_000))), ACCEPT,
          "840 kB of distinct words: more than Postgres puts in one tsvector")

# Non-regular files as the card: refused before they are opened (a FIFO used to block forever).
for id, build, says, why in [
        ("file/card-fifo", lambda d: f.make_fifo(d / "card.yaml"), "FIFO", "open() on a FIFO blocks until a writer comes"),
        ("file/card-char-device", lambda d: Path("/dev/zero"), "character device", "/dev/zero never ends"),
        ("file/card-socket", lambda d: f.make_socket(d / "card.sock"), "socket", "a unix socket"),
        ("file/card-symlink-to-fifo", lambda d: _symlink(d / "card.yaml", f.make_fifo(d / "pipe")), "FIFO", "a link to a FIFO"),
        ("file/card-symlink-loop", lambda d: _symlink(d / "card.yaml", d / "card.yaml"), "symbolic links", "a link to itself"),
        ("file/card-missing", lambda d: d / "absent.yaml", "absent.yaml", "a typo in the file name"),
        ("file/card-directory", lambda d: _mkdir(d / "cards"), "directory", "a folder given as the card"),
        ("file/readme-fifo", lambda d: f.make_fifo(d / "README.md"), "FIFO", "audit and submit take a README too: a FIFO named README.md"),
        ("file/readme-char-device", lambda d: _symlink(d / "README.md", Path("/dev/zero")), "character device", "a README that never ends")]:
    case(id, CARD, build, refused(says), why, http_card=False)


def _symlink(link: Path, target: Path) -> Path:
    link.symlink_to(target)
    return link


# ---------------------------------------------------------------------------------------------------- weights
def write_file(name: str, data: bytes | Callable[[], bytes]):
    def build(directory: Path) -> Path:
        path = directory / name
        path.write_bytes(data() if callable(data) else data)
        return path

    return build


def write_folder(entries: dict[str, bytes | str]):
    def build(directory: Path) -> Path:
        folder = directory / "model"
        for name, data in entries.items():
            path = folder / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data.encode() if isinstance(data, str) else data)
        return folder

    return build


def weights_case(id: str, build, expect: Expect, why: str) -> None:
    case(id, WEIGHTS, build, expect, why)


EIGHT = b"\0" * 8
ST = "model.safetensors"
GOOD_ST = f.safetensors_bytes(f.one_tensor_header(), EIGHT)


def st_case(id: str, header: object, expect: Expect, why: str, data: bytes = EIGHT, **options) -> None:
    weights_case(id, write_file(ST, f.safetensors_bytes(header, data, **options)), expect, why)


corrupt = refused  # the readers' refusals name the file: every weights case's message must hold its name (checked by the runner)

# Infinity and NaN are not JSON (Python's json.loads reads them anyway, and int() then overflowed): the header is refused as not JSON
st_case("st/shape-infinity", f.one_tensor_header(shape=[float("inf")]), corrupt("not JSON", "Infinity"), "json.loads reads Infinity; int() overflows")
st_case("st/shape-nan", f.one_tensor_header(shape=[float("nan")]), corrupt("not JSON", "NaN"), "NaN as a dimension")
st_case("st/shape-negative-pair", f.one_tensor_header(shape=[-1, -2]), corrupt("shape"), "negative dimensions whose product is positive")
st_case("st/shape-fraction", f.one_tensor_header(shape=[2.5]), corrupt("shape"), "a fractional dimension")
st_case("st/shape-bool", f.one_tensor_header(shape=[True, True]), corrupt("shape"), "booleans as dimensions")
st_case("st/shape-strings", f.one_tensor_header(shape=["2"]), corrupt("shape"), "a dimension as text")
st_case("st/shape-not-list", f.one_tensor_header(shape=2), corrupt("shape"), "a shape that is a number")
st_case("st/shape-huge", f.one_tensor_header(shape=[2**62, 2**62]), corrupt("shape"), "more elements than bytes")
st_case("st/shape-1e400", None, corrupt("not JSON", "overflows"), "an overflowing literal",
        raw_header=b'{"w": {"dtype": "F32", "shape": [1e400], "data_offsets": [0, 8]}}')
st_case("st/metadata-string", {"__metadata__": "x"} | f.one_tensor_header(), corrupt("__metadata__"), "metadata.update on a string crashed")
st_case("st/metadata-list", {"__metadata__": [1, 2]} | f.one_tensor_header(), corrupt("__metadata__"), "metadata as a list")
st_case("st/metadata-nested", {"__metadata__": {"a": {"b": 1}}} | f.one_tensor_header(), corrupt("__metadata__"), "the format says str -> str")
st_case("st/metadata-nul", {"__metadata__": {"a": "x\0y"}} | f.one_tensor_header(), corrupt("NUL"), "Postgres cannot store NUL")
st_case("st/dtype-list", f.one_tensor_header(dtype=["F32"]), corrupt("dtype"), "an unhashable dtype crashed the lookup")
st_case("st/dtype-null", f.one_tensor_header(dtype=None), corrupt("dtype"), "a null dtype")
st_case("st/dtype-unknown", f.one_tensor_header(dtype="F128"), refused("F128"), "a dtype no reader knows")
st_case("st/offsets-reversed", f.one_tensor_header(data_offsets=[8, 0]), corrupt("bytes"), "end before start")
st_case("st/offsets-past-end", f.one_tensor_header(data_offsets=[0, 800]), corrupt("outside the file"), "past the end")
st_case("st/offsets-strings", f.one_tensor_header(data_offsets=["0", "8"]), corrupt("bytes"), "offsets as text")
st_case("st/offsets-three", f.one_tensor_header(data_offsets=[0, 4, 8]), corrupt("data_offsets"), "three offsets")
st_case("st/entry-number", {"w": 5}, corrupt("w"), "a tensor entry that is a number")
st_case("st/header-array", [1, 2], corrupt("JSON object"), "a header that is a list")
st_case("st/header-not-json", None, corrupt("not JSON"), "garbage header", raw_header=b"{not json at all")
st_case("st/header-deep", None, corrupt(ST), "JSON nested 100,000 deep", raw_header=b"{" + b'"a":[' * 1 + b"[" * 100_000 + b"]" * 100_000 + b"]}")
st_case("st/header-invalid-utf8", None, corrupt(ST), "invalid UTF-8 in the header", raw_header=b'{"\xff\xfe": 1}')
st_case("st/header-duplicate-tensor", None, corrupt("duplicate"), "the same tensor twice: which one counts?",
        raw_header=b'{"w": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}, "w": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}}')
st_case("st/tensor-name-nul", {"a\0b": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}}, corrupt("NUL"), "a NUL in a tensor name")
st_case("st/length-max", None, corrupt("header claims"), "a length of 2^64-1", raw_header=b"{}", length=2**64 - 1)
st_case("st/length-past-end", None, corrupt("header claims"), "a length past the end", raw_header=b"{}", length=5000)
weights_case("st/empty-file", write_file(ST, b""), corrupt("too short"), "a zero-byte safetensors file")
weights_case("st/seven-bytes", write_file(ST, b"\x01" * 7), corrupt("too short"), "shorter than the length prefix")
weights_case("st/zero-length-header", write_file(ST, struct.pack("<Q", 0)), corrupt(ST), "an empty header")
weights_case("st/text-named-safetensors", write_file(ST, b"hello world, this is not a model\n"), corrupt("header claims"), "a text file renamed")
weights_case("st/valid", write_file(ST, GOOD_ST), ACCEPT, "the control: a valid one-tensor file")
weights_case("st/nan-weights", write_file(ST, f.safetensors_bytes(f.one_tensor_header(), struct.pack("<2f", float("nan"), 1.0))), ACCEPT,
             "a diverged checkpoint: NaN in the weights must not make the model unsubmittable")
weights_case("st/inf-weights", write_file(ST, f.safetensors_bytes(f.one_tensor_header(), struct.pack("<2f", float("inf"), -float("inf")))), ACCEPT,
             "an fp16 overflow: infinite weights")
weights_case("st/index-weight-map-list", write_folder({"model-00001.safetensors": GOOD_ST, "model.safetensors.index.json": json.dumps({"weight_map": ["w"]})}),
             corrupt("weight_map"), "an index whose weight_map is a list")
weights_case("st/index-traversal", write_folder({"model-00001.safetensors": GOOD_ST,
                                                 "model.safetensors.index.json": json.dumps({"weight_map": {"w": "../../../../../../etc/hostname"}})}),
             corrupt("same folder"), "an index naming a shard outside the model folder")
weights_case("st/index-not-json", write_folder({"model-00001.safetensors": GOOD_ST, "model.safetensors.index.json": "{oops"}),
             corrupt("model.safetensors.index.json"), "a broken index")

# GGUF
GG = "model.gguf"


def gguf_case(id: str, data: bytes | Callable[[], bytes], expect: Expect, why: str) -> None:
    weights_case(id, write_file(GG, data), expect, why)


gguf_case("gguf/valid", f.gguf_tiny(), ACCEPT, "the control: a valid tiny GGUF")
gguf_case("gguf/magic-only", b"GGUF", corrupt(GG), "four bytes")
gguf_case("gguf/empty", b"", corrupt(GG), "a zero-byte .gguf")
gguf_case("gguf/truncated", lambda: f.gguf_tiny()[:-8], corrupt(GG), "cut inside the tensor data")
gguf_case("gguf/version-99", f.gguf_tiny(version=99), corrupt(GG), "an unknown version")
gguf_case("gguf/tensor-count-huge", f.gguf_tiny(n_tensors=2**62), corrupt("tensors"), "2^62 tensor infos claimed by a 200-byte file")
gguf_case("gguf/kv-count-huge", f.gguf_tiny(n_kv=2**62), corrupt("key"), "2^62 key-values claimed")
gguf_case("gguf/string-length-huge", f.gguf_tiny(raw_kv=struct.pack("<Q", 2**60) + b"general.architecture"), corrupt(GG), "a key 2^60 bytes long")
gguf_case("gguf/array-count-huge", f.gguf_tiny(kv=[*f.GGUF_LLAMA_KV], raw_kv=b"".join(
    f.gguf_string(k) + struct.pack("<I", t) + f.gguf_value(t, v) for k, t, v in f.GGUF_LLAMA_KV[:-1]) + f.gguf_string("tokenizer.ggml.tokens")
    + struct.pack("<IIQ", f.ARRAY, f.STRING, 2**60)), corrupt(GG), "an array of 2^60 strings")
gguf_case("gguf/value-type-invalid", f.gguf_tiny(kv=[("general.architecture", 99, None)], raw_kv=f.gguf_string("general.architecture") + struct.pack("<I", 99)),
          corrupt(GG), "value type 99")
gguf_case("gguf/key-invalid-utf8", f.gguf_tiny(kv=[(b"general.\xff", f.U32, 1), *f.GGUF_LLAMA_KV]), corrupt(GG), "a key that is not UTF-8")
gguf_case("gguf/value-nul", f.gguf_tiny(kv=[*f.GGUF_LLAMA_KV[:1], ("general.name", f.STRING, "a\0b"), *f.GGUF_LLAMA_KV[2:]]), corrupt("NUL"),
          "general.name with a NUL: stored in the facts")
gguf_case("gguf/architecture-number", f.gguf_tiny(kv=[("general.architecture", f.U32, 7)]), ACCEPT, "an architecture that is a number")
gguf_case("gguf/tensor-dims-huge", f.gguf_tiny(tensors=[("token_embd.weight", [2**40, 2**40], 0, 0)]), corrupt(GG), "dimensions past the file")
gguf_case("gguf/tensor-type-invalid", f.gguf_tiny(tensors=[("token_embd.weight", [4], 250, 0)]), corrupt(GG), "ggml type 250")

# Pickles and torch zips (never unpickled: walked as opcodes)
PKL, BIN = "model.pkl", "pytorch_model.bin"
LIST_KEY_DICT = f.PROTO2 + b"(]K\x01d" + f.STOP  # {[]: 1}


def canary_pickle(directory: Path) -> Path:
    path = directory / PKL
    path.write_bytes(f.p_call("os", "system", f.p_str(f"touch {directory / 'PWNED'}")))
    return path


weights_case("pkl/list-as-dict-key", write_file(PKL, LIST_KEY_DICT), corrupt(PKL), "dict(zip(...)) with a list key crashed")
weights_case("pkl/list-key-setitem", write_file(PKL, f.PROTO2 + f.EMPTY_DICT + b"]K\x01s" + f.STOP), corrupt(PKL),
             "SETITEM with a list key: no unpickler can build it either (was silently made hashable; now refused like DICT)")
weights_case("pkl/os-system", canary_pickle, Expect(FLAGGED, finding="os.system"), "loading would run a command (it must not have)")
weights_case("pkl/eval", write_file(PKL, f.p_call("builtins", "eval", f.p_str("1+1"))), Expect(FLAGGED, finding="builtins.eval"), "eval on load")
weights_case("pkl/subprocess", write_file(PKL, f.p_call("subprocess", "Popen", f.p_str("id"))), Expect(FLAGGED, finding="subprocess.Popen"), "Popen on load")
weights_case("pkl/deep-lists", write_file(PKL, f.PROTO2 + b"]" * 20_000 + b"a" * 19_999 + f.STOP), corrupt(PKL), "lists nested 20,000 deep")
weights_case("pkl/memo-missing", write_file(PKL, f.PROTO2 + b"h\x07" + f.STOP), corrupt(PKL), "a memo reference to nothing")
weights_case("pkl/truncated", write_file(PKL, f.PROTO2 + b"X\xff\x00\x00\x00ab"), corrupt(PKL), "a string cut short")
weights_case("pkl/proto-only", write_file(PKL, f.PROTO2), corrupt(PKL), "no STOP")
weights_case("pkl/empty", write_file(PKL, b""), corrupt("empty"), "a zero-byte .pkl")
weights_case("pkl/unknown-opcode", write_file(PKL, f.PROTO2 + b"\xff" + f.STOP), corrupt(PKL), "opcode 0xff")
weights_case("pkl/stack-underflow", write_file(PKL, f.PROTO2 + b"0" + f.STOP), corrupt(PKL), "POP on an empty stack")
weights_case("pkl/huge-long", write_file(PKL, f.PROTO2 + b"\x8b" + struct.pack("<i", 1_000_000) + b"\x7f" * 1_000_000 + f.STOP), ACCEPT,
             "a million-byte integer: read, not stored")
weights_case("pkl/tensor-shape-huge", write_file(PKL, f.p_state_dict({"w": f.p_tensor(size=(10**15, 10**15))})), corrupt("parameters"),
             "10^30 elements: the parameter count cannot be stored or searched")
weights_case("pkl/tensor-shape-negative", write_file(PKL, f.p_state_dict({"w": f.p_tensor(size=(-3, 4))})), corrupt("shape"), "a negative dimension")
weights_case("pkl/valid-state-dict", write_file(PKL, f.p_state_dict({"w": f.p_tensor()})), ACCEPT, "the control: a bare state-dict pickle")

weights_case("zip/valid", write_file(BIN, f.torch_zip_bytes(f.p_state_dict({"w": f.p_tensor()}))), ACCEPT, "the control: a torch.save zip")
weights_case("zip/no-data-pkl", write_file(BIN, lambda: _zip({"archive/version": b"3"})), corrupt("data.pkl"), "a zip that is not a checkpoint")
weights_case("zip/list-key", write_file(BIN, f.torch_zip_bytes(LIST_KEY_DICT)), corrupt(BIN), "the list-key pickle inside a zip")
weights_case("zip/truncated-pickle", write_file(BIN, f.torch_zip_bytes(f.PROTO2 + b"}")), corrupt(BIN), "data.pkl without STOP")
weights_case("zip/bomb", write_file(BIN, lambda: f.torch_zip_bomb(100 << 20)), corrupt("data.pkl"),
             "a data.pkl that inflates to 100 MB")
weights_case("zip/encrypted", write_file(BIN, lambda: f.zip_with_patched_entry(f.torch_zip_bytes(f.p_state_dict({})), flag_bits=1)), corrupt(BIN),
             "an entry flagged as encrypted")
weights_case("zip/unknown-compression", write_file(BIN, lambda: f.zip_with_patched_entry(f.torch_zip_bytes(f.p_state_dict({})), method=99)), corrupt(BIN),
             "compression method 99")
weights_case("zip/bad-crc", write_file(BIN, lambda: _flip_last_data_byte(f.torch_zip_bytes(f.p_state_dict({"w": f.p_tensor()})))), corrupt(BIN),
             "a data.pkl whose CRC does not match")
weights_case("zip/cut-central-directory", write_file(BIN, lambda: f.torch_zip_bytes(f.p_state_dict({}))[:-30]), corrupt(BIN), "the end record cut off")
weights_case("zip/empty-bin", write_file(BIN, b""), corrupt(BIN), "a zero-byte .bin")
weights_case("zip/traversal-names", write_file(BIN, lambda: _zip({"../../../evil/data.pkl": f.p_state_dict({"w": f.p_tensor()})})), ACCEPT,
             "member names with ../ are read, never extracted")
weights_case("zip/evil-reduce", write_file(BIN, f.torch_zip_bytes(f.p_call("os", "system", f.p_str("id")))), Expect(FLAGGED, finding="os.system"),
             "a torch checkpoint that runs a command on load")


def _zip(entries: dict[str, bytes]) -> bytes:
    import io

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _flip_last_data_byte(data: bytes) -> bytes:
    # data.pkl is the first member, stored: its last byte sits just before the second local header
    second = data.find(b"PK\x03\x04", 4)
    return data[:second - 1] + bytes([data[second - 1] ^ 0xFF]) + data[second:]


# Configs beside the weights
def config_case(id: str, entries: dict[str, object], expect: Expect, why: str) -> None:
    weights_case(id, write_folder({ST: GOOD_ST} | {name: value if isinstance(value, (str, bytes)) else json.dumps(value) for name, value in entries.items()}),
                 expect, why)


config_case("cfg/adapter-config-list", {"adapter_config.json": [1, 2]}, corrupt("adapter_config.json"), "config.get on a list crashed")
config_case("cfg/modules-json-ints", {"modules.json": [1, 2]}, corrupt("modules.json"), "module.get on an int crashed")
config_case("cfg/modules-json-dict", {"modules.json": {"a": 1}}, corrupt("modules.json"), "modules.json must be a list")
config_case("cfg/modules-traversal", {"modules.json": [{"type": "sentence_transformers.models.Pooling", "path": "../../../../../../etc"}]},
            corrupt("outside"), "a module path leaving the model folder")
config_case("cfg/modules-absolute", {"modules.json": [{"type": "sentence_transformers.models.Pooling", "path": "/etc"}]}, corrupt("outside"),
            "an absolute module path")
config_case("cfg/modules-foreign-type", {"modules.json": [{"idx": 0, "name": "0", "path": "", "type": "builtins.eval"}]}, ACCEPT,
            "a module type outside sentence_transformers: facts only, never imported")
config_case("cfg/config-list", {"config.json": [1]}, corrupt("config.json"), "a config that is a list")
config_case("cfg/config-nan", {"config.json": '{"num_hidden_layers": NaN}'}, corrupt("config.json"), "NaN in a config")
config_case("cfg/config-overflow", {"config.json": '{"vocab_size": 1e400}'}, corrupt("config.json"), "an overflowing number")
config_case("cfg/config-huge-int", {"config.json": json.dumps({"vocab_size": 10**30})}, corrupt("config.json"), "beyond 64 bits")
config_case("cfg/config-deep", {"config.json": "[" * 100_000 + "]" * 100_000}, corrupt("config.json"), "JSON nested 100,000 deep")
config_case("cfg/config-utf16", {"config.json": json.dumps({"num_hidden_layers": 2}).encode("utf-16")}, corrupt("config.json"), "a UTF-16 config")
config_case("cfg/config-bom", {"config.json": b"\xef\xbb\xbf" + json.dumps({"num_hidden_layers": 2}).encode()}, ACCEPT, "a UTF-8 BOM: read")
config_case("cfg/config-nul-string", {"config.json": json.dumps({"model_type": "be\u0000rt"})}, corrupt("NUL"), "a NUL in model_type")
config_case("cfg/target-modules-dicts", {"adapter_config.json": {"peft_type": "LORA", "target_modules": [{"a": 1}, {"b": 2}]}},
            corrupt("adapter_config.json"), "sorted() of dicts crashed")
config_case("cfg/config-only-weird-types", {"config.json": {"model_type": ["bert"], "num_hidden_layers": "12", "text_config": [1]}}, ACCEPT,
            "odd types are recorded as stated, not crashed on")

# Non-regular files, links and folders as weights
weights_case("file/weights-fifo", lambda d: f.make_fifo(d / ST), refused("FIFO"), "open() on a FIFO blocked submit and audit forever")
weights_case("file/weights-char-device", lambda d: Path("/dev/zero"), refused("character device"), "/dev/zero",)
weights_case("file/weights-socket", lambda d: f.make_socket(d / "w.sock"), refused("socket"), "a socket")
weights_case("file/weights-fifo-in-folder", lambda d: _with(write_folder({ST: GOOD_ST})(d), lambda m: f.make_fifo(m / "extra.bin")), ACCEPT,
             "a FIFO inside a model folder is not a model file: skipped, never opened")
weights_case("file/weights-empty-folder", lambda d: _mkdir(d / "empty"), refused("no model files"), "nothing to read")
weights_case("file/weights-too-many-files", lambda d: _many_files(d / "many", 10_001), refused("files"), "a folder that is not a model: bounded walk")
weights_case("file/weights-link-out-of-tree", lambda d: _with(write_folder({ST: GOOD_ST})(d), lambda m: _symlink(m / "README.md", Path("/etc/hostname"))),
             Expect(ACCEPTED, http=REFUSED, http_says=("outside",)), "a link leaving the folder: your own files locally, refused by the server")
weights_case("file/weights-not-a-model", write_file("notes.txt", b"SECRET-CONTENT-42 do not echo\n"),
             refused("not a model file", never_says=("SECRET-CONTENT-42", "53 45 43 52")), "dry-run used to return the first bytes of any file")
weights_case("file/weights-elf", write_file("tool", b"\x7fELF\x02\x01\x01" + b"\0" * 100), refused("not a model file", never_says=("7f 45 4c 46",)),
             "an executable")
weights_case("file/weights-plain-zip", write_file("archive.zip", lambda: _zip({"readme.txt": b"hi"})), refused("not a model file"), "a zip that is no checkpoint")


def _with(path: Path, action) -> Path:
    action(path)
    return path


def _mkdir(path: Path) -> Path:
    path.mkdir()
    return path


def _many_files(folder: Path, count: int) -> Path:
    folder.mkdir()
    for index in range(count):
        (folder / f"f{index}.txt").touch()
    return folder


# ---------------------------------------------------------------------------------------------------- artifacts
def artifacts_card(paths: list[str], expect: Expect, id: str, why: str, files_: dict[str, bytes] | None = None) -> None:
    def build(directory: Path) -> Path:
        for name, data in (files_ or {}).items():
            (directory / name).write_bytes(data)
        lines = ["artifacts:", *(f"  - path: {json.dumps(p.replace('{dir}', str(directory)))}" for p in paths)]
        return write_card(card_text(*lines))(directory)

    case(id, CARD, build, expect, why)


artifacts_card([ST, "{dir}/config.json"], ACCEPT, "artifacts/mixed-relative-absolute",
               "os.path.commonpath raised on relative + absolute (over HTTP a relative path is the server's cwd's: here, the same folder)",
               {ST: GOOD_ST, "config.json": b"{}"})
SUBMITTING = ("audit", "submit", "POST /models")  # the doors that read a card's artifacts
artifacts_card(["/etc/hostname", "/usr/bin/env"], refused("model directory", refused_by=SUBMITTING), "artifacts/no-common-folder",
               "their only common folder is / : the whole disk would be walked")
artifacts_card(["../../../../../../../../etc/passwd"], refused("passwd", refused_by=SUBMITTING), "artifacts/traversal", "a relative path out of the tree")
artifacts_card(["x" * 300], Expect(FLAGGED, finding="security.artifacts-present"), "artifacts/path-300-chars",
               "ENAMETOOLONG from stat: a path no file system can hold is a missing artifact (a finding), not a crash")

# ---------------------------------------------------------------------------------------------------- lake scenarios
def lake_case(id: str, cards: list[str], expect: Expect, why: str) -> None:
    def build(directory: Path) -> list[Path]:
        return [write_card(text, f"card{i}.yaml")(directory) for i, text in enumerate(cards)]

    case(id, LAKE, build, expect, why)


def named(name: str, version: str = "1.0", *extra: str) -> str:
    return card_text(*extra, head=[f"name: {name}" if r.startswith("name:") else f'version: "{version}"' if r.startswith("version:") else r
                                   for r in CARD_HEAD])


lake_case("lake/cycle-a-b", [named("cyc/a", "1.0", "base_model: cyc/b", "base_model_relation: finetune"),
                             named("cyc/b", "1.0", "base_model: cyc/a", "base_model_relation: finetune")],
          refused("cycle", "cyc/a", "cyc/b"), "A names B, then B names A")
lake_case("lake/cycle-a-b-c", [named("cyc/a", "1.0", "base_model: cyc/c", "base_model_relation: finetune"),
                               named("cyc/b", "1.0", "base_model: cyc/a", "base_model_relation: finetune"),
                               named("cyc/c", "1.0", "base_model: cyc/b", "base_model_relation: finetune")],
          refused("cycle"), "a three-model loop")
lake_case("lake/cycle-versioned", [named("cyc/a", "1.0", "base_model: cyc/b@1.0", "base_model_relation: finetune"),
                                   named("cyc/b", "1.0", "base_model: cyc/a@1.0", "base_model_relation: finetune")],
          refused("cycle"), "the loop named by exact versions")
lake_case("lake/resubmit-identical", [named("same/m"), named("same/m")], ACCEPT, "the same card twice: unchanged, not an error")
lake_case("lake/resubmit-changed", [named("same/m"), named("same/m", "1.0", "description: changed")], refused("already exists"),
          "the same version with other content")
lake_case("lake/chain-no-cycle", [named("chain/a"), named("chain/b", "1.0", "base_model: chain/a", "base_model_relation: finetune"),
                                  named("chain/c", "1.0", "base_model: chain/b", "base_model_relation: finetune")], ACCEPT,
          "a real three-generation chain")

# ---------------------------------------------------------------------------------------------------- HTTP
def http_case(id: str, request: HttpRequest | Callable[[Path], HttpRequest], status: tuple[int, ...], says: tuple[str, ...], why: str) -> None:
    case(id, HTTP, request if callable(request) else (lambda d: request), Expect(REFUSED if all(s >= 400 for s in status) else ACCEPTED,
                                                                                 says, status=status), why)


DEEP = b'{"text": ' + b"[" * 10_000 + b"]" * 10_000 + b"}"
TINY_CARD = card_text()
for route in ("/search", "/models", "/policies/dry-run"):
    http_case(f"http/deep-json-10000{route.replace('/', '-')}", HttpRequest("POST", route, content=DEEP, headers={"content-type": "application/json"}),
              (400,), ("nested",), "a JSON body nested 10,000 deep")
http_case("http/deep-json-200-search", HttpRequest("POST", "/search", content=b'{"text": ' + b"[" * 200 + b"]" * 200 + b"}",
                                                   headers={"content-type": "application/json"}), (400,), ("nested",), "deeper than any real body")
http_case("http/deep-card-dict", HttpRequest("POST", "/models", json={"card": {"hf_metadata": json.loads("[" * 150 + "]" * 150)}}),
          (400, 422), ("nested",), "a JSON card nested 150 deep")
for slug, filters in [("field-list", [{"field": ["license"], "op": "eq", "value": "mit"}]), ("field-dict", [{"field": {"a": 1}, "op": "eq", "value": "x"}]),
                      ("field-null", [{"field": None, "op": "eq", "value": "x"}]), ("op-list", [{"field": "license", "op": ["eq"], "value": "x"}]),
                      ("value-dict", [{"field": "license", "op": "eq", "value": {"a": 1}}]), ("filters-dict", {"field": "license"}),
                      ("value-nul", [{"field": "license", "op": "eq", "value": "mi\u0000t"}]),
                      ("date-feb-30", [{"field": "created", "op": "gt", "value": "2026-02-30"}]),
                      ("date-fullwidth", [{"field": "created", "op": "gt", "value": "\uff12\uff10\uff12\uff16-01-01"}]),
                      ("date-newline", [{"field": "created", "op": "gt", "value": "2026-01-01\n"}]),
                      ("metric-newline", [{"field": "metric:acc\n", "op": "gt", "value": 0.5}]),
                      ("number-huge", [{"field": "parameters", "op": "gt", "value": 10**30}])]:
    http_case(f"http/search-{slug}", HttpRequest("POST", "/search", json={"filters": filters}), (422,), ("filters",), "a malformed filter")
for slug, body in [("text-list", {"text": ["a"]}), ("text-nul", {"text": "a\u0000b"}), ("sort-field-list", {"sort": {"field": ["name"]}}),
                   ("lineage-list", {"lineage": ["a"]}), ("limit-string", {"limit": "5"}), ("limit-huge", {"limit": 10**30}),
                   ("similar-to-nul", {"similar_to": "a\u0000"})]:
    http_case(f"http/search-{slug}", HttpRequest("POST", "/search", json=body), (422,), (slug.split("-")[0].replace("similar", "similar_to"),),
              "a malformed query")
http_case("http/search-text-plain", HttpRequest("POST", "/search", content=b'{"text": "x"}', headers={"content-type": "text/plain"}), (415,),
          ("application/json",), "text/plain was accepted as JSON")
http_case("http/models-form-body", HttpRequest("POST", "/models", content=b"card=x", headers={"content-type": "application/x-www-form-urlencoded"}),
          (415,), ("application/json",), "curl -d sends a form")
http_case("http/search-no-content-type", HttpRequest("POST", "/search", content=b'{"text": "x"}'), (415,), ("application/json",), "no content type at all")
http_case("http/search-json-charset", HttpRequest("POST", "/search", content=b'{"text": "x"}', headers={"content-type": "application/json; charset=utf-8"}),
          (200,), (), "the control: JSON with a charset parameter")
http_case("http/invalid-json", HttpRequest("POST", "/search", content=b'{"text": ', headers={"content-type": "application/json"}), (400,), (), "cut JSON")
http_case("http/json-nan", HttpRequest("POST", "/models", content=b'{"card": {"x": NaN}}', headers={"content-type": "application/json"}), (400,), (), "NaN is not JSON")
http_case("http/json-overflow", HttpRequest("POST", "/models", content=b'{"card": {"x": 1e400}}', headers={"content-type": "application/json"}), (400,), (),
          "a number out of range")
http_case("http/card-lone-surrogate", HttpRequest("POST", "/models", content=b'{"card": "name: \\ud800"}', headers={"content-type": "application/json"}),
          (400, 422), (), "half a surrogate pair in the card text")
http_case("http/card-dict-surrogate", HttpRequest("POST", "/models", content=b'{"card": {"description": "\\udfff"}}', headers={"content-type": "application/json"}),
          (400, 422), (), "half a surrogate pair in a JSON card")
http_case("http/card-dict-huge-int", HttpRequest("POST", "/models", json={"card": json.loads(json.dumps({"schema_version": "1", "name": "a/b", "version": "1",
                                                                                                          "owners": [{"name": "x"}], "license": "mit",
                                                                                                          "claims": {"parameters": 10**400}}))}),
          (422,), ("claims.parameters",), "a 401-digit count as JSON")
http_case("http/card-dict-nul-key", HttpRequest("POST", "/models", json={"card": {"schema_version": "1", "name": "a/b", "version": "1", "owners": [{"name": "x"}],
                                                                                   "license": "mit", "hf_metadata": {"k\u0000": 1}}}),
          (422,), ("hf_metadata",), "NUL in a JSON card key")
http_case("http/card-list", HttpRequest("POST", "/models", json={"card": [1, 2]}), (400,), (), "a card that is a list")
http_case("http/body-too-large", HttpRequest("POST", "/models", content=b'{"card": "' + b"x" * 3_000_000 + b'"}', headers={"content-type": "application/json"}),
          (413,), (), "over the body limit")
for slug, weights in [("300-chars", "w" * 300), ("nul", "model\u0000.safetensors"), ("traversal", "../../../../../../etc/passwd"), ("etc", "/etc/passwd"),
                      ("dev-zero", "/dev/zero"), ("newline", "model\n.safetensors")]:
    http_case(f"http/models-weights-{slug}", HttpRequest("POST", "/models", json={"card": TINY_CARD, "weights": weights}), (400, 403, 404),
              (), "a hostile server path")
    http_case(f"http/dry-run-weights-{slug}", HttpRequest("POST", "/policies/dry-run", json={"card": TINY_CARD, "weights": weights}), (400, 403, 404),
              (), "a hostile server path")
for slug, side in [("300-chars", "d" * 300), ("nul", "a\u0000b"), ("dev-zero", "/dev/zero"), ("etc", "/etc/hostname"), ("long-ref", "m" * 5000)]:
    http_case(f"http/diff-{slug}", HttpRequest("GET", "/diff", params={"a": side, "b": side}), (400, 403, 404), (), "a hostile diff side")
http_case("http/diff-fifo-in-roots", lambda d: HttpRequest("GET", "/diff", params={"a": str(f.make_fifo(d / "p.safetensors")), "b": "x"}),
          (400, 404, 415, 422), ("FIFO",), "a FIFO the server may read: refused before it is opened")
http_case("http/dry-run-fifo-in-roots", lambda d: HttpRequest("POST", "/policies/dry-run", json={"card": TINY_CARD, "weights": str(f.make_fifo(d / "p.gguf"))}),
          (400, 415, 422), ("FIFO",), "a FIFO as dry-run weights")
for slug, path in [("ref-nul", "/models/a%00b"), ("ref-newline", "/models/acme/x%0A"), ("ref-huge", "/models/" + "a" * 10_000),
                   ("versions-nul", "/versions/a%00"), ("lineage-nul", "/lineage/a%00"), ("reviews-nul", "/reviews/a%00"),
                   ("report-traversal", "/reports/..%2F..%2Fetc/acme/x"), ("report-newline-ref", "/reports/json/acme/x%0D%0ASet-Cookie:%20a=b"),
                   ("ui-model-nul", "/ui/models/a%00b")]:
    http_case(f"http/get-{slug}", HttpRequest("GET", path), (400, 404), (), "a hostile path parameter")
http_case("http/models-list-limit-huge", HttpRequest("GET", "/models", params={"limit": str(10**30)}), (400,), (), "a huge page size")
http_case("http/models-list-q-nul", HttpRequest("GET", "/models", params={"q": "a\u0000"}), (200, 400), (), "NUL in a query string")
http_case("http/waiver-date-feb-30", HttpRequest("POST", "/waivers", json={"rule_id": "a.b", "target": "acme/x", "reason": "r", "expires_at": "2026-02-30"}),
          (400,), ("expires_at",), "an impossible date")
http_case("http/waiver-date-year-0", HttpRequest("POST", "/waivers", json={"rule_id": "a.b", "target": "acme/x", "reason": "r", "expires_at": "0000-01-01"}),
          (400,), ("expires_at",), "year zero")
http_case("http/waiver-target-newline", HttpRequest("POST", "/waivers", json={"rule_id": "a.b", "target": "acme/x\n", "reason": "r"}), (400,), ("target",),
          "a target with a trailing newline")
http_case("http/waiver-rule-newline", HttpRequest("POST", "/waivers", json={"rule_id": "a.b\n", "target": "acme/x", "reason": "r"}), (400,), ("rule_id",),
          "a rule id with a trailing newline")
http_case("http/policy-name-newline", HttpRequest("PUT", "/policies/evil%0A", json={"yaml": "pack: x\n"}), (400,), ("pack name",),
          "policies/evil\\n.yaml")
http_case("http/policy-name-traversal", HttpRequest("PUT", "/policies/..%2F..%2Fevil", json={"yaml": "pack: x\n"}), (400, 404), (), "a path as pack name")
http_case("http/policy-python-tag", HttpRequest("PUT", "/policies/evil", json={"yaml": "pack: !!python/name:os.system ''\n"}), (422,), ("tag",),
          "an unsafe tag in a policy pack")
http_case("http/decision-nul-comment", HttpRequest("POST", "/decisions", json={"ref": "acme/none", "decision": "approve", "comment": "\u0000"}), (400, 404), (),
          "NUL in a comment")
http_case("http/login-next-crlf", HttpRequest("POST", "/ui/login", content=b"token=wrong&next=/ui%0D%0ASet-Cookie:%20a=b",
                                              headers={"content-type": "application/x-www-form-urlencoded"}), (200, 400), (), "header injection via next")
http_case("http/auth-huge-token", HttpRequest("GET", "/models", role="", headers={"authorization": "Bearer " + "t" * 60_000}), (401, 431), (),
          "a 60 kB bearer token")
http_case("http/chat-question-huge", HttpRequest("POST", "/chat", json={"question": "which model? " * 5000}), (400, 422), ("limit",),
          "a question far past the prompt budget")
http_case("http/chat-conversation-newline", HttpRequest("POST", "/chat", json={"question": "models", "conversation_id": "0" * 32 + "\n"}),
          (400, 404, 422), (), "a conversation id with a trailing newline")


def table() -> list[dict]:
    """id, area, outcome and why of every case: the expected outcomes at a glance."""
    return [{"id": c.id, "area": c.area, "outcome": c.expect.http if c.area == HTTP and c.expect.http else c.expect.outcome,
             "says": list(c.expect.says), "why": c.why} for c in CASES]


def main(argv: list[str]) -> None:
    target = Path(argv[0]) if argv else Path("hostile-corpus")
    for item in CASES:
        folder = target / item.id.replace("/", "__")
        folder.mkdir(parents=True, exist_ok=True)
        built = item.build(folder)
        if isinstance(built, HttpRequest):
            (folder / "request.json").write_text(json.dumps({"method": built.method, "path": built.path, "params": built.params}, indent=2))
    print(json.dumps(table(), indent=1))


if __name__ == "__main__":
    main(sys.argv[1:])
