import json
import re
import shutil
import subprocess
import sys

import pytest

from artopic_nb.cli import main


def test_run_on_a_folder_end_to_end(fixture_dir, tmp_path, capsys):
    folder = tmp_path / "art"
    shutil.copytree(fixture_dir, folder)
    (folder / "broken.jpg").write_bytes(b"not an image")
    out = tmp_path / "out"
    code = main(["run", str(folder), "--metadata", str(folder / "metadata.csv"), "--out", str(out),
                 "--embedder", "color", "--min-cluster-size", "3", "--per-cluster", "2",
                 "--no-progress"])
    assert code == 0
    printed = capsys.readouterr().out
    assert "1 skipped" in printed and "report" in printed and "timings" in printed
    assert (out / "report.html").stat().st_size > 10_000
    manifest = json.loads((out / "study" / "study.json").read_text())
    assert {"embed", "reduce", "cluster", "sample"} <= set(manifest["params"])
    report = (out / "report.html").read_text()
    assert "broken.jpg" in report and "not an image" in report
    assert (out / "report_skipped.csv").read_text().count("broken.jpg") == 1  # short: plain CSV
    # counts are whole numbers in the summary as in the report (issue 27: "174.00")
    assert re.search(r"; \d+ works scored\)", printed), printed

    # a second run reads everything from the cache
    assert main(["run", str(folder), "--out", str(out), "--embedder", "color",
                 "--min-cluster-size", "3", "--no-progress"]) == 0

    # the report command rebuilds the report from the saved study
    (out / "report.html").unlink()
    assert main(["report", str(out / "study")]) == 0
    assert (out / "study" / "report.html").exists()


def test_errors_are_messages_not_tracebacks(tmp_path, capsys):
    assert main(["run", str(tmp_path / "missing"), "--no-progress"]) == 2
    assert "no such folder" in capsys.readouterr().err
    (tmp_path / "empty").mkdir()
    assert main(["run", str(tmp_path / "empty"), "--no-progress"]) == 2
    assert "no images found" in capsys.readouterr().err


def test_console_script_is_installed():
    from pathlib import Path

    exe = Path(sys.executable).parent / "artopic"
    if not exe.exists():
        exe = shutil.which("artopic") or pytest.skip("the artopic script is not installed")
    result = subprocess.run([str(exe), "--help"], capture_output=True, text=True, check=True)
    assert "demo" in result.stdout and "run" in result.stdout
    result = subprocess.run([sys.executable, "-m", "artopic_nb.cli", "run", "--help"],
                            capture_output=True, text=True, check=True)
    assert "--metadata" in result.stdout


def test_start_up_imports_neither_the_sources_nor_tqdm():
    """A warm run is mostly start-up: the sources and tqdm are imported on first use, and
    the package's names for them still work."""
    code = ("import sys, artopic_nb as an; "
            "print(sorted(m for m in sys.modules if m.startswith(('artopic_nb.sources', 'tqdm')))); "
            "from artopic_nb import sources; "
            "print(an.from_iiif is sources.from_iiif, an.datasets.load_semart is sources.load_semart,"
            " 'from_csv' in dir(an), 'load_wikiart' in dir(an.datasets))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.splitlines()
    assert out == ["[]", "True True True True"]
    import artopic_nb

    with pytest.raises(AttributeError, match="no attribute 'from_nowhere'"):
        artopic_nb.from_nowhere  # noqa: B018
    assert "from_module_on_use" not in dir(artopic_nb) + dir(artopic_nb.datasets)


def _write_folder(folder, n: int, bad_files: bool = False):
    """``n`` small JPEGs in three colour families (no labels), optionally two unreadable files."""
    import numpy as np
    from PIL import Image

    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(n)
    families = [(200, 60, 40), (40, 70, 190), (220, 200, 90)]
    for i in range(n):
        base = np.array(families[i % 3]) + rng.normal(0, 25, 3)
        pixels = np.clip(rng.normal(base, 20, (48, 64, 3)), 0, 255).astype("uint8")
        Image.fromarray(pixels).save(folder / f"work_{i:03d}.jpg")
    if bad_files:
        whole = (folder / "work_000.jpg").read_bytes()
        (folder / "truncated.jpg").write_bytes(whole[: len(whole) // 3])
        (folder / "notes.jpg").write_text("a text file named like an image")
    return folder


@pytest.fixture(scope="module")
def shared_cache(tmp_path_factory):
    return tmp_path_factory.mktemp("cli-cache")  # shared by the sizes x methods runs


@pytest.mark.parametrize("n", [1, 2, 3, 5, 12, 20, 50, 174])
@pytest.mark.parametrize("method", ["hdbscan", "kmeans", "agglomerative"])
def test_every_size_and_method_completes(n, method, tmp_path, shared_cache, capsys):
    folder = _write_folder(tmp_path / "art", n)
    out = tmp_path / "out"
    code = main(["run", str(folder), "--out", str(out), "--cache-dir", str(shared_cache / str(n)),
                 "--embedder", "color", "--describe", "attributes", "--cluster-method", method,
                 "--no-progress"])
    printed = capsys.readouterr().out
    assert code == 0, printed
    summary = printed[printed.index("artopic_nb study finished"):]
    assert "nan" not in summary.lower(), summary
    assert "no known genres: predictions not scored" in summary
    assert f"{n} images" in summary and "described  :" in summary and "keywords   :" in summary
    report = (out / "report.html").read_text()
    text = re.sub(r"data:[^'\"]*", "", report)  # drop the embedded images' base64
    assert not re.search(r"\bnan\b", text, flags=re.IGNORECASE)
    manifest = json.loads((out / "study" / "study.json").read_text())
    assert {"embed", "reduce", "cluster", "sample", "describe", "predict_genres",
            "commonalities"} <= set(manifest["params"])
    # a prediction table is written even without known genres to score it against
    import pandas as pd

    predictions = pd.read_parquet(out / "study" / "genre_predictions.parquet")
    assert predictions["predicted"].notna().all() and len(predictions) >= 1
    if method == "hdbscan" and n >= 12:  # sizes with room for groups find them by default
        assert "chosen for" in summary and "min_cluster_size" in summary


def test_a_small_folder_with_bad_files_completes_and_reports_them(tmp_path, capsys):
    folder = _write_folder(tmp_path / "art", 12, bad_files=True)
    out = tmp_path / "out"
    assert main(["run", str(folder), "--out", str(out), "--embedder", "color",
                 "--describe", "attributes", "--no-progress"]) == 0
    printed = capsys.readouterr().out
    assert "12 images, 2 skipped" in printed
    assert "clusters   : 3 (hdbscan)" in printed  # the three colour families
    report = (out / "report.html").read_text()
    assert "truncated.jpg" in report and "notes.jpg" in report


def test_only_noise_is_said_and_still_described(tmp_path, capsys):
    folder = _write_folder(tmp_path / "art", 12)
    out = tmp_path / "out"
    assert main(["run", str(folder), "--out", str(out), "--embedder", "color",
                 "--describe", "attributes", "--min-cluster-size", "12", "--no-progress"]) == 0
    printed = capsys.readouterr().out
    assert "clustering found no cluster: all 12 works are noise" in printed
    assert "described  : 6 works" in printed
    report = (out / "report.html").read_text()
    assert "Noise (not in any cluster)" in report and "Visual:" in report
