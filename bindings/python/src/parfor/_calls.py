"""Calling parfor's C functions so that Ctrl-C works and failures become exceptions.

A kernel can run for minutes in C, where Python cannot see a signal. So a call made from the main
thread runs in a worker thread while the main thread waits in short slices; on KeyboardInterrupt
it calls ``parfor_cancel()`` (async-signal-safe, stops every loop running in the process), waits
for the worker to return (it returns PARFOR_ERR_CANCELLED soon after) and re-raises the
KeyboardInterrupt. The next call runs normally. Calls from other threads run directly (signals
are only delivered to the main thread).

    >>> from parfor._calls import call
    >>> from parfor._capi import ffi
    >>> out = ffi.new("double *")
    >>> call("parfor_pi", 1000, 42, out)
"""

from __future__ import annotations

import threading
from typing import Any, List

from ._capi import PARFOR_OK, ffi, lib
from .errors import error_for

# How often the waiting main thread wakes up to let Python run signal handlers (seconds).
WAIT_SLICE = 0.02


def _last_error() -> str:
    """This thread's parfor_last_error() text: what the last failed call on it said ("" if none)."""
    return ffi.string(lib.parfor_last_error()).decode(errors="replace")


def _direct(function: str, args: tuple) -> tuple:
    """(status, detail): runs the C function on this thread."""
    status = getattr(lib, function)(*args)
    return status, (_last_error() if status != PARFOR_OK else "")


def _in_worker(function: str, args: tuple) -> tuple:
    """(status, detail) of the C function run on a worker thread, the main thread waiting in
    short slices; a KeyboardInterrupt cancels the run, waits for it and is re-raised.

    The wait is on an Event the worker sets, not on Thread.join: a join interrupted by
    KeyboardInterrupt can leave the thread marked as stopped while it still runs."""
    outcome: List[Any] = []
    done = threading.Event()

    def work() -> None:
        try:
            outcome.append(_direct(function, args))
        except BaseException as exc:  # noqa: BLE001 - re-raised on the calling thread
            outcome.append(exc)
        finally:
            done.set()

    threading.Thread(target=work, name="parfor-" + function, daemon=True).start()
    try:
        while not done.wait(WAIT_SLICE):
            pass
    except KeyboardInterrupt:
        _cancel_and_wait(done)
        raise
    result = outcome[0]
    if isinstance(result, BaseException):
        raise result
    return result


def _cancel_and_wait(done: threading.Event) -> None:
    """Cancels parfor's running loops until the worker has set `done` (the C call must not
    outlive the arrays it writes). The cancel is repeated every slice: one that comes before the
    C call has started its loop, or between two loops of one kernel, would otherwise be missed.
    Further Ctrl-Cs meanwhile are absorbed."""
    while not done.is_set():
        lib.parfor_cancel()
        try:
            done.wait(WAIT_SLICE)
        except KeyboardInterrupt:
            continue


def call(function: str, *args: Any) -> None:
    """Calls the C function `function` with `args`; raises the ParforError subclass of its status,
    with parfor_last_error()'s text when the library gives one.

    >>> call("parfor_pi", 0, 42, ffi.new("double *"))
    Traceback (most recent call last):
    parfor.errors.ArgumentError: parfor_pi: n must be at least 1 (status 2)
    """
    if threading.current_thread() is threading.main_thread():
        status, detail = _in_worker(function, args)
    else:
        status, detail = _direct(function, args)
    if status != PARFOR_OK:
        raise error_for(status, function, detail)
