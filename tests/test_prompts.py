import pytest

from artopic_nb.text.prompts import PROMPTS, Prompt, get_prompt, list_prompts, register_prompt


def test_builtin_prompts_have_name_version_text():
    for name in ("caption", "description", "cluster_summary", "genre_choice"):
        p = get_prompt(name)
        assert p.name == name and p.version and len(p.text) > 20
    assert {"caption", "description"} <= set(list_prompts())


def test_caption_is_one_sentence_and_description_is_detailed():
    caption, description = get_prompt("caption"), get_prompt("description")
    assert "one sentence" in caption.text.lower()
    for aspect in ("subject", "setting", "figures", "palette", "light", "composition",
                   "technique", "style", "mood"):
        assert aspect in description.text.lower(), aspect
    assert caption.max_new_tokens < description.max_new_tokens


def test_key_holds_name_version_and_text_hash():
    p = get_prompt("caption")
    assert p.key.startswith(f"caption@{p.version}:")
    bumped = Prompt(p.name, "2", p.text)
    edited = Prompt(p.name, p.version, p.text + " Be brief.")
    assert len({p.key, bumped.key, edited.key}) == 3
    assert Prompt(p.name, p.version, p.text).key == p.key  # stable across instances


def test_get_prompt_passes_objects_and_explains_unknown_names():
    p = Prompt("mine", "1", "Say what you see.")
    assert get_prompt(p) is p
    with pytest.raises(KeyError, match="known prompts: .*caption"):
        get_prompt("no-such-prompt")


def test_register_refuses_silent_overwrite():
    p = Prompt("test-only", "1", "x")
    try:
        register_prompt(p)
        register_prompt(p)  # the same prompt again is fine
        with pytest.raises(ValueError, match="overwrite"):
            register_prompt(Prompt("test-only", "2", "y"))
        assert register_prompt(Prompt("test-only", "2", "y"), overwrite=True).version == "2"
    finally:
        PROMPTS.pop("test-only", None)


def test_format_fills_placeholders_once():
    p = get_prompt("genre_choice")
    text = p.format(caption="A {bowl} of fruit.", genres="portrait, still life",
                    instruction=p.part("answer"))
    assert "A {bowl} of fruit." in text and "portrait, still life" in text  # values kept as given
    summary = get_prompt("cluster_summary")
    assert "{descriptions}" not in summary.format(descriptions="a\nb", n="2", keywords="",
                                                  ask=summary.part("visual"))


def test_parts_enter_the_key_and_name_themselves():
    p = get_prompt("cluster_summary")
    assert {"visual", "content", "keywords"} <= {name for name, _ in p.parts}
    other_ask = Prompt(p.name, p.version, p.text, parts={**dict(p.parts), "visual": "colours"})
    assert other_ask.key != p.key and other_ask.key.startswith(f"{p.name}@{p.version}:")
    assert Prompt(p.name, p.version, p.text, p.max_new_tokens, dict(p.parts)) == p  # kept as pairs
    assert Prompt("x", "1", "t").key == Prompt("x", "1", "t", parts={}).key
    with pytest.raises(KeyError, match="its parts: visual, content"):
        p.part("mood")


def test_the_code_uses_the_registered_prompts():
    from artopic_nb.genre.llm import genre_choice_prompt
    from artopic_nb.text.summaries import summary_prompt

    choice, summary = get_prompt("genre_choice"), get_prompt("cluster_summary")
    text = genre_choice_prompt("A dog.", ["animal"])
    assert text == choice.format(genres="- animal", caption="<caption>\nA dog.\n</caption>",
                                 instruction=choice.part("answer"))
    text = summary_prompt(["A dog."], ["dog"], "content")
    assert text == summary.format(
        n="1", descriptions="<description>\nA dog.\n</description>",
        keywords=summary.part("keywords").format(keywords="dog"), ask=summary.part("content"))


def test_complete_checks_the_text_model_and_batches():
    from artopic_nb.models.protocols import TextModel
    from artopic_nb.text.prompts import complete

    class Echo:
        model_id = "echo"

        def __init__(self):
            self.batches = []

        def complete(self, prompts, max_new_tokens=8):
            self.batches.append(len(prompts))
            return [None if p == "none" else p.upper() for p in prompts]

    llm = Echo()
    assert isinstance(llm, TextModel)
    assert complete(llm, ["a", "none", "c"], max_new_tokens=4, batch_size=2) == ["A", "", "C"]
    assert llm.batches == [2, 1]
    with pytest.raises(TypeError, match="text model"):
        complete(None, ["a"], max_new_tokens=4)
