"""CPU time and resident memory of a server process and its workers, read from /proc."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
PROC = Path("/proc")


def descendants(pid: int) -> list[int]:
    """`pid` and every live process below it (uvicorn's workers)."""
    children: dict[int, list[int]] = {}
    for entry in PROC.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(children.get(current, []))
    return found


def cpu_seconds(pid: int) -> float:
    """User + system CPU of `pid` and its descendants."""
    total = 0
    for each in descendants(pid):
        try:
            fields = (PROC / str(each) / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / CLOCK_TICKS


def wait_until_idle(pid: int, window: float = 0.5, busy: float = 0.05, limit: float = 60) -> None:
    """Return once `pid` uses less than `busy` of a core over `window` seconds.

    wrk stops with requests still in flight, and the server finishes them after it
    has gone: a slow workload's leftovers must not be billed to the next one.
    """
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        before = cpu_seconds(pid)
        time.sleep(window)
        if cpu_seconds(pid) - before < busy * window:
            return


def rss_bytes(pid: int) -> int:
    total = 0
    for each in descendants(pid):
        try:
            status = (PROC / str(each) / "status").read_text()
        except OSError:
            continue
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1]) * 1024
    return total


class PeakRss:
    """Samples the tree's resident memory every 100 ms while in use; `.peak` is the max."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def __enter__(self) -> PeakRss:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()

    def _sample(self) -> None:
        while True:
            self.peak = max(self.peak, rss_bytes(self.pid))
            if self._stop.wait(0.1):
                return
