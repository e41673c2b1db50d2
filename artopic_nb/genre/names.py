"""Genre names as users write them: built-in definitions, aliases of the standard taxonomies,
and the normalisation that maps a user's name onto them.

A user passes the labels of their own data: WikiArt's (``genre painting``, ``sketch_and_study``),
SemArt's TYPE (``religious``, ``still-life``, ``study``), the Met's classifications
(``Drawings``, ``Prints``), Iconclass's top level (``Bible``, ``Nature``) or their own.
:func:`resolve_genre` finds the built-in genre each name means, so its definition sentences
(:data:`GENRE_DEFINITIONS`, written as a captioning model describes such a work) join the
prototype, while predictions keep the user's name as given. A name with no built-in meaning
gets the caption-style templates alone (:data:`CAPTION_TEMPLATES`), and the predictor says so.

Example
-------
>>> resolve_genre("Religious_Paintings")
('religious', 'alias')
>>> resolve_genre("still-life")
('still life', 'built-in')
>>> resolve_genre("fan art")
(None, 'templates only')
"""

from __future__ import annotations

import re

__all__ = ["DEFAULT_GENRES", "BARE_TEMPLATES", "CAPTION_TEMPLATES", "GENRE_ALIASES", "GENRE_DEFINITIONS",
           "TAXONOMIES", "describe_resolved", "normalise_genre_name", "resolve_genre"]

#: The genre predictors' default label set (the demo collection's genres, without "other").
DEFAULT_GENRES = (
    "portrait", "religious", "mythological", "landscape", "still life", "genre scene",
    "animal", "asian art",
)

#: Caption-style sentences per built-in genre, written as captioning models write (and never
#: fitted to an evaluation set's captions). The first eight are the demo genres.
GENRE_DEFINITIONS: dict[str, list[str]] = {
    "portrait": [
        "A portrait of a person posing and looking at the viewer.",
        "A half-length likeness of a man or woman in fine clothes against a plain background.",
        "The head and shoulders of a sitter with a calm expression.",
        "A seated lady or gentleman poses for a formal portrait.",
        "A self-portrait of the artist.",
    ],
    "religious": [
        "A Christian religious scene from the Bible.",
        "The Virgin Mary and the Christ child with halos.",
        "Jesus Christ, the crucifixion, angels, saints and apostles.",
        "A saint with a halo praying, an altarpiece with a gold background.",
        "A biblical story from the Old or New Testament.",
    ],
    "mythological": [
        "A scene from classical Greek and Roman mythology.",
        "Gods and goddesses such as Venus, Cupid, Diana, Apollo and Bacchus.",
        "Nymphs, satyrs, centaurs and heroes of ancient legend.",
        "Nude figures of gods in an idealised classical landscape.",
        "A hero from Greek myth fighting a monster.",
    ],
    "landscape": [
        "A landscape view of nature with hills, trees, fields and sky.",
        "Mountains, a river or a lake under clouds.",
        "A seascape with waves, ships and a coastline.",
        "A forest, a country road or a village in the distance.",
        "A panoramic view of the countryside.",
    ],
    "still life": [
        "A still life of objects arranged on a table.",
        "Fruit, flowers in a vase, bread and glasses on a tabletop.",
        "Dishes, food, dead game and kitchen utensils on a ledge.",
        "A vanitas with a skull, a candle and books.",
        "A bouquet of flowers in a vase.",
    ],
    "genre scene": [
        "A scene of everyday life with ordinary people at work or leisure.",
        "Peasants, villagers or townspeople eating, drinking, dancing or working.",
        "A domestic interior where a woman does household chores.",
        "Children playing, people at a market, a tavern or a street.",
        "A family in a kitchen or a cottage.",
        "Men and women walking in a park, on a beach or along a street on a sunny day.",
        "A woman reading, sewing or playing music in a room by a window.",
    ],
    "animal": [
        "A painting of an animal.",
        "A horse, a dog, a cat, cattle or sheep.",
        "Wild animals such as a lion, a tiger, a deer or birds in nature.",
        "Farm animals grazing in a meadow or a farmyard.",
        "A hunting dog or a racehorse.",
    ],
    "asian art": [
        "A Chinese or Japanese painting in ink on silk or paper.",
        "A hanging scroll, handscroll or folding screen from East Asia.",
        "A Japanese ukiyo-e woodblock print.",
        "Bamboo, plum blossoms, cranes or misty mountains brushed in ink with calligraphy and seals.",
        "An Indian, Persian or Korean miniature painting, or a Buddhist painting.",
    ],
    "history painting": ["A dramatic scene from history with many figures.",
                         "Kings, generals and soldiers at a famous historical event.",
                         "Warriors and horsemen in a battle, a coronation or a treaty."],
    "battle scene": ["A battle with soldiers, cavalry, swords, cannons and smoke.",
                     "Warriors fighting on a battlefield."],
    "cityscape": ["A view of a city with streets, buildings and squares.",
                  "Houses, churches and bridges along a canal or river in a town.",
                  "A busy street of a town with carriages, people and tall buildings.",
                  "Rooftops, towers and domes of a city under the sky."],
    "seascape": ["A seascape with ships at sea, waves and sky.",
                 "Boats in a harbour or a stormy sea along a coast."],
    "interior": ["The inside of a room with furniture, windows and doors.",
                 "A church interior or a quiet room of a house."],
    "nude": ["A nude figure, an unclothed body reclining or standing.",
             "A naked woman lying on a bed or sitting on drapery.",
             "A nude man or woman bathing, seen from behind.",
             "A study of the naked human figure."],
    "allegory": ["An allegory in which figures personify virtues, seasons or ideas.",
                 "Symbolic figures representing abstract concepts."],
    "abstract": ["An abstract composition of shapes, lines and colours with no recognisable subject.",
                 "Geometric forms and colour fields.",
                 "Bold splashes, drips and strokes of paint over the whole canvas.",
                 "Overlapping circles, squares and lines in bright colours."],
    "botanical": ["A detailed botanical study of a plant, its leaves, flowers and roots."],
    "architecture": ["A building, a church facade, ruins or a monument.",
                     "An architectural view of columns, arches and towers."],
    "illustration": ["An illustration for a book, a fairy tale or a magazine.",
                     "A drawing that tells a story, with characters in costume and a caption.",
                     "A colourful picture for a children's book, a poster or a comic.",
                     "An ink and watercolour illustration of a knight, a princess or a fantastic creature."],
    "sketch and study": ["A rough sketch drawn in pencil, charcoal or chalk on paper.",
                         "A study of a head, hands or a figure with loose unfinished lines.",
                         "Several quick studies of figures on one sheet.",
                         "A preliminary drawing for a painting, with faint outlines."],
    "drawing": ["A drawing in pencil, pen and ink, chalk or charcoal on paper.",
                "A black and white drawing of a figure or a landscape."],
    "print": ["An engraving, etching, woodcut or lithograph printed on paper.",
              "A black and white print with fine hatched lines."],
    "photograph": ["A black and white photograph.", "A photograph of people, a street or a landscape."],
    "sculpture": ["A sculpture carved in marble, stone or wood, or cast in bronze.",
                  "A statue or a relief of a figure."],
    "decorative arts": ["A decorated object such as a vase, a plate, a box, a textile or furniture.",
                        "Ornament and patterns on ceramic, glass, silver or cloth."],
    "manuscript": ["An illuminated manuscript page with decorated letters and small painted scenes.",
                   "A page of a book with text and a miniature painting."],
    "literary": ["A scene from a famous novel, poem or play.",
                 "Characters from literature such as Don Quixote, Hamlet or Faust."],
    "human figure": ["A human figure, a man or woman, studied in a pose.",
                     "People of different ages, from child to old man."],
    "nature": ["Nature: plants, animals, the sky, the sea and landscapes.",
               "Trees, flowers, birds and clouds."],
    "society": ["People in society: work, trade, games, travel and family life.",
                "A market, a workshop or a festival with many people."],
    "other": ["An artwork of another kind.", "A decorative pattern or an object."],
}

