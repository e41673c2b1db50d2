"""Model backends, one file each: a way of running a model (``transformers`` in process, a
GGUF file, an OpenAI-compatible server, CLIP/SigLIP image towers, or no model at all)."""
