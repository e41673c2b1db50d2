"""Genres: names and definitions, predictors (sentence-embedding prototypes, an LLM's
constrained choice), calibration and evaluation against known labels."""