#: Normalised alias -> built-in genre (see :func:`normalise_genre_name`). Users' taxonomies:
#: WikiArt's 10 genres, SemArt's TYPE, the Met's classifications, Iconclass's top level.
GENRE_ALIASES: dict[str, str] = {
    # WikiArt
    "genre painting": "genre scene", "religious painting": "religious",
    "abstract painting": "abstract", "abstract art": "abstract", "nude painting": "nude",
    "nude painting nu": "nude", "sketch": "sketch and study", "study": "sketch and study",
    "studies": "sketch and study", "sketches": "sketch and study", "sketch study": "sketch and study",
    "mythological painting": "mythological", "mythology": "mythological", "myth": "mythological",
    "animal painting": "animal", "animals": "animal", "flower painting": "still life",
    "marina": "seascape", "marine": "seascape", "veduta": "cityscape", "city view": "cityscape",
    "townscape": "cityscape", "urban": "cityscape", "self portrait": "portrait",
    "history": "history painting", "historical": "history painting",
    "historical painting": "history painting", "battle painting": "battle scene",
    "battle": "battle scene", "allegorical painting": "allegory", "allegorical": "allegory",
    "interior painting": "interior", "architectural": "architecture",
    "landscape painting": "landscape", "portrait painting": "portrait",
    "still life painting": "still life", "cityscape painting": "cityscape",
    "book illustration": "illustration", "illustrations": "illustration",
    # SemArt TYPE
    "genre": "genre scene", "still-life": "still life", "religion": "religious",
    # the Met's classifications (object types, plural)
    "drawings": "drawing", "prints": "print", "photographs": "photograph",
    "paintings": "other", "sculptures": "sculpture", "ceramics": "decorative arts",
    "glass": "decorative arts", "textiles": "decorative arts", "metalwork": "decorative arts",
    "furniture": "decorative arts", "jewelry": "decorative arts",
    "manuscripts and illuminations": "manuscript", "illuminated manuscript": "manuscript",
    "miniatures": "manuscript",
    # Iconclass, top level
    "abstract non representational art": "abstract", "non representational art": "abstract",
    "religion and magic": "religious", "bible": "religious", "christian religion": "religious",
    "human being man in general": "human figure", "human being": "human figure",
    "society civilization culture": "society", "abstract ideas and concepts": "allegory",
    "literature": "literary", "classical mythology and ancient history": "mythological",
    "classical mythology": "mythological",
}

