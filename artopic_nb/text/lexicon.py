"""The vocabulary of artwork descriptions that keywords are read with: art-generic stop words,
and the visual lexicon that gives each keyword its *aspect* (:func:`keyword_aspect`).

Aspect rule: a term is *visual* when it is a lexicon phrase ("gold leaf") or when its last
word is in the lexicon ("soft light", "blue"; but "blue sky" and "red robe" are content,
their head words naming a thing). Everything else is *content*.
:mod:`artopic_nb.text.keywords` re-exports these names and fingerprints them for cache keys.

Example
-------
>>> keyword_aspect("soft light"), keyword_aspect("red robe")
(('visual', 'light'), ('content', None))
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

__all__ = ["ART_STOP_WORDS", "VISUAL_LEXICON", "VISUAL_PHRASES", "keyword_aspect"]

#: Words that describe almost any artwork description and so say nothing about a cluster.
ART_STOP_WORDS = frozenset("""
painting paintings painted paint image images artwork artworks art artist artists work works
picture pictures depicts depict depicting depicted depiction shows show showing shown
features featuring feature scene scenes piece appears appear visible seen view overall
style also likely possibly perhaps suggests suggesting creates create creating giving gives
adds adding evokes evoking conveys conveying sense captures capturing displays displaying
represents representing portrayed portrays portraying detailed details detail including
include includes various several one two three rendered""".split())

#: Visual vocabulary by category (palette, light, composition, technique). A term whose last
#: word (or whole phrase) is here is a *visual* keyword; the rest are *content*.
VISUAL_LEXICON: Mapping[str, frozenset[str]] = MappingProxyType({
    "palette": frozenset("""
        colour colours color colors coloured colored palette hue hues tone tones tonal
        red reds blue blues green greens yellow yellows orange purple violet pink brown browns
        black white grey gray gold golden silver ochre ocher crimson scarlet vermilion azure
        ultramarine umber sienna earthy muted vibrant vivid bright pale pastel saturated
        monochrome monochromatic warm cool rich subdued deep""".split()),
    "light": frozenset("""
        light lighting lit shadow shadows shade shading dark darkness darker chiaroscuro
        glow glowing luminous luminosity illuminated illumination highlights highlight
        contrast contrasts sunlight sunlit dim dramatic tenebrism radiant gleaming soft harsh
        diffused""".split()),
    "composition": frozenset("""
        composition composed background foreground middle ground centre center centered
        centred symmetrical symmetry asymmetrical diagonal diagonals perspective horizon
        frame framed framing format vertical horizontal oval circular arrangement arranged
        layout space spatial depth balance balanced cropped close-up panoramic pyramidal
        grouping placement""".split()),
    "technique": frozenset("""
        brushwork brushstroke brushstrokes strokes brush impasto glaze glazes glazing texture
        textured smooth loose fine linear outline outlines contour contours line lines
        oil oils canvas panel tempera fresco watercolor watercolour gouache ink ink-wash wash
        woodblock print engraving etching pastel charcoal chalk drawing sketch silk paper
        scroll gilding gilded gold-leaf varnish technique medium realistic realism naturalistic
        stylized stylised flat detailed meticulous precise sfumato pointillist impressionistic
        impressionist""".split()),
})
VISUAL_PHRASES = {"gold leaf", "oil canvas", "oil panel", "tempera panel", "ink silk",
                   "ink paper", "hanging scroll", "broad strokes", "visible brushstrokes"}
_VISUAL_WORDS = {w: cat for cat, words in VISUAL_LEXICON.items() for w in words}


def keyword_aspect(term: str) -> tuple[str, str | None]:
    """``("visual", category)`` or ``("content", None)`` for one keyword (see module doc)."""
    term = term.lower().strip()
    if term in VISUAL_PHRASES:
        return "visual", "technique"
    head = term.split()[-1] if term else ""
    if head in _VISUAL_WORDS:
        return "visual", _VISUAL_WORDS[head]
    return "content", None
