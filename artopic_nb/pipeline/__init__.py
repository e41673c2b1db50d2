"""The step graph (declarations, cache keys, codecs), the runner that executes it,
:class:`~artopic_nb.pipeline.study.Study` and its queries, and saving and loading a study."""
