"""OpenAIDescriber against a real local `transformers serve`: concurrency 8 vs 1.

Starts ``transformers serve`` on a free port with a tiny random model built in code (no
download), sends ``--n-requests`` requests through :class:`OpenAIDescriber` with
``max_concurrency=--concurrency`` and with ``max_concurrency=1``, alternately,
``--repeats`` times, and prints medians.

``--kind image`` (default): the tiny LLaVA, one image per request (``describe``).
``transformers serve`` generates VLM answers one at a time (it says "does not support
continuous batching"), so the gain is what overlapping encoding, transfer and HTTP with
generation brings. ``--kind text --continuous-batching``: a tiny Llama through
``complete``, where the server batches concurrent requests.

    python benchmarks/http_concurrency.py
    python benchmarks/http_concurrency.py --kind text --continuous-batching
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from _common import print_table  # noqa: E402  (the script folder is on sys.path)
from _tiny_vlm import build_tiny_llama, build_tiny_llava  # noqa: E402
from describe_throughput import synthetic_paintings  # noqa: E402  (the script folder is on sys.path)

from artopic_nb.models.backends.openai import OpenAIDescriber


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(folder: Path, continuous_batching: bool) -> tuple[subprocess.Popen, str]:
    port = free_port()
    cmd = [str(Path(sys.executable).parent / "transformers"), "serve", str(folder),
           "--host", "127.0.0.1", "--port", str(port)]
    if continuous_batching:
        cmd += ["--continuous-batching", "--cb-num-blocks", "128", "--cb-block-size", "32"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            env={**os.environ, "HF_HUB_OFFLINE": "1"})
    deadline = time.time() + 120
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=1):
                return proc, f"http://127.0.0.1:{port}/v1"
        except OSError:
            time.sleep(0.25)
    proc.kill()
    raise RuntimeError("transformers serve did not start")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n-requests", type=int, default=32)
    ap.add_argument("--concurrency", type=int, default=8)
    ap.add_argument("--new-tokens", type=int, default=16)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--kind", choices=["image", "text"], default="image")
    ap.add_argument("--continuous-batching", action="store_true")
    args = ap.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="artopic-bench-http-"))
    folder = (build_tiny_llava if args.kind == "image" else build_tiny_llama)(tmp / "model")
    proc, url = start_server(folder, args.continuous_batching)
    try:
        images = synthetic_paintings(args.n_requests)
        prompts = [f"the painting shows a woman {i}" for i in range(args.n_requests)]

        def run(concurrency: int) -> float:
            d = OpenAIDescriber(str(folder), url, max_concurrency=concurrency,
                                max_new_tokens=args.new_tokens, timeout=120, max_retries=0)
            t0 = time.perf_counter()
            if args.kind == "image":
                out = d.describe(images, "caption")
            else:
                out = d.complete(prompts, max_new_tokens=args.new_tokens)
            assert len(out) == args.n_requests
            return time.perf_counter() - t0

        run(2)  # warm-up: the server loads the model on the first request
        many, one = [], []
        for _ in range(args.repeats):
            many.append(run(args.concurrency))
            one.append(run(1))
        m, o = statistics.median(many), statistics.median(one)
    finally:
        proc.terminate()
        proc.wait(10)
    rows = [(f"ours: concurrency {args.concurrency}", f"{m:.2f}", f"{args.n_requests / m:.1f}"),
            ("baseline: concurrency 1", f"{o:.2f}", f"{args.n_requests / o:.1f}")]
    print_table(f"transformers serve, tiny "
                f"{'LLaVA (image)' if args.kind == 'image' else 'Llama (text)'}"
                f"{', continuous batching' if args.continuous_batching else ''}; {args.n_requests} "
                f"requests, max_tokens {args.new_tokens}, {os.cpu_count()} cores, "
                f"median of {args.repeats}", rows, ("arm", "seconds", "requests/s"))
    print(f"ratio (baseline seconds / ours): {o / m:.2f}x")


if __name__ == "__main__":
    main()
