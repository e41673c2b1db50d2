"""A command-line run step by step, knowing at each moment what a rerun would find cached.

Every step caches its results (embeddings and descriptions as each batch finishes), so a
run stopped with Ctrl-C resumes when the same command runs again. :class:`RunState` follows
the steps so that the interruption is said in one line: which step was running and what is
already cached (:meth:`RunState.interrupted_line`).

Example
-------
>>> state = RunState(downloads=False)
>>> state.start("embed"); state.finish(); state.start("reduce")
>>> state.interrupted_line()
'interrupted during reduce; rerun the same command to resume: the embeddings are cached'
"""

from __future__ import annotations

import time
from pathlib import Path

__all__ = ["RunState", "run_study"]

#: What each step leaves in the cache, and (for the steps cached batch by batch) what an
#: interruption leaves of it.
_CACHED = {"embed": ("the embeddings", "the embeddings finished so far"),
           "reduce": ("the reduction", None),
           "cluster": ("the clusters", None),
           "sample": ("the samples", None),
           "describe": ("the descriptions", "the descriptions finished so far"),
           "predict_genres": ("the genre predictions", None),
           "commonalities": ("the keywords and summaries", None)}


def _join(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


class RunState:
    """The step under way (``load`` first) and the steps finished, in order."""

    def __init__(self, downloads: bool):
        self.downloads = downloads
        self.step = "load"
        self.done: list[str] = []

    def start(self, step: str) -> None:
        self.step = step

    def finish(self) -> None:
        self.done.append(self.step)

    def interrupted_line(self) -> str:
        """``interrupted during <step>; rerun the same command to resume: <what is cached>``."""
        cached = [_CACHED[s][0] for s in self.done if s in _CACHED]
        partial = _CACHED.get(self.step, (None, None))[1]
        if partial:
            cached.append(partial)
        if self.step == "load" and self.downloads:
            cached.append("the images downloaded so far")
        if not cached:
            return (f"interrupted during {self.step}; rerun the same command to start again "
                    "(no step had finished)")
        return (f"interrupted during {self.step}; rerun the same command to resume: "
                f"{_join(cached)} are cached")


def run_study(collection, args, state: RunState) -> None:
    """Every step of the study on ``collection`` as the arguments say, then save it, write the
    report and print the summary; ``state`` follows the steps."""
    from ..pipeline.study import Study
    from .summary import print_summary

    out = Path(args.out)
    study = Study(collection, cache_dir=args.cache_dir or out / "cache", seed=args.seed,
                  progress=not args.no_progress)
    started = time.perf_counter()

    def step(name: str, call, *a, **kw):
        state.start(name)
        result = call(*a, **kw)
        state.finish()
        return result

    embedder = args.embedder
    if args.engine == "ray":
        from ..scale import embed_on_ray

        state.start("embed")
        embedder = embed_on_ray(collection, embedder, study.cache_dir, address=args.address,
                                progress=not args.no_progress).study_embedder
    step("embed", study.embed, embedder=embedder,  # the records' words too, unless --no-text
         text=None if args.no_text else args.text or "auto")
    step("reduce", study.reduce)
    sizes = {"min_cluster_size": args.min_cluster_size} if args.cluster_method == "hdbscan" \
        else {"n_clusters": args.n_clusters}
    step("cluster", study.cluster, args.cluster_method, **sizes)
    step("sample", study.sample, per_cluster=args.per_cluster, strategy=args.strategy)
    if not args.no_describe:
        step("describe", study.describe, describers=args.describe or None)
        step("predict_genres", study.predict_genres)
        step("commonalities", study.find_commonalities, llm=args.summaries)
    study_dir = step("save", study.save, out / "study")
    report = step("report", study.to_html, out / "report.html",
                  skipped_list=args.skipped_list)
    print_summary(study, study_dir, report, time.perf_counter() - started)
