import json
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
