"""The pipeline's steps, one module each (embed, reduce, cluster, sample, describe,
predict_genres, commonalities), and only steps: each declares its step beside the code that
computes it. A step with helpers of its own is a package (``cluster/``: the algorithms in
``__init__``, the edit log in ``edits``, the hierarchy and names in ``hierarchy``); ``base``
says what a step is."""
