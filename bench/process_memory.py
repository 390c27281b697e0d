"""Peak memory of a set of processes and all their descendants (P7): every process's own high-water mark
(`VmHWM` in /proc/<pid>/status) read while it lives — a render process may exit before the run ends — and the
resident size (`VmRSS`) sampled periodically, per process and summed per tree."""
from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path


def _status_kb(pid: int) -> dict[str, int]:
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return {}
    values = {}
    for line in text.splitlines():
        key, _, rest = line.partition(":")
        if key in ("VmHWM", "VmRSS"):
            values[key] = int(rest.split()[0])
    return values


def status_mb(pid: int, key: str) -> int:
    """One of VmHWM / VmRSS of a process in MB (0 once it has exited)."""
    return _status_kb(pid).get(key, 0) // 1024


def _children(pid: int) -> list[int]:
    found = []
    try:
        tasks = list(Path(f"/proc/{pid}/task").iterdir())
    except OSError:
        return found
    for task in tasks:
        try:
            found += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            continue
    return found


def descendants(pid: int) -> list[int]:
    seen, stack = [], _children(pid)
    while stack:
        child = stack.pop()
        if child not in seen:
            seen.append(child)
            stack += _children(child)
    return seen


def _command(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")[:120]
    except OSError:
        return "?"


@dataclass
class ProcessPeak:
    tree: str  # the started process it belongs to, e.g. "letters-worker"
    pid: int
    child: bool
    command: str
    hwm_kb: int = 0
    rss_kb: int = 0  # highest sampled VmRSS


@dataclass
class MemorySampler:
    """`roots` maps a label to a started process's pid; `start()` samples every `interval` seconds until `stop()`."""
    roots: dict[str, int]
    interval: float = 0.5
    peaks: dict[int, ProcessPeak] = field(default_factory=dict)
    tree_rss_kb: dict[str, int] = field(default_factory=dict)  # highest sampled sum of a tree's VmRSS
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def sample(self) -> None:
        for label, root in self.roots.items():
            total = 0
            for pid in [root, *descendants(root)]:
                status = _status_kb(pid)
                if not status:
                    continue
                peak = self.peaks.get(pid)
                if peak is None:
                    peak = self.peaks[pid] = ProcessPeak(label, pid, pid != root, _command(pid))
                peak.hwm_kb = max(peak.hwm_kb, status.get("VmHWM", 0))
                peak.rss_kb = max(peak.rss_kb, status.get("VmRSS", 0))
                total += status.get("VmRSS", 0)
            self.tree_rss_kb[label] = max(self.tree_rss_kb.get(label, 0), total)

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.sample()

    def start(self) -> None:
        self.sample()
        self._thread = threading.Thread(target=self._run, name="memory-sampler", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
        self.sample()  # the last high-water marks of everything still alive

    def report(self) -> list[str]:
        """One line per started process: its own peak, its children's highest peak and count, the tree's peak sum."""
        lines = []
        for label in self.roots:
            own = [p for p in self.peaks.values() if p.tree == label and not p.child]
            kids = [p for p in self.peaks.values() if p.tree == label and p.child]
            main = max((p.hwm_kb for p in own), default=0)
            child = max((max(p.hwm_kb, p.rss_kb) for p in kids), default=0)
            line = f"  {label:<16} own VmHWM {main / 1024:7.1f} MB"
            if kids:
                line += f"   children: {len(kids):3d} seen, highest VmHWM {child / 1024:7.1f} MB"
            line += f"   tree VmRSS peak (sampled) {self.tree_rss_kb.get(label, 0) / 1024:7.1f} MB"
            lines.append(line)
        return lines
