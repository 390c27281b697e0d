"""Warm render time of the joint inspection letter and of a batch of 100 (issue 5), against bare WeasyPrint
rendering the same HTML with the same fonts in the same run (no glyph check, no QR generation, no fetcher).

Usage: python bench/letter_render.py [--runs 7] [--batch 100]
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

from weasyprint import HTML

from services.letters.adapters import pdf

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the tests' sample letter, one definition
from tests.unit.test_letter_pdf import a_letter  # noqa: E402


def median_seconds(func, runs: int) -> float:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        func()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--batch", type=int, default=100)
    args = parser.parse_args()
    letter = dict(a_letter(), kind="joint_letter")
    letters = [dict(letter, number=f"青环西联函〔2026〕{n + 1}号") for n in range(args.batch)]
    html_one, html_batch = pdf.documents_html([letter]), pdf.documents_html(letters)
    fonts = pdf.font_config()

    def bare(html):
        return HTML(string=html, base_url=pdf.ASSET_BASE, url_fetcher=pdf.ProjectAssetFetcher()).write_pdf(
            font_config=fonts)

    pdf.render_joint_letter(letter)  # warm: fonts, cmaps, templates
    bare(html_one)
    ours = median_seconds(lambda: pdf.render_joint_letter(letter), args.runs)
    raw = median_seconds(lambda: bare(html_one), args.runs)
    ours_batch = median_seconds(lambda: pdf.render_joint_letters(letters), max(1, args.runs // 3))
    raw_batch = median_seconds(lambda: bare(html_batch), max(1, args.runs // 3))
    print(f"one letter : ours {ours:.3f} s   bare WeasyPrint {raw:.3f} s   ratio {ours / raw:.2f}")
    print(f"batch {args.batch:<4d}: ours {ours_batch:.2f} s ({ours_batch / args.batch:.3f} s/letter)   "
          f"bare {raw_batch:.2f} s   ratio {ours_batch / raw_batch:.2f}")


if __name__ == "__main__":
    main()
