"""Warm render time of the joint inspection letter and of a batch of 100 (issue 5), against bare WeasyPrint
rendering the same HTML with the same fonts in the same run (no glyph check, no QR generation; the same asset
fetcher, which the stylesheet needs).

Usage: python bench/letter_render.py [--runs 7] [--batch 100]
"""
from __future__ import annotations

import argparse

from support import median_seconds  # also puts the repository root on the path, for the tests' sample letter
from weasyprint import HTML

from services.letters.adapters import pdf
from shared.pdf import font_config
from tests.unit.test_letter_pdf import a_letter


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--batch", type=int, default=100)
    args = parser.parse_args()
    letter = dict(a_letter(), kind="joint_letter")
    letters = [dict(letter, number=f"青环西联函〔2026〕{n + 1}号") for n in range(args.batch)]
    html_one, html_batch = pdf.documents_html([letter]), pdf.documents_html(letters)
    fonts = font_config()

    def bare(html):
        return HTML(string=html, url_fetcher=pdf.ProjectAssetFetcher()).write_pdf(
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
