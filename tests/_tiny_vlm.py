"""Tiny random ``transformers`` models built in code, for tests that must never download.

:func:`build_tiny_llava` writes a complete model folder (config, weights, tokenizer,
image processor, processor with a chat template) of a LLaVA with a CLIP vision tower
and a Llama language model, about 100k parameters. It loads with
``AutoProcessor`` / ``AutoModelForImageTextToText``, runs in ``pipeline("image-text-to-text")``
and is served by ``transformers serve``. :func:`build_tiny_llama` writes a text-only
causal LM with the same tokenizer.

The tokenizer is word-level over a fixed vocabulary, so generated text is a sequence of
real words (random, since the weights are random).
"""

from __future__ import annotations

from pathlib import Path

WORDS = (
    "a the of and in with painting portrait landscape still life woman man child figure "
    "red blue green yellow gold brown dark light warm cool sky sea tree river house church "
    "flowers fruit table dress hat horse dog saint virgin angel shows depicts oil canvas "
    "soft strong brush detailed calm quiet bright shadow evening morning"
).split()
SPECIAL = ["<pad>", "<unk>", "<s>", "</s>", "<image>", "USER:", "ASSISTANT:"]

# A chat template in the style of llava-1.5: text parts verbatim, image parts as <image>.
CHAT_TEMPLATE = (
    "{% for message in messages %}"
    "{% if message['role'] == 'user' %}USER: {% else %}ASSISTANT: {% endif %}"
    "{% if message['content'] is string %}{{ message['content'] }} "
    "{% else %}{% for part in message['content'] %}"
    "{% if part['type'] == 'image' %}<image> "
    "{% elif part['type'] == 'text' %}{{ part['text'] }} {% endif %}"
    "{% endfor %}{% endif %}"
    "{% endfor %}"
    "{% if add_generation_prompt %}ASSISTANT: {% endif %}"
)


def build_tokenizer():
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers
    from transformers import PreTrainedTokenizerFast

    vocab = {tok: i for i, tok in enumerate(SPECIAL + list(WORDS))}
    tok = Tokenizer(models.WordLevel(vocab=vocab, unk_token="<unk>"))
    tok.pre_tokenizer = pre_tokenizers.WhitespaceSplit()
    tok.decoder = decoders.WordPiece(prefix="##")  # joins words with single spaces
    fast = PreTrainedTokenizerFast(
        tokenizer_object=tok, unk_token="<unk>", pad_token="<pad>", bos_token="<s>",
        eos_token="</s>", additional_special_tokens=["<image>"],
    )
    fast.padding_side = "left"
    fast.chat_template = CHAT_TEMPLATE
    return fast


def _llama_config(vocab_size: int, tok, hidden: int = 32, layers: int = 2):
    from transformers import LlamaConfig

    return LlamaConfig(
        vocab_size=vocab_size, hidden_size=hidden, intermediate_size=hidden * 2,
        num_hidden_layers=layers, num_attention_heads=4, num_key_value_heads=2,
        max_position_embeddings=512, pad_token_id=tok.pad_token_id,
        bos_token_id=tok.bos_token_id, eos_token_id=tok.eos_token_id,
    )


def _save_greedy(model, tok, folder: Path) -> None:
    """Save ``model`` to ``folder`` with a greedy generation config of ``tok``'s special tokens."""
    from transformers import GenerationConfig

    model.generation_config = GenerationConfig(
        pad_token_id=tok.pad_token_id, bos_token_id=tok.bos_token_id,
        eos_token_id=tok.eos_token_id, do_sample=False,
    )
    model.save_pretrained(folder)


