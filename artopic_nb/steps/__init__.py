"""The pipeline's steps, one module each (embed, reduce, cluster, sample, describe,
predict_genres, commonalities): each declares its step beside the code that computes it."""
