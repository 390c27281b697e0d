"""Pre-subset letter fonts: the GB2312 repertoire cut out of the installed Noto CJK / AR PL UKai faces, once.

Why (issue 5, design §9): WeasyPrint subsets every font a PDF uses, on every render. Cutting that from a 20–27 MB
Noto CJK collection costs about half of a warm letter (0.25 s → 0.13 s measured here for our three-page letter).
So `build()` writes small copies holding GB2312 (the 7,000 characters nearly every letter uses) plus the
punctuation blocks to ``var/fonts/``, and the stylesheet names them first (`@font-face`, served from memory by
the asset fetcher). The full system fonts stay behind them in every font stack, so a name character outside
GB2312 (堃 喆 珺 玥 赟 昇 …) still prints — from the full font — and the glyph check still reads the full fonts.

Without the built copies letters are identical, only slower: nothing depends on them for correctness.
Rebuilt automatically when the installed source font changes (the manifest records its size and mtime).
The folder is `settings.letter_font_dir` (LETTER_FONT_DIR), passed in by whoever builds or reads the copies.
"""
from __future__ import annotations

import json
import logging
import multiprocessing
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

from shared.config import PROJECT_ROOT

log = logging.getLogger(__name__)

DEFAULT_FONT_DIR = PROJECT_ROOT / "var" / "fonts"  # Settings.letter_font_dir's default
MANIFEST = "manifest.json"
# Unicode blocks kept besides GB2312: general punctuation (— U+2014, … U+2026; Python's gb2312 codec maps A1AA
# to U+2015), CJK symbols and punctuation (〔〕、。), fullwidth forms (，：；（）), Latin-1 (·, ×).
EXTRA_RANGES = ((0x20, 0x7E), (0xA0, 0xFF), (0x2000, 0x206F), (0x3000, 0x303F), (0xFF00, 0xFFEF))


@dataclass(frozen=True)
class Face:
    family: str          # the @font-face family letter.css names first
    weight: int
    source_family: str   # the installed family it is cut from (fc-list)
    source_style: str
    file: str            # under the font folder (settings.letter_font_dir)

    @property
    def url(self) -> str:
        return f"jiasset:/fonts/{self.file}"


FACES = (
    Face("JI Serif", 400, "Noto Serif CJK SC", "Regular", "ji-serif-regular.otf"),
    Face("JI Serif", 700, "Noto Serif CJK SC", "Bold", "ji-serif-bold.otf"),
    Face("JI Sans", 400, "Noto Sans CJK SC", "Regular", "ji-sans-regular.otf"),
    Face("JI Kai", 400, "AR PL UKai CN", "Book", "ji-kai.ttf"),
)


def repertoire() -> set[int]:
    """GB2312 (both levels, every symbol row) plus EXTRA_RANGES."""
    code_points = {cp for start, end in EXTRA_RANGES for cp in range(start, end + 1)}
    for high in range(0xA1, 0xF8):
        for low in range(0xA1, 0xFF):
            try:
                code_points.update(map(ord, bytes((high, low)).decode("gb2312")))
            except UnicodeDecodeError:
                continue
    return code_points


def source_of(face: Face) -> tuple[Path, int] | None:
    """(file, index) of the installed face, or None when the Debian font package is missing."""
    listing = subprocess.run(["fc-list", "-f", "%{file}|%{index}\n",
                              f":family={face.source_family}:style={face.source_style}"],
                             capture_output=True, text=True, check=True).stdout.split()
    if not listing:
        return None
    path, index = sorted(listing)[0].rsplit("|", 1)
    return Path(path), int(index)


def _stamp(path: Path, index: int) -> dict:
    stat = path.stat()
    return {"source": str(path), "index": index, "size": stat.st_size, "mtime": int(stat.st_mtime)}


def _manifest(folder: Path) -> dict:
    try:
        return json.loads((folder / MANIFEST).read_text())
    except (OSError, ValueError):
        return {}


def build(folder: Path = DEFAULT_FONT_DIR) -> list[str]:
    """Cut every face whose copy is missing or whose source changed, in parallel; return the files written.
    About 30 s a Noto face the first time (fontTools on 65,000-glyph CFF fonts), nothing afterwards."""
    from concurrent.futures import ProcessPoolExecutor
    folder.mkdir(parents=True, exist_ok=True)
    manifest, todo = _manifest(folder), []
    for face in FACES:
        source = source_of(face)
        if source is None:
            log.warning("font %s %s not installed: letters use the system font stack", face.source_family,
                        face.source_style)
        elif manifest.get(face.file) != _stamp(*source) or not (folder / face.file).is_file():
            todo.append((face, source))
    if not todo:
        return []
    # spawn, not fork: the caller may be a threaded server or test run, and forking threads can deadlock
    with ProcessPoolExecutor(min(len(todo), os.cpu_count() or 1), mp_context=multiprocessing.get_context("spawn")
                             ) as pool:
        list(pool.map(_cut, [(face.file, source, folder) for face, source in todo]))  # re-raises a failure
    for face, source in todo:
        manifest[face.file] = _stamp(*source)
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=1))
    return [face.file for face, _ in todo]


def _cut(job: tuple[str, tuple[Path, int], Path]) -> None:
    """One face: subset to the repertoire and write it under a temporary name, then rename (never a half font)."""
    from fontTools import subset
    from fontTools.ttLib import TTFont
    file, (path, index), folder = job
    options = subset.Options()
    options.layout_features, options.name_IDs, options.name_languages = ["*"], ["*"], ["*"]
    options.notdef_outline, options.hinting = True, False
    options.drop_tables = [*options.drop_tables, "FFTM"]
    with TTFont(path, fontNumber=index) as font:
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=repertoire())
        subsetter.subset(font)
        partial = folder / f".{file}.part"
        font.save(partial)
    partial.replace(folder / file)


def built_faces(folder: Path = DEFAULT_FONT_DIR) -> list[Face]:
    """The faces whose copies exist and still match their installed source (a stale copy is left out: it
    could lack glyphs the new source has, and the full font behind it prints them anyway)."""
    manifest, faces = _manifest(folder), []
    for face in FACES:
        source = source_of(face)
        if source and (folder / face.file).is_file() and manifest.get(face.file) == _stamp(*source):
            faces.append(face)
    return faces


def font_face_css(faces: list[Face]) -> str:
    return "\n".join(f'@font-face {{ font-family: "{f.family}"; font-weight: {f.weight}; src: url("{f.url}"); }}'
                     for f in faces)