def build_tiny_llava(folder: str | Path, seed: int = 0, image_size: int = 32,
                     patch_size: int = 8) -> Path:
    """Write a tiny random LLaVA model folder and return its path."""
    import torch
    from transformers import (
        CLIPImageProcessor,
        CLIPVisionConfig,
        LlavaConfig,
        LlavaForConditionalGeneration,
        LlavaProcessor,
    )

    folder = Path(folder)
    torch.manual_seed(seed)
    tok = build_tokenizer()
    vision = CLIPVisionConfig(
        hidden_size=32, intermediate_size=64, num_hidden_layers=2, num_attention_heads=4,
        image_size=image_size, patch_size=patch_size, projection_dim=32,
    )
    text = _llama_config(len(tok), tok)
    config = LlavaConfig(
        vision_config=vision, text_config=text, image_token_index=tok.convert_tokens_to_ids("<image>"),
        vision_feature_select_strategy="full", vision_feature_layer=-1,
        projector_hidden_act="gelu",
    )
    config.pad_token_id = tok.pad_token_id
    model = LlavaForConditionalGeneration(config).eval()
    _save_greedy(model, tok, folder)
    image_processor = CLIPImageProcessor(
        size={"shortest_edge": image_size}, crop_size={"height": image_size, "width": image_size},
    )
    processor = LlavaProcessor(
        image_processor=image_processor, tokenizer=tok, patch_size=patch_size,
        vision_feature_select_strategy="full", chat_template=CHAT_TEMPLATE,
        num_additional_image_tokens=1,  # CLIP's CLS token, kept by the "full" strategy
    )
    processor.save_pretrained(folder)
    return folder


def build_tiny_llama(folder: str | Path, seed: int = 0) -> Path:
    """Write a tiny random text-only Llama (same word-level tokenizer) and return its path."""
    import torch
    from transformers import LlamaForCausalLM

    folder = Path(folder)
    torch.manual_seed(seed)
    tok = build_tokenizer()
    model = LlamaForCausalLM(_llama_config(len(tok), tok)).eval()
    _save_greedy(model, tok, folder)
    tok.save_pretrained(folder)
    return folder


IDEFICS3_TEMPLATE = (
    "<|im_start|>{% for message in messages %}"
    "{{ message['role'] | capitalize }}:"
    "{% if message['content'] is string %}{{ message['content'] }}"
    "{% else %}{% for part in message['content'] %}"
    "{% if part['type'] == 'image' %}<image>{% elif part['type'] == 'text' %} {{ part['text'] }}{% endif %}"
    "{% endfor %}{% endif %}<end_of_utterance>\n"
    "{% endfor %}{% if add_generation_prompt %}Assistant:{% endif %}"
)


def build_smolvlm_sized(folder: str | Path, seed: int = 0, image_size: int = 512) -> Path:
    """A random-weight model with the architecture and size of SmolVLM-256M-Instruct.

    Idefics3 (as the real checkpoint): SigLIP-B/16 vision tower at 512 px (12 layers,
    width 768), pixel shuffle with scale factor 4 (64 image tokens per 512 px tile), and
    a SmolLM2-135M-sized Llama (30 layers, width 576, 9 heads / 3 KV heads, vocabulary
    49,280). Image splitting is off, so an image is one tile. The tokenizer is the
    word-level one above (the vocabulary size of the config is the real one, so the
    embedding and output layers cost what they cost). Throughput does not depend on the
    weight values, so timings are honest.
    """
    text = {"vocab_size": 49280, "hidden_size": 576, "intermediate_size": 1536,
            "num_hidden_layers": 30, "num_attention_heads": 9, "num_key_value_heads": 3,
            "max_position_embeddings": 8192, "rope_theta": 100000.0}
    vision = {"hidden_size": 768, "intermediate_size": 3072, "num_hidden_layers": 12,
              "num_attention_heads": 12, "image_size": image_size, "patch_size": 16}
    return _build_idefics3(folder, seed, text, vision, splitting=False)


def build_tiny_idefics3(folder: str | Path, seed: int = 0) -> Path:
    """A tiny Idefics3 (SmolVLM's architecture) with image splitting on, as the real
    SmolVLM processor does it: a large image becomes several 32 px tiles plus a global one."""
    text = {"vocab_size": 96, "hidden_size": 32, "intermediate_size": 64, "num_hidden_layers": 2,
            "num_attention_heads": 4, "num_key_value_heads": 2, "max_position_embeddings": 512}
    vision = {"hidden_size": 16, "intermediate_size": 32, "num_hidden_layers": 1,
              "num_attention_heads": 2, "image_size": 32, "patch_size": 8}
    return _build_idefics3(folder, seed, text, vision, splitting=True, longest_edge=64,
                           scale_factor=2)


