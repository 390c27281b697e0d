"""GB/T 9704-2012 geometry of every document of the set, read back from the PDF with pdfplumber (issue 5):
text stays inside the 版心 (28 mm from the left, 37 mm from the top, 156 × 225 mm), page numbers "— N —" sit
7 mm under it on the outer side by their number (odd right, even left, one character in), the body is 3号 on a
28.95 pt line pitch (22 lines) with at most 28 characters a line, and the letter's masthead is the only text
above the 版心 (letter format §10.1: its top edge 30 mm from the page edge)."""
from __future__ import annotations

import collections
import io
import re
import statistics

import pdfplumber
import pytest

from services.letters.adapters import pdf
from services.letters.domain.documents import SET
from tests.support.letters import a_set

pytestmark = pytest.mark.unit

MM = 72 / 25.4
LEFT, TOP, WIDTH, HEIGHT = 28 * MM, 37 * MM, 156 * MM, 225 * MM
RIGHT, BOTTOM = LEFT + WIDTH, TOP + HEIGHT
SLACK = 0.5 * MM  # glyph boxes of the last character on a line may reach a fraction of a millimetre further
MASTHEADED = ("joint_letter", "notice")  # the documents the bureau issues under its 版头
PAGE_NUMBER = re.compile(r"^— (\d+) —$")
CHAR_14PT = 14  # one 4号 character, in points


@pytest.fixture(scope="module")
def pages() -> list[tuple[str, int, list[dict]]]:
    """(document kind, page number inside that document, chars) for the whole set rendered as one PDF."""
    documents = a_set()
    documents[0]["departments"][1]["items"] *= 4  # a longer letter: three pages, so both page-number sides show
    data = pdf.render_documents(documents)
    out, kinds = [], iter(d["kind"] for d in documents)
    with pdfplumber.open(io.BytesIO(data)) as parsed:
        for page in parsed.pages:
            chars = page.chars
            number = _page_number(chars)
            kind = next(kinds) if number is None else out[-1][0]
            out.append((kind, number or 1, chars))
    return out


def _page_number(chars: list[dict]) -> int | None:
    footer = "".join(c["text"] for c in chars if c["top"] > BOTTOM)
    match = PAGE_NUMBER.match(footer)
    return int(match.group(1)) if match else None


def _footer(chars):
    return [c for c in chars if c["top"] > BOTTOM]


def test_every_document_of_the_set_is_in_the_pdf_with_more_than_one_page_somewhere(pages):
    assert [kind for kind, number, _ in pages if number == 1] == [kind for kind, _ in SET]
    assert max(number for _, number, _ in pages) >= 3


def test_all_text_but_the_masthead_and_page_numbers_stays_inside_the_type_area(pages):
    for kind, number, chars in pages:
        body = [c for c in chars if c["top"] <= BOTTOM]
        masthead = [c for c in body if c["top"] < TOP - SLACK]
        if masthead:
            assert kind in MASTHEADED and number == 1, (kind, number, "".join(c["text"] for c in masthead))
            assert all(30 * MM <= c["top"] and c["bottom"] < TOP + 8 * MM for c in masthead)
        for c in body:
            assert LEFT - SLACK <= c["x0"] and c["x1"] <= RIGHT + SLACK, (kind, number, c["text"], c["x0"] / MM)
            assert c["bottom"] <= BOTTOM + SLACK, (kind, number, c["text"], c["bottom"] / MM)


def test_first_pages_carry_no_number_and_the_others_sit_on_the_outer_side_by_their_number(pages):
    for kind, number, chars in pages:
        footer = _footer(chars)
        if number == 1:
            assert footer == [], kind
            continue
        assert all(abs(c["size"] - CHAR_14PT) < 0.1 for c in footer)
        dash_middle = statistics.mean((c["top"] + c["bottom"]) / 2 for c in footer if c["text"] == "—")
        assert abs(dash_middle - (BOTTOM + 7 * MM)) < 1 * MM, (kind, number, dash_middle / MM)
        if number % 2:  # odd: right, one character in from the 版心's right edge
            assert abs(footer[-1]["x1"] - (RIGHT - CHAR_14PT)) < 1 * MM, (kind, number, footer[-1]["x1"] / MM)
        else:
            assert abs(footer[0]["x0"] - (LEFT + CHAR_14PT)) < 1 * MM, (kind, number, footer[0]["x0"] / MM)


def test_the_body_is_3hao_on_22_lines_of_at_most_28_characters(pages):
    lines = collections.defaultdict(list)
    for kind, number, chars in pages:
        if kind != "joint_letter":
            continue
        for c in chars:
            if abs(c["size"] - 16) < 0.1:
                lines[(number, round(c["bottom"], 1))].append(c)
    wide = [sum(1 for c in line if _full_width(c["text"])) for line in lines.values()]
    assert max(wide) == 28, wide  # full lines of Chinese text hold exactly 28 characters
    baselines = sorted(lines)
    pitches = [round(b[1] - a[1], 1) for a, b in zip(baselines, baselines[1:]) if a[0] == b[0]]
    pitch = statistics.mode(pitches)
    assert abs(pitch - 28.95) < 0.15 and int(HEIGHT // pitch) == 22, pitches


def _full_width(ch: str) -> bool:
    import unicodedata
    return unicodedata.east_asian_width(ch) in ("W", "F")
