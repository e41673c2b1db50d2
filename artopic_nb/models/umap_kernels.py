"""An on-disk cache for umap-learn's numba kernels, so that a new process skips compiling them.

umap-learn compiles its kernels with numba on first use and without ``cache=True``
(``smooth_knn_dist`` and ``compute_membership_strengths`` of the fuzzy simplicial set, the
layout's epoch ...): every new Python process, so every new notebook kernel, pays 5-10 s
before its first map. :func:`enable_umap_cache` turns numba's on-disk cache on for those
dispatchers, in place (``Dispatcher.enable_caching`` does the same), so every call site sees
it: umap's modules call each other through module globals and ``from ... import`` names,
which all hold the same dispatcher objects. The first process on a machine compiles and
writes the cache; later ones load the machine code in milliseconds. The code loaded is the
code that would have been compiled, so results are identical to plain umap-learn's.

Numba keys every entry on the source file's content hash, the function's bytecode, the
signature and the CPU, so an upgraded umap-learn or another machine compiles afresh rather
than loading stale code. Two dispatchers of one function with different options (umap's
layout epoch exists as ``parallel=False`` and ``parallel=True``) get separate entries.

Where: ``$ARTOPIC_NUMBA_CACHE_DIR``, else ``$NUMBA_CACHE_DIR``, else the user cache directory
(``~/.cache/artopic_nb/numba`` on Linux). ``ARTOPIC_NUMBA_CACHE_DIR=off`` turns it off; a
directory that cannot be written leaves umap-learn as it is (compiling in every process).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import sys
import tempfile
import threading
from pathlib import Path

from ..data.cache import user_cache_root

__all__ = ["CACHE_ENV", "enable_umap_cache", "import_umap", "numba_cache_dir"]

#: Environment variable naming the cache directory (``off``, ``0`` or ``none``: no caching).
CACHE_ENV = "ARTOPIC_NUMBA_CACHE_DIR"
#: umap-learn's modules whose numba dispatchers are cached.
UMAP_MODULES = ("umap.utils", "umap.distances", "umap.sparse", "umap.layouts", "umap.spectral",
                "umap.umap_")

_lock = threading.RLock()
_folder: Path | None | bool = False  # False: not looked at yet
_enabled_dir: Path | None = None
_done = False


def numba_cache_dir() -> Path | None:
    """The directory of the kernel cache, or None when caching is turned off."""
    value = os.environ.get(CACHE_ENV)
    if value is not None and value.strip().lower() in ("", "0", "off", "none", "false"):
        return None
    if value:
        return Path(value).expanduser()
    if os.environ.get("NUMBA_CACHE_DIR"):
        return Path(os.environ["NUMBA_CACHE_DIR"]).expanduser()
    return user_cache_root() / "artopic_nb" / "numba"


def _writable(folder: Path) -> bool:
    try:
        folder.mkdir(parents=True, exist_ok=True)
        tempfile.TemporaryFile(dir=folder).close()
    except OSError:
        return False
    return True


def _usable_dir() -> Path | None:
    """:func:`numba_cache_dir` if caching is on and it can be written (looked at once)."""
    global _folder
    with _lock:
        if _folder is False:
            folder = numba_cache_dir()
            _folder = folder if folder is not None and not _custom_locators() \
                and _writable(folder) else None
        return _folder


def import_umap():
    """``import umap``, with its kernels cached on disk (:func:`enable_umap_cache`).

    Imported here for the first time, umap's two kernels compiled at import (``tau_rand_int``
    and ``tau_rand``, given explicit signatures) are cached too, which saves 0.3 s more.
    """
    if "umap" not in sys.modules:
        folder = _usable_dir()
        with _lock, _eager_kernels_cached(folder):
            import umap  # noqa: F401
    import umap

    enable_umap_cache()
    return umap


def enable_umap_cache() -> Path | None:
    """Cache umap-learn's numba kernels on disk from now on; returns the directory, or None.

    Call it after importing ``umap`` and before its first fit (``reduce_embeddings`` does,
    through :func:`import_umap`). Idempotent and cheap after the first call. Returns None,
    changing nothing, when caching is turned off, the directory cannot be written, or numba's
    caching API is not the one known.
    """
    global _enabled_dir, _done
    with _lock:
        if _done:
            return _enabled_dir
        _done = True
        folder = _usable_dir()
        if folder is None:
            return None
        try:
            dispatchers = _umap_dispatchers()
            caches = [(d, _function_cache(d, folder)) for d in dispatchers]
        except Exception:  # an unknown numba or umap: run as plain umap-learn does
            return None
        for dispatcher, cache in caches:
            dispatcher._cache = cache  # what Dispatcher.enable_caching() does, with our locator
        _enabled_dir = folder
        return folder


@contextlib.contextmanager
def _eager_kernels_cached(folder: Path | None):
    """While umap's modules are imported: ``numba.njit(signature)`` in them caches on disk.

    ``numba.njit`` with a signature compiles at once, at import, before
    :func:`enable_umap_cache` could reach the dispatcher; so for the duration of the import
    the decorator builds the dispatcher lazily, gives it the disk cache, then compiles the
    signatures as numba's decorator does. Any other caller of ``numba.njit`` is passed
    through, and so is any failure.
    """
    if folder is None:
        yield
        return
    try:
        import numba
        from numba.core import typeinfer
    except ImportError:
        yield
        return
    original = numba.njit

    def njit(*args, **kwargs):
        sigs = args[0] if len(args) == 1 and isinstance(args[0], (str, list)) else None
        caller = sys._getframe(1).f_globals.get("__name__", "")
        if sigs is None or kwargs.get("cache") or not caller.startswith("umap."):
            return original(*args, **kwargs)

        def decorate(func):
            try:
                dispatcher = original(**kwargs)(func)
                dispatcher._cache = _function_cache(dispatcher, folder)
                with typeinfer.register_dispatcher(dispatcher):
                    for sig in sigs if isinstance(sigs, list) else [sigs]:
                        dispatcher.compile(sig)
                    dispatcher.disable_compile()
                return dispatcher
            except Exception:
                return original(*args, **kwargs)(func)

        return decorate

    numba.njit = njit
    try:
        yield
    finally:
        numba.njit = original


def _custom_locators() -> bool:
    """Whether NUMBA_CACHE_LOCATOR_CLASSES overrides where numba caches (then it decides)."""
    from numba.core import config

    return bool(getattr(config, "CACHE_LOCATOR_CLASSES", None))


def _umap_dispatchers() -> list:
    """umap-learn's own numba dispatchers that have no disk cache yet, one entry each."""
    from numba.core.caching import NullCache
    from numba.core.dispatcher import Dispatcher

    found = {}
    for name in UMAP_MODULES:
        module = sys.modules.get(name)
        for value in vars(module).values() if module is not None else ():
            if isinstance(value, Dispatcher) and isinstance(value._cache, NullCache) \
                    and getattr(value.py_func, "__module__", "").startswith("umap."):
                found[id(value)] = value
    return list(found.values())


def _function_cache(dispatcher, folder: Path):
    """A numba ``FunctionCache`` for ``dispatcher`` that lives in ``folder``.

    The entry's name carries a digest of the dispatcher's options, so that the
    ``parallel=True`` and ``parallel=False`` builds of one function never share an entry.
    """
    from numba.core import caching

    options = repr(sorted((k, repr(v)) for k, v in dispatcher.targetoptions.items()))
    tag = hashlib.sha256(options.encode()).hexdigest()[:8]

    class Locator(caching._SourceFileBackedLocatorMixin, caching._CacheLocator):
        def __init__(self, py_func, py_file):
            self._py_file = py_file
            self._lineno = py_func.__code__.co_firstlineno
            self._cache_path = str(folder / self.get_suitable_cache_subpath(py_file))

        def get_cache_path(self):
            return self._cache_path

        def get_disambiguator(self):
            return f"{self._lineno}-{tag}"

    class Impl(caching.CompileResultCacheImpl):
        _locator_classes = [Locator]

    class Cache(caching.FunctionCache):
        _impl_class = Impl

    return Cache(dispatcher.py_func)
