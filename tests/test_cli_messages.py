"""What a person sees from ``artopic`` when something goes wrong, through the real program in
a subprocess: every error the command expects is its message alone (no traceback) and exit
status 2, checked before any step runs; Ctrl-C is one line and exit status 130; the metadata
rows that could not be used are named by the file they were written to.
"""

from __future__ import annotations

import signal
import subprocess
import time
from pathlib import Path

import numpy as np
import pytest
from _cli_program import artopic, program, program_env
from PIL import Image


def _images(folder: Path, n: int, size: int = 32) -> Path:
    """``n`` small JPEGs in three colour families."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(n)
    families = [(200, 60, 40), (40, 70, 190), (220, 200, 90)]
    for i in range(n):
        base = np.array(families[i % 3]) + rng.normal(0, 25, 3)
        pixels = np.clip(rng.normal(base, 30, (size, size, 3)), 0, 255).astype("uint8")
        Image.fromarray(pixels).save(folder / f"work_{i:04d}.jpg", quality=85)
    return folder


@pytest.fixture
def art(tmp_path) -> Path:
    return _images(tmp_path / "art", 12)


def _cases(tmp: Path, art: Path) -> dict[str, tuple[list[str], str]]:
    """name -> (arguments, a phrase of the expected message); the files are
    :func:`_inputs`'."""
    run = ["run", str(art), "--out", str(tmp / "out"), "--no-progress"]
    return {
        "model not available offline": (
            [*run, "--embedder", "openai/clip-vit-base-patch32"],
            "--embedder openai/clip-vit-base-patch32: the image embedding model "
            "'openai/clip-vit-base-patch32' is not in the local Hugging Face cache"),
        "describing model not available": (
            [*run, "--describe", "hf:HuggingFaceTB/SmolVLM-256M-Instruct"],
            "is not in the local Hugging Face cache"),
        "unknown describer spec": (
            [*run, "--embedder", "color", "--describe", "smolvlm"],
            "--describe smolvlm: unknown model spec 'smolvlm'"),
        "a text model to describe": (
            [*run, "--embedder", "color", "--describe", "smollm2"],
            "a GGUF model is text-only and cannot see images"),
        "summaries from a missing file": (
            [*run, "--embedder", "color", "--summaries", f"gguf:{tmp / 'nowhere.gguf'}"],
            "does not exist"),
        "unknown embedder name": (
            [*run, "--embedder", "colr"], "--embedder takes 'auto', 'color'"),
        "bad source: no folder": (
            ["run", str(tmp / "nowhere"), "--out", str(tmp / "out")], "no such folder"),
        "bad source: unknown option": (
            ["run", f"wikiart:{art}?per_gnre=3", "--out", str(tmp / "out")],
            "wikiart: does not take per_gnre"),
        "bad source: unknown label task": (
            ["run", f"wikiart:{art}?labels=school", "--embedder", "color", "--out",
             str(tmp / "out")], "labels='school': WikiArt's label tasks are genre, style"),
        "bad metadata: no such file": (
            [*run, "--metadata", str(tmp / "missing.csv")], "--metadata"),
        "bad metadata: no key column": (
            [*run, "--metadata", str(tmp / "no_key.csv")],
            "has none of the columns file_name, filename, file, image, path"),
        "metadata for a source with its own": (
            ["run", str(tmp / "urls.csv"), "--metadata", str(tmp / "genres.csv")],
            "--metadata joins a CSV to a folder of images"),
        "unknown column": (
            ["run", str(tmp / "urls.csv"), "--url-column", "img", "--out", str(tmp / "out")],
            "the table has no column 'img'"),
        "options that do not go together": (
            [*run, "--n-clusters", "4"], "--n-clusters goes with --cluster-method kmeans"),
        "an option out of range": (
            [*run, "--cluster-method", "kmeans", "--n-clusters", "0"],
            "--n-clusters 0: give a whole number of at least 1"),
        "out is a file": (
            ["run", str(art), "--out", str(tmp / "a_file")], "--out"),
        "report of a folder that is no study": (
            ["report", str(art)], "is not a saved study"),
    }


def _inputs(tmp: Path) -> None:
    (tmp / "no_key.csv").write_text("title,artist\nA,B\n")
    (tmp / "urls.csv").write_text("id,image\n1,http://example.invalid/a.jpg\n")
    (tmp / "a_file").write_text("not a folder")
    (tmp / "genres.csv").write_text("file_name,genre\nwork_0000.jpg,portrait\n")


CASES = list(_cases(Path("tmp"), Path("tmp/art")))


