"""parfor as a thread pool that threadpoolctl (>= 3.2) can list and limit.

After ``import parfor``, ``threadpoolctl.threadpool_info()`` has an entry with
``internal_api == "parfor"`` (its version and thread count), and
``threadpoolctl.threadpool_limits(1)`` sets parfor's team size for the block (as it does for BLAS
and OpenMP libraries), restoring it afterwards. parfor's pool is separate from BLAS's and
OpenMP's: limiting one does not limit the others, and ``OMP_NUM_THREADS`` is read by all of them.

    >>> import parfor, threadpoolctl
    >>> with threadpoolctl.threadpool_limits(1, user_api="parfor"):
    ...     parfor.threads()
    1
"""

from __future__ import annotations

from typing import Any, Optional

from ._capi import ffi, lib

#: The names threadpoolctl can see the library under: the package's own copy, or a libparfor.so.
FILENAME_PREFIXES = ("lib_native", "libparfor")


def _controller_class() -> Optional[type]:
    """The LibController subclass for parfor, or None without threadpoolctl >= 3.2."""
    try:
        from threadpoolctl import LibController
    except ImportError:
        return None

    class ParforController(LibController):  # type: ignore[misc,valid-type]
        """threadpoolctl's view of parfor: team size through parfor_{get,set}_num_threads."""

        user_api = "parfor"
        internal_api = "parfor"
        filename_prefixes = FILENAME_PREFIXES
        check_symbols = ("parfor_get_num_threads", "parfor_set_num_threads", "parfor_version")

        def get_num_threads(self) -> int:
            return int(self.dynlib.parfor_get_num_threads())

        def set_num_threads(self, num_threads: int) -> Any:
            return self.dynlib.parfor_set_num_threads(int(num_threads))

        def get_version(self) -> str:
            return ffi.string(lib.parfor_version()).decode()

    return ParforController


def register() -> bool:
    """Registers parfor's controller with threadpoolctl; False when threadpoolctl (>= 3.2, with
    ``register``) is not installed.

    >>> register()
    True
    """
    try:
        from threadpoolctl import register as threadpoolctl_register
    except ImportError:
        return False
    controller = _controller_class()
    if controller is None:
        return False
    threadpoolctl_register(controller)
    return True
