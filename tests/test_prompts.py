import pytest

from artopic_nb.prompts import PROMPTS, Prompt, get_prompt, list_prompts, register_prompt


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


def test_format_fills_placeholders():
    text = get_prompt("genre_choice").format(caption="A bowl of fruit.", genres="portrait, still life")
    assert "A bowl of fruit." in text and "portrait, still life" in text
    assert "{descriptions}" not in get_prompt("cluster_summary").format(descriptions="a\nb")
