"""Which code points some font of the letter's stack maps, as a 136 KB bitmap (issue 15, P7).

Reading the Noto CJK cmaps with fontTools raised a process's resident memory by ~77 MB for good (each cmap has
~45,000 entries, and Python does not give the arenas back), in the letters worker, in every render child and in
every web worker. So the cmaps are read once per set of font files, in a short-lived child process, into a
bitmap kept on disk next to the built font copies; every process after that reads 136 KB."""
from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from shared.config import PROJECT_ROOT

PLANES = 0x110000
CACHE_DIR = PROJECT_ROOT / "var" / "cache"


class Coverage:
    def __init__(self, bits: bytes):
        self.bits = bits

    def __contains__(self, code_point: int) -> bool:
        return 0 <= code_point < PLANES and bool(self.bits[code_point >> 3] >> (code_point & 7) & 1)


def _key(faces: list[tuple[str, int]]) -> str:
    digest = hashlib.sha256()
    for path, index in faces:
        stat = os.stat(path)
        digest.update(f"{path}|{index}|{stat.st_size}|{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()[:24]


def load(faces: list[tuple[str, int]], cache_dir: Path = CACHE_DIR) -> Coverage:
    """The faces' coverage from the disk cache, else read by a child process and cached (atomically)."""
    cached = Path(cache_dir) / f"coverage-{_key(faces)}.bin"
    if cached.is_file() and cached.stat().st_size == PLANES // 8:
        return Coverage(cached.read_bytes())
    bits = subprocess.run([sys.executable, "-m", __name__, *(f"{index}|{path}" for path, index in faces)],
                          capture_output=True, check=True, cwd=PROJECT_ROOT).stdout
    if len(bits) != PLANES // 8:
        raise RuntimeError("font coverage: the child process returned no bitmap")
    try:
        cached.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=cached.parent, delete=False) as partial:
            partial.write(bits)
        os.chmod(partial.name, 0o644)
        os.replace(partial.name, cached)
    except OSError:
        pass  # a read-only folder: every process reads the cmaps once (in its child)
    return Coverage(bits)


def _read(faces: list[str]) -> bytes:
    from fontTools.ttLib import TTFont
    bits = bytearray(PLANES // 8)
    for face in faces:
        index, path = face.split("|", 1)
        with TTFont(path, fontNumber=int(index), lazy=True) as font:
            for code_point in font.getBestCmap():
                bits[code_point >> 3] |= 1 << (code_point & 7)
    return bytes(bits)


if __name__ == "__main__":
    sys.stdout.buffer.write(_read(sys.argv[1:]))