#: Caption-style templates, written as captioning models write; ``{}`` is a genre's name.
CAPTION_TEMPLATES = (
    "The artwork depicts {}.",
    "A painting of {}.",
    "This image shows {}.",
    "{}, painted in oil on canvas.",
)
#: The bare-label templates of the first version (kept as the naive anchor).
BARE_TEMPLATES = ("{}", "a painting of {}", "a {} painting", "an artwork in the genre of {}")

#: Which taxonomy the built-in names and aliases come from (for :func:`describe`-style notes).
TAXONOMIES = {
    "WikiArt": ("abstract painting", "cityscape", "genre painting", "illustration", "landscape",
                "nude painting", "portrait", "religious painting", "sketch and study", "still life"),
    "SemArt": ("religious", "portrait", "landscape", "mythological", "genre", "still-life",
               "historical", "interior", "study", "other"),
    "Met": ("paintings", "drawings", "prints", "photographs", "sculpture", "ceramics", "textiles",
            "metalwork", "furniture", "manuscripts and illuminations"),
    "Iconclass": ("abstract, non-representational art", "religion and magic", "nature",
                  "human being, man in general", "society, civilization, culture",
                  "abstract ideas and concepts", "history", "bible", "literature",
                  "classical mythology and ancient history"),
}

#: Words that say "a genre" without saying which ("landscape painting" is "landscape").
_GENERIC = ("painting", "paintings", "art", "artwork", "artworks", "picture", "pictures", "scene",
            "scenes", "genre", "piece", "pieces", "work", "works")


def normalise_genre_name(name: object) -> str:
    """Lower case, ``_``/``-``/punctuation as spaces, spaces collapsed: ``"Still_Life"`` ->
    ``"still life"``."""
    text = str(name).lower().replace("_", " ").replace("-", " ")
    text = re.sub(r"[^\w ]+", " ", text)
    return re.sub(r"\s+", " ", text).strip()


def _singular(word: str) -> str:
    for plural, single in (("ies", "y"), ("ches", "ch"), ("shes", "sh"), ("xes", "x")):
        if word.endswith(plural) and len(word) > len(plural) + 2:
            return word[: -len(plural)] + single
    if word.endswith("s") and not word.endswith(("ss", "us", "is")) and len(word) > 3:
        return word[:-1]
    return word


def _lookup(key: str) -> tuple[str | None, str]:
    if key in GENRE_DEFINITIONS:
        return key, "built-in"
    if key in GENRE_ALIASES:
        return GENRE_ALIASES[key], "alias"
    return None, "templates only"


def resolve_genre(name: object) -> tuple[str | None, str]:
    """The built-in genre a user's name means, and how it was found: ``"built-in"`` (the name
    itself, after normalisation), ``"alias"`` (a known alias, a plural, or the name without a
    generic word such as "painting" or "scene"), or ``(None, "templates only")``."""
    key = normalise_genre_name(name)
    found, how = _lookup(key)
    if found is not None:
        return found, how
    words = key.split()
    candidates = [" ".join(_singular(w) for w in words),
                  " ".join(w for w in words if w not in _GENERIC),
                  " ".join(_singular(w) for w in words if w not in _GENERIC)]
    for cand in candidates:
        if cand and cand != key:
            found, _ = _lookup(cand)
            if found is not None:
                return found, "alias"
    return None, "templates only"


def describe_resolved(resolved: dict[str, tuple[str | None, str]],
                      n_definitions: dict[str, int]) -> list[str]:
    """One line per name: the taxonomies that list it and where its definition came from
    (``resolved``: name -> :func:`resolve_genre`'s answer, or ``(None, "given")``)."""
    lines = []
    for name, (canonical, source) in resolved.items():
        key = normalise_genre_name(name)
        where = [tax for tax, names in TAXONOMIES.items()
                 if key in {normalise_genre_name(n) for n in names}]
        n = n_definitions.get(name, 0)
        what = {"built-in": f"built-in definition ({n} sentences)",
                "alias": f"alias of built-in '{canonical}' ({n} sentences)",
                "given": f"your definition ({n} sentences)",
                "templates only": "templates only: no definition, caption templates on the name",
                }[source]
        lines.append(f"{name}{' [' + ', '.join(where) + ']' if where else ''}: {what}")
    return lines
