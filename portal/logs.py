"""Logging helpers."""

import logging
import threading
import time


class OncePerInterval(logging.Filter):
    """Let a message through once per ``seconds`` in each process; the next one to pass
    says how many like it were held back meanwhile.

    For failures that repeat on every request while a service is down (the shared cache
    refusing connections): one traceback a minute says as much as a hundred a second, and
    the log stays readable for everything else.
    """

    def __init__(self, seconds=60):
        super().__init__()
        self.seconds = seconds
        self._lock = threading.Lock()
        self._passed = {}
        self._held = {}

    def filter(self, record):
        key = (record.name, record.levelno, str(record.msg))
        now = time.monotonic()
        with self._lock:
            passed = self._passed.get(key)
            if passed is not None and now - passed < self.seconds:
                self._held[key] = self._held.get(key, 0) + 1
                return False
            self._passed[key] = now
            held = self._held.pop(key, 0)
        if held:
            record.msg = f"{record.getMessage()} ({held} more like it not logged)"
            record.args = None
        return True
