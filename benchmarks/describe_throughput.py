"""Batched vs one-at-a-time describing with a SmolVLM-256M-sized model (random weights).

The model has the real architecture and size of HuggingFaceTB/SmolVLM-256M-Instruct
(Idefics3: SigLIP-B/16 at 512 px + a 30-layer SmolLM2-135M-sized Llama, ~230M
parameters), built from a config because model hubs are unreachable here; throughput does
not depend on the weight values. Every answer has exactly ``--new-tokens`` tokens
(``min_new_tokens = max_new_tokens``), so both arms do the same work. The two arms run
alternately, ``--repeats`` times each, and medians are reported.

    python benchmarks/describe_throughput.py                       # 32 images, 32 tokens
    python benchmarks/describe_throughput.py --n-images 8 --new-tokens 8 --repeats 1
    python benchmarks/describe_throughput.py --quantize   # also the batched arm in int8
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import print_table  # noqa: E402
from _tiny_vlm import build_smolvlm_sized  # noqa: E402

from artopic_nb.models.backends.transformers import TransformersDescriber


def synthetic_paintings(n: int, seed: int = 0) -> list[Image.Image]:
    rng = np.random.default_rng(seed)
    images = []
    for i in range(n):
        w, h = (800, 600) if i % 2 else (600, 800)
        img = Image.new("RGB", (w, h), tuple(int(c) for c in rng.integers(0, 255, 3)))
        draw = ImageDraw.Draw(img)
        for _ in range(20):
            x, y = int(rng.integers(0, w)), int(rng.integers(0, h))
            draw.ellipse([x, y, x + int(rng.integers(20, 200)), y + int(rng.integers(20, 200))],
                         fill=tuple(int(c) for c in rng.integers(0, 255, 3)))
        images.append(img)
    return images


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n-images", type=int, default=32)
    ap.add_argument("--new-tokens", type=int, default=32)
    ap.add_argument("--batch-size", type=int, default=8)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--model-dir", type=Path, default=None,
                    help="reuse a folder built earlier (built here when missing)")
    ap.add_argument("--device", default="auto")
    ap.add_argument("--quantize", action="store_true",
                    help="also time the batched arm with quantize=True (int8, CPU)")
    args = ap.parse_args()

    folder = args.model_dir or Path(tempfile.gettempdir()) / "artopic-bench-smolvlm256m"
    if not (folder / "config.json").exists():
        t0 = time.perf_counter()
        build_smolvlm_sized(folder)
        print(f"built a SmolVLM-256M-sized model in {folder} ({time.perf_counter() - t0:.0f} s)")
    n = args.new_tokens
    describer = TransformersDescriber(folder, max_new_tokens=n, min_new_tokens=n,
                                      batch_size=args.batch_size, device=args.device).load()
    params = sum(p.numel() for p in describer._model.parameters()) / 1e6
    images = synthetic_paintings(args.n_images)

    int8 = None
    if args.quantize:
        int8 = TransformersDescriber(folder, max_new_tokens=n, min_new_tokens=n,
                                     batch_size=args.batch_size, device="cpu", quantize=True).load()
        int8.describe(images[:2], "caption")  # warm-up

    def run(batch_size: int, d=describer) -> float:
        d.batch_size = batch_size
        t0 = time.perf_counter()
        out = d.describe(images, "caption")
        seconds = time.perf_counter() - t0
        assert all(d.tokens == n for d in out), [d.tokens for d in out]
        return seconds

    describer.batch_size = 2
    describer.describe(images[:2], "caption")  # warm-up
    batched, single, quantized = [], [], []
    for _ in range(args.repeats):
        batched.append(run(args.batch_size))
        single.append(run(1))
        if int8 is not None:
            quantized.append(run(args.batch_size, int8))
    b, s = statistics.median(batched), statistics.median(single)
    encoder = image_encoder_seconds(describer, images, args.batch_size)
    rows = [
        ("ours: batched", args.batch_size, f"{b:.1f}", f"{args.n_images / b:.2f}",
         f"{args.n_images * n / b:.1f}"),
        ("baseline: one at a time", 1, f"{s:.1f}", f"{args.n_images / s:.2f}",
         f"{args.n_images * n / s:.1f}"),
    ]
    if quantized:
        q = statistics.median(quantized)
        rows.insert(1, ("ours: batched, quantize=True", args.batch_size, f"{q:.1f}",
                        f"{args.n_images / q:.2f}", f"{args.n_images * n / q:.1f}"))
    print_table(f"SmolVLM-256M-sized ({params:.0f}M params), device {describer._device}, "
                f"{os.cpu_count()} cores, torch threads {__import__('torch').get_num_threads()}; "
                f"{args.n_images} images, {n} new tokens each, median of {args.repeats}",
                rows, ("arm", "batch", "seconds", "images/s", "new tokens/s"))
    print(f"ratio (baseline seconds / ours): {s / b:.2f}x  (target >= 2x)")
    if quantized:
        print(f"ratio with quantize=True: {s / q:.2f}x")
    # Batching shares the generation steps, not the image encoder, which is already a large
    # matrix product per image; so the encoder's share bounds what batching can gain.
    print(f"image encoder alone (batched): {encoder:.1f} s = {encoder / s:.0%} of the one-at-a-time "
          f"run; so batching can gain at most {s / encoder:.2f}x here")


def image_encoder_seconds(describer, images, batch_size: int) -> float:
    """Seconds the vision tower takes for ``images`` (preprocessing excluded), in batches."""
    import torch

    processor = describer._processor.image_processor
    seconds = 0.0
    for k in range(0, len(images), batch_size):
        inputs = processor(images=[[im] for im in images[k:k + batch_size]], return_tensors="pt")
        t0 = time.perf_counter()
        with torch.inference_mode():
            describer._model.get_image_features(pixel_values=inputs["pixel_values"],
                                                pixel_attention_mask=inputs.get("pixel_attention_mask"))
        seconds += time.perf_counter() - t0
    return seconds


if __name__ == "__main__":
    main()