@pytest.mark.parametrize("case", CASES)
def test_every_expected_error_is_its_message_alone(case, tmp_path, art):
    _inputs(tmp_path)
    args, phrase = _cases(tmp_path, art)[case]
    result = artopic(*args, tmp_path=tmp_path)
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr + result.stdout
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("artopic: error: ") and phrase in lines[0], lines[0]
    # refused before any step: nothing was computed or written
    assert not (tmp_path / "out" / "cache").exists()


def test_an_unknown_describer_is_refused_before_embedding(tmp_path):
    """--describe smolvlm on a folder large enough that embedding would take a while: the
    refusal comes before the folder is read, in about the time the program takes to start."""
    folder = _images(tmp_path / "many", 400)
    started = time.perf_counter()
    result = artopic("run", str(folder), "--embedder", "color", "--describe", "smolvlm",
                     "--out", str(tmp_path / "out"), "--no-progress", tmp_path=tmp_path)
    took = time.perf_counter() - started
    assert result.returncode == 2 and "unknown model spec 'smolvlm'" in result.stderr
    assert not (tmp_path / "out").exists()  # no collection read, no embedding cached
    print(f"refused in {took:.1f} s")


def _wait_for(predicate, proc: subprocess.Popen, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if proc.poll() is not None:
            raise AssertionError(f"the run ended first ({proc.returncode}): "
                                 f"{proc.stderr.read() if proc.stderr else ''}")
        if time.monotonic() > deadline:
            proc.kill()
            raise AssertionError("the step never started")
        time.sleep(0.05)


def _interrupt(tmp_path: Path, folder: Path, started, **env: str) -> tuple[int, str, str]:
    """Start a run, wait until ``started(cache_dir)``, send SIGINT; (status, stdout, stderr)."""
    cache = tmp_path / "cache"
    proc = subprocess.Popen(
        [*program(), "run", str(folder), "--embedder", "color", "--describe", "attributes",
         "--cache-dir", str(cache), "--out", str(tmp_path / "out"), "--no-progress"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=program_env(tmp_path, **env),
        # as from a terminal: a test run started in the background (`cmd &`) ignores SIGINT,
        # and its children would inherit that
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    _wait_for(lambda: started(cache), proc, timeout=120)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    return proc.returncode, out, err


def _files(folder: Path) -> int:
    return sum(1 for p in folder.rglob("*") if p.is_file()) if folder.is_dir() else 0


def test_ctrl_c_while_embedding_is_one_line_and_status_130(tmp_path):
    folder = _images(tmp_path / "many", 1500, size=64)
    status, out, err = _interrupt(tmp_path, folder,
                                  lambda cache: _files(cache / "embeddings") > 0)
    assert status == 130, err
    assert "Traceback" not in out + err and "KeyboardInterrupt" not in err
    lines = [line for line in err.splitlines() if line.strip()]
    assert lines == ["artopic: interrupted during embed; rerun the same command to resume: "
                     "the embeddings finished so far are cached"], err
    assert 0 < _files(tmp_path / "cache" / "embeddings") < 1500  # what a rerun starts from


def test_ctrl_c_while_reducing_says_the_embeddings_are_cached(tmp_path):
    """The issue's case: Ctrl-C in UMAP (numba compiling its kernels, no disk cache)."""
    folder = _images(tmp_path / "art", 150)
    status, out, err = _interrupt(tmp_path, folder,
                                  lambda cache: _files(cache / "embed") > 0,
                                  ARTOPIC_NUMBA_CACHE_DIR="off")
    assert status == 130, err
    assert "Traceback" not in out + err
    lines = [line for line in err.splitlines() if line.strip()]
    assert lines == ["artopic: interrupted during reduce; rerun the same command to resume: "
                     "the embeddings are cached"], err


def test_metadata_rows_not_used_are_written_to_a_file_the_run_names(tmp_path, art):
    (tmp_path / "meta.csv").write_text(
        "file_name,genre\nwork_0000.jpg,portrait\nmissing.jpg,landscape\n"
        "work_0001.jpg,portrait\nwork_0001.jpg,still life\n")
    out = tmp_path / "out"
    result = artopic("run", str(art), "--metadata", str(tmp_path / "meta.csv"), "--embedder",
                     "color", "--no-describe", "--cluster-method", "kmeans", "--out", str(out),
                     "--no-progress", tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    assert ".metadata_issues" not in result.stderr + result.stdout
    written = out / "metadata_issues.csv"
    line = next(x for x in result.stderr.splitlines() if "could not be used" in x)
    assert line.startswith("artopic: 3 metadata row(s) could not be used (all in "
                           f"{written}): row 1: no image named 'missing.jpg'; row 3: "
                           "duplicate row for 'work_0001.jpg'"), line
    import pandas as pd

    table = pd.read_csv(written)
    assert table["row"].tolist() == [1, 3, -1]
    assert table["problem"].iloc[-1] == "10 image(s) have no metadata row"
