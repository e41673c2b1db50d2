"""Text: the sentence encoder, prompts, keywords (c-TF-IDF), cluster summaries and claims."""
