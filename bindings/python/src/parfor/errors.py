"""The exceptions parfor raises, one class per C status; argument errors are also ValueErrors.

    >>> import parfor
    >>> try:
    ...     parfor.pi(0)
    ... except parfor.ArgumentError as e:      # also a ValueError and a ParforError
    ...     print(e.status == parfor.PARFOR_ERR_INVALID)
    True
"""

from __future__ import annotations

from ._capi import (
    PARFOR_ERR_CANCELLED,
    PARFOR_ERR_INVALID,
    PARFOR_ERR_NOMEM,
    PARFOR_ERR_NULL,
    PARFOR_ERR_PANIC,
    PARFOR_ERR_THREADS,
    ffi,
    lib,
)


def status_message(status: int) -> str:
    """The C library's text for a status code (parfor_status_message); never empty.

    >>> status_message(0)
    'success'
    """
    return ffi.string(lib.parfor_status_message(int(status))).decode()


class ParforError(Exception):
    """A failed parfor call: ``.status`` (the C status code), ``.message`` (its text) and
    ``.function`` (the call that failed). Every exception parfor raises for a status is one.

    >>> ParforError(2, "parfor_pi").status
    2
    """

    def __init__(self, status: int, function: str, detail: str = "") -> None:
        self.status = int(status)
        self.function = function
        self.message = detail or status_message(status)
        super().__init__("%s: %s (status %d)" % (function, self.message, self.status))


class ArgumentError(ParforError, ValueError):
    """A bad argument value (PARFOR_ERR_INVALID or PARFOR_ERR_NULL, or refused before C is called).

    >>> issubclass(ArgumentError, ValueError)
    True
    """


class OutOfMemoryError(ParforError, MemoryError):
    """Memory for the requested size could not be allocated (PARFOR_ERR_NOMEM).

    >>> issubclass(OutOfMemoryError, MemoryError)
    True
    """


class PanicError(ParforError, RuntimeError):
    """A contained Rust panic (PARFOR_ERR_PANIC); the pool is still usable.

    >>> issubclass(PanicError, RuntimeError)
    True
    """


class ThreadsError(ParforError, RuntimeError):
    """Threads could not be created (PARFOR_ERR_THREADS); teams use the threads that exist.

    >>> issubclass(ThreadsError, RuntimeError)
    True
    """


class CancelledError(ParforError, RuntimeError):
    """The run was stopped by parfor_cancel() from elsewhere (PARFOR_ERR_CANCELLED).

    >>> issubclass(CancelledError, RuntimeError)
    True
    """


_CLASSES = {
    PARFOR_ERR_NULL: ArgumentError,
    PARFOR_ERR_INVALID: ArgumentError,
    PARFOR_ERR_PANIC: PanicError,
    PARFOR_ERR_THREADS: ThreadsError,
    PARFOR_ERR_NOMEM: OutOfMemoryError,
    PARFOR_ERR_CANCELLED: CancelledError,
}


def error_for(status: int, function: str, detail: str = "") -> ParforError:
    """The exception for a non-zero status of `function` (a ParforError subclass).

    >>> type(error_for(5, "parfor_pi")).__name__
    'OutOfMemoryError'
    """
    return _CLASSES.get(status, ParforError)(status, function, detail)


def argument_error(function: str, text: str) -> ArgumentError:
    """An ArgumentError for a value refused on the Python side, before C is called.

    >>> str(argument_error("pi", "n must be >= 1, got 0"))
    'pi: n must be >= 1, got 0 (status 2)'
    """
    return ArgumentError(PARFOR_ERR_INVALID, function, text)
