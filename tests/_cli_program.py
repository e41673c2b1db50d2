"""The ``artopic`` program as a user runs it, in a subprocess: the installed script (or
``python -m artopic_nb.cli``, the same entry point, where no script is installed), offline,
with an empty Hugging Face cache and no state shared with other runs."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path


def program() -> list[str]:
    """The command line that starts ``artopic``."""
    exe = Path(sys.executable).parent / "artopic"
    found = str(exe) if exe.exists() else shutil.which("artopic")
    return [found] if found else [sys.executable, "-m", "artopic_nb.cli"]


def program_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """No model hub, an empty Hugging Face cache, no file index shared with other runs."""
    env = dict(os.environ, HF_HUB_OFFLINE="1", HF_HOME=str(tmp_path / "hf"),
               ARTOPIC_FILE_INDEX="off", PYTHONWARNINGS="default")
    env.update(extra)
    return env


def artopic(*args: str, tmp_path: Path, timeout: float = 300) -> subprocess.CompletedProcess:
    """Run ``artopic *args`` in ``tmp_path`` to its end; stdout and stderr as text."""
    return subprocess.run([*program(), *args], capture_output=True, text=True,
                          env=program_env(tmp_path), timeout=timeout, cwd=tmp_path)
