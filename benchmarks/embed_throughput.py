"""Image embedding throughput: our TransformersEmbedder vs a naive loop vs the forward-pass limit.

A CLIP ViT-B/32-sized model with random weights (same speed as the real one) embeds
real-size JPEGs (about 1000 px, made from the demo paintings):

- naive: for each file, PIL open + processor + model, one image at a time;
- ours: ``TransformersEmbedder.embed`` (batched, reduced-scale JPEG decoding, decoding and
  preprocessing of the next batches overlapped with the forward pass);
- limit: the model's forward pass alone on pre-decoded, preprocessed tensors, same batch size;
- ours with ``quantize=True`` (int8 linear layers), with its cosine to the fp32 embeddings.

Then faster inference modes (eager vs SDPA attention, int8 dynamic quantization,
torch.compile), each with its cosine similarity to the fp32 embeddings.

    python benchmarks/embed_throughput.py [--n-images 256] [--repeats 3] [--modes]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).parent))
from _common import machine, median_time, print_table, real_size_jpegs  # noqa: E402

from artopic_nb import ImageCollection  # noqa: E402
from artopic_nb.models.backends.clip import TransformersEmbedder


def build_model(folder: Path, attn: str = "sdpa") -> Path:
    from transformers import CLIPConfig, CLIPImageProcessor, CLIPModel

    if not (folder / "config.json").exists():
        torch.manual_seed(0)
        CLIPModel(CLIPConfig()).save_pretrained(folder)  # CLIPConfig() is ViT-B/32-sized
        CLIPImageProcessor().save_pretrained(folder)
    return folder


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n-images", type=int, default=256)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--modes", action="store_true", help="also measure faster inference modes")
    args = parser.parse_args()

    work = Path(tempfile.gettempdir()) / "artopic_bench_embed"
    paths = real_size_jpegs(work / "images", args.n_images)
    model_dir = build_model(work / "clip_b32")
    col = ImageCollection.from_paths(paths, progress=False)
    n = len(col)

    ours = TransformersEmbedder(model_dir, batch_size=args.batch_size).load()
    model, processor = ours._model, ours._processor

    def naive():
        from PIL import Image

        with torch.inference_mode():
            for p in paths:
                pv = processor(images=Image.open(p).convert("RGB"), return_tensors="pt")["pixel_values"]
                model.get_image_features(pixel_values=pv)

    pixel_values = torch.cat([ours._preprocess([col.image(i) for i in range(k, min(k + args.batch_size, n))])
                              for k in range(0, n, args.batch_size)])

    def limit(m=model):
        with torch.inference_mode():
            for k in range(0, n, args.batch_size):
                m.get_image_features(pixel_values=pixel_values[k:k + args.batch_size])

    t_naive = median_time(naive, args.repeats, warmup=0)
    t_ours = median_time(lambda: ours.embed(col, progress=False), args.repeats)
    t_limit = median_time(limit, args.repeats)
    ours_int8 = TransformersEmbedder(model_dir, batch_size=args.batch_size, quantize=True,
                                     device="cpu").load()
    t_int8 = median_time(lambda: ours_int8.embed(col, progress=False), args.repeats)
    cos_int8 = float(np.mean(np.sum(ours_int8.embed(col, progress=False)
                                    * ours.embed(col, progress=False), axis=1)))
    rows = [
        ("naive loop (baseline)", f"{n / t_naive:.1f}", "1.00", f"{t_limit / t_naive:.2f}"),
        ("ours: TransformersEmbedder", f"{n / t_ours:.1f}", f"{t_naive / t_ours:.2f}", f"{t_limit / t_ours:.2f}"),
        ("limit: forward on tensors", f"{n / t_limit:.1f}", f"{t_naive / t_limit:.2f}", "1.00"),
        (f"ours, quantize=True (cosine {cos_int8:.4f})", f"{n / t_int8:.1f}",
         f"{t_naive / t_int8:.2f}", f"{t_limit / t_int8:.2f}"),
    ]
    print(f"machine: {machine()}; torch {torch.__version__}, {torch.get_num_threads()} threads; "
          f"{n} JPEGs ~1000 px; batch {args.batch_size}; medians of {args.repeats}")
    print_table("CLIP ViT-B/32-sized (random weights) image embedding",
                rows, ("method", "images/s", "x naive", "x limit"))

    if args.modes:
        def feats(m, pv):
            with torch.inference_mode():
                out = m.get_image_features(pixel_values=pv)
                out = out if isinstance(out, torch.Tensor) else out.pooler_output
                return torch.nn.functional.normalize(out.float(), dim=-1).numpy()

        ref = feats(model, pixel_values[:64])
        from transformers import CLIPModel

        variants = {"fp32 sdpa (ours)": model}
        variants["fp32 eager attention"] = CLIPModel.from_pretrained(model_dir, attn_implementation="eager").eval()
        variants["int8 dynamic quantization"] = torch.ao.quantization.quantize_dynamic(
            CLIPModel.from_pretrained(model_dir).eval(), {torch.nn.Linear}, dtype=torch.qint8)
        try:
            compiled = CLIPModel.from_pretrained(model_dir).eval()
            compiled.vision_model = torch.compile(compiled.vision_model)
            feats(compiled, pixel_values[:args.batch_size])  # compile outside the timing
            variants["torch.compile"] = compiled
        except Exception as exc:  # no compiler toolchain, for example
            print(f"torch.compile unavailable: {type(exc).__name__}: {exc}")
        rows = []
        for name, m in variants.items():
            t = median_time(lambda m=m: limit(m), args.repeats)
            cos = float(np.mean(np.sum(feats(m, pixel_values[:64]) * ref, axis=1)))
            rows.append((name, f"{n / t:.1f}", f"{t_limit / t:.2f}", f"{cos:.4f}",
                         "yes" if cos >= 0.99 else "no (below 0.99)"))
        print_table("Inference modes (forward pass on tensors)", rows,
                    ("mode", "images/s", "x fp32", "cosine vs fp32", "keep"))


if __name__ == "__main__":
    main()
