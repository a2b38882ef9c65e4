"""Process-wide adjustments to how Streamlit treats TensorFlow/Keras, made in one place.

After every script run Streamlit calls ``keras.backend.clear_session()``. For CNN Studio that is
pure cost: it runs a full garbage collection (about a second once TensorFlow is loaded on a small
server, holding the GIL, which starved the training thread: measured stuck for over a minute on its
first batch) and empties TensorFlow's kernel cache (150-400 ms again on the next forward pass of
every cached model). Our models are cached with ``st.cache_resource`` and every layer is named
explicitly, so the Keras state it resets (name counters, which are thread-local anyway) does not
matter here.
"""

from __future__ import annotations

import gc
import sys
import threading

_LOCK = threading.Lock()
_DONE = {"cleanup": False, "freeze": False}


def _clean_without_keras() -> None:
    # What Streamlit's own clean-up does, minus clearing Keras's session.
    plt = sys.modules.get("matplotlib.pyplot")
    if plt is not None:
        plt.close("all")


def keep_keras_state() -> None:
    """Stops Streamlit from clearing Keras's session after each script run (once per process)."""
    with _LOCK:
        if _DONE["cleanup"]:
            return
        _DONE["cleanup"] = True
        try:
            from streamlit.runtime.scriptrunner import script_runner
        except ImportError:  # a Streamlit without this module has nothing to adjust
            return
        if hasattr(script_runner, "_clean_problem_modules"):
            script_runner._clean_problem_modules = _clean_without_keras


def freeze_gc() -> None:
    """Moves everything alive now (TensorFlow's many objects) out of the garbage collector's way.

    Call it right after TensorFlow is imported: later collections then only look at new objects,
    which keeps each one in the microseconds instead of about a second.
    """
    with _LOCK:
        if not _DONE["freeze"]:
            _DONE["freeze"] = True
            gc.freeze()
