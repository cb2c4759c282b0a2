"""Peak memory of a process tree: the pipeline's launcher plus its worker processes."""
from __future__ import annotations

import threading

import psutil


class PeakRss:
    """Samples the summed RSS of a process and all its descendants every ``interval``
    seconds until ``stop()``, which returns the peak in bytes."""

    def __init__(self, pid: int, interval: float = 0.1):
        self._root, self._interval, self.peak = psutil.Process(pid), interval, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self):
        while not self._stop.is_set():
            try:
                procs = [self._root] + self._root.children(recursive=True)
            except psutil.Error:
                return
            total = 0
            for proc in procs:
                try:
                    total += proc.memory_info().rss
                except psutil.Error:
                    pass
            self.peak = max(self.peak, total)
            self._stop.wait(self._interval)

    def stop(self) -> int:
        self._stop.set()
        self._thread.join()
        return self.peak
