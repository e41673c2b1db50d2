"""Progress bars: ``tqdm.auto``'s, imported on first use.

Importing tqdm.auto (with the asyncio it pulls in) costs every start-up about 20 ms, a
twentieth of a warm command-line run, which draws no bar.
"""

from __future__ import annotations

from typing import Any


def tqdm(*args: Any, **kwargs: Any) -> Any:
    """``tqdm.auto.tqdm(*args, **kwargs)``: a notebook widget in Jupyter, text elsewhere."""
    from tqdm.auto import tqdm as auto_tqdm

    return auto_tqdm(*args, **kwargs)
