"""Prompt templates, versioned, so that a changed prompt never reuses a stale cached answer.

A :class:`Prompt` has a ``name``, a ``version`` string and its ``text``. Its :attr:`Prompt.key`
(``"caption@1:3f9c2a1b"``: name, version and a short hash of the text) goes into every
cache key of a description, so editing a template, even without bumping its version,
makes the next run generate afresh while the old answers stay on disk.

Built in:

``caption``
    One sentence: what the artwork shows and how (used for genre prediction).
``description``
    A detailed paragraph: subject, setting, figures, palette, light, composition,
    technique, style, mood (used for cluster commonalities).
``cluster_summary``, ``genre_choice``
    Text-only templates with ``{placeholders}`` for :meth:`Prompt.format`, for the
    ``complete`` method of the language-model describers.

Example
-------
>>> p = get_prompt("caption")
>>> p.name, p.version
('caption', '1')
>>> p.key.startswith("caption@1:")
True
>>> get_prompt("genre_choice").format(caption="A bowl of fruit.", genres="portrait, still life")[:6]
'Choose'
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

__all__ = ["Prompt", "PROMPTS", "get_prompt", "list_prompts", "register_prompt"]


@dataclass(frozen=True)
class Prompt:
    """A named, versioned prompt template.

    ``max_new_tokens`` is the answer length this prompt needs; describers use it unless
    they were given their own cap.
    """

    name: str
    version: str
    text: str
    max_new_tokens: int = 256

    @property
    def key(self) -> str:
        """``name@version:hash8`` — the part of cache keys that identifies this prompt."""
        digest = hashlib.sha256(self.text.encode("utf-8")).hexdigest()[:8]
        return f"{self.name}@{self.version}:{digest}"

    def format(self, **fields: str) -> str:
        """The text with ``{placeholders}`` filled in (``str.format``)."""
        return self.text.format(**fields)


PROMPTS: dict[str, Prompt] = {}


def register_prompt(prompt: Prompt, overwrite: bool = False) -> Prompt:
    """Add ``prompt`` to the registry that :func:`get_prompt` reads; returns it."""
    if prompt.name in PROMPTS and not overwrite and PROMPTS[prompt.name] != prompt:
        raise ValueError(f"a prompt named {prompt.name!r} exists; pass overwrite=True to replace it")
    PROMPTS[prompt.name] = prompt
    return prompt


def get_prompt(name: str | Prompt) -> Prompt:
    """The registered prompt called ``name`` (a :class:`Prompt` is returned as is)."""
    if isinstance(name, Prompt):
        return name
    try:
        return PROMPTS[name]
    except KeyError:
        raise KeyError(
            f"no prompt named {name!r}; known prompts: {', '.join(sorted(PROMPTS))}. "
            "Pass a Prompt(name, version, text) object for your own."
        ) from None


def list_prompts() -> list[str]:
    """Names of the registered prompts."""
    return sorted(PROMPTS)


register_prompt(Prompt(
    name="caption",
    version="1",
    text=(
        "Write one sentence that says what this artwork shows and how it is made: "
        "the main subject, and the medium or style. Answer with that single sentence only."
    ),
    max_new_tokens=48,
))

register_prompt(Prompt(
    name="description",
    version="1",
    text=(
        "Describe this artwork in one detailed paragraph. Cover the subject and setting; "
        "the figures or objects and what they do; the colour palette; the light; the "
        "composition; the technique and medium; the style or period it suggests; and the "
        "mood. Describe only what is visible. Answer with the paragraph only."
    ),
    max_new_tokens=256,
))

register_prompt(Prompt(
    name="cluster_summary",
    version="1",
    text=(
        "Here are descriptions of artworks that were grouped together:\n\n{descriptions}\n\n"
        "In two or three sentences, say what these artworks have in common: first what they "
        "look like (palette, light, composition, technique), then what they show (subjects, "
        "themes). Do not describe any single artwork."
    ),
    max_new_tokens=160,
))

register_prompt(Prompt(
    name="genre_choice",
    version="1",
    text=(
        "Choose the genre of the artwork described below from this list: {genres}.\n"
        "Description: {caption}\n"
        "Answer with the genre name from the list only."
    ),
    max_new_tokens=12,
))