def _build_idefics3(folder, seed, text_kwargs, vision, splitting: bool, longest_edge=None,
                    scale_factor: int = 4) -> Path:
    import torch
    from transformers import (
        Idefics3Config,
        Idefics3ForConditionalGeneration,
        Idefics3ImageProcessor,
        Idefics3Processor,
        LlamaConfig,
    )

    folder = Path(folder)
    torch.manual_seed(seed)
    tok = build_tokenizer()
    tok.add_special_tokens({"additional_special_tokens": [
        "<image>", "<fake_token_around_image>", "<global-img>", "<end_of_utterance>", "<|im_start|>"]})
    tok.chat_template = IDEFICS3_TEMPLATE
    text = LlamaConfig(**text_kwargs, tie_word_embeddings=True, pad_token_id=tok.pad_token_id,
                       bos_token_id=tok.bos_token_id, eos_token_id=tok.eos_token_id)
    config = Idefics3Config(vision_config=vision, text_config=text.to_dict(),
                            scale_factor=scale_factor,
                            image_token_id=tok.convert_tokens_to_ids("<image>"),
                            tie_word_embeddings=True)
    config.pad_token_id = tok.pad_token_id
    model = Idefics3ForConditionalGeneration(config).eval()
    _save_greedy(model, tok, folder)
    tile = vision["image_size"]
    image_processor = Idefics3ImageProcessor(
        do_image_splitting=splitting, size={"longest_edge": longest_edge or tile},
        max_image_size={"longest_edge": tile},
    )
    seq_len = (tile // vision["patch_size"]) ** 2 // scale_factor ** 2
    Idefics3Processor(image_processor=image_processor, tokenizer=tok, image_seq_len=seq_len,
                      chat_template=IDEFICS3_TEMPLATE).save_pretrained(folder)
    return folder


def _bert_tokenizer(extra_special: tuple[str, ...] = ()):
    from transformers import BertTokenizer

    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *extra_special, *WORDS]
    return BertTokenizer(vocab={w: i for i, w in enumerate(vocab)}, do_lower_case=True), vocab


_TINY_VISION = {"hidden_size": 16, "intermediate_size": 32, "num_hidden_layers": 1,
                "num_attention_heads": 2, "image_size": 32, "patch_size": 8}


def build_tiny_blip(folder: str | Path, seed: int = 0) -> Path:
    """A tiny BLIP captioner (no chat template: it captions the image, prompts unused)."""
    import torch
    from transformers import (
        BlipConfig,
        BlipForConditionalGeneration,
        BlipImageProcessor,
        BlipProcessor,
    )

    folder = Path(folder)
    tok, vocab = _bert_tokenizer(("[DEC]",))
    tok.bos_token = "[DEC]"
    text = {"hidden_size": 16, "intermediate_size": 32, "num_hidden_layers": 1,
            "num_attention_heads": 2, "vocab_size": len(vocab), "max_position_embeddings": 32,
            "encoder_hidden_size": 16, "bos_token_id": vocab.index("[DEC]"), "pad_token_id": 0,
            "sep_token_id": vocab.index("[SEP]"), "eos_token_id": vocab.index("[SEP]")}
    torch.manual_seed(seed)
    BlipForConditionalGeneration(BlipConfig(vision_config=_TINY_VISION, text_config=text,
                                            projection_dim=16)).save_pretrained(folder)
    BlipProcessor(image_processor=BlipImageProcessor(size={"height": 32, "width": 32}),
                  tokenizer=tok).save_pretrained(folder)
    return folder


def build_tiny_git(folder: str | Path, seed: int = 0) -> Path:
    """A tiny GIT captioner (a CLIP vision tower feeding a causal text decoder)."""
    import torch
    from transformers import CLIPImageProcessor, GitConfig, GitForCausalLM, GitProcessor

    folder = Path(folder)
    tok, vocab = _bert_tokenizer()
    config = GitConfig(vision_config=_TINY_VISION, vocab_size=len(vocab), hidden_size=16,
                       intermediate_size=32, num_hidden_layers=1, num_attention_heads=2,
                       max_position_embeddings=64, bos_token_id=vocab.index("[CLS]"),
                       eos_token_id=vocab.index("[SEP]"), pad_token_id=0)
    torch.manual_seed(seed)
    GitForCausalLM(config).save_pretrained(folder)
    processor = CLIPImageProcessor(size={"shortest_edge": 32}, crop_size={"height": 32, "width": 32})
    GitProcessor(image_processor=processor, tokenizer=tok).save_pretrained(folder)
    return folder
