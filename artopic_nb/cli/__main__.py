"""``python -m artopic_nb.cli``: the ``artopic`` program."""

from . import run

run()
