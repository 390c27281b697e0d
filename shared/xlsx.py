"""Writing a row into an xlsx sheet (openpyxl) so that text stays text and no stored value fails the export.

Why: an officer named `=HYPERLINK(…)` was written as a formula (openpyxl turns a string starting with "=" into
one), and Excel, LibreOffice or a CSV made from the sheet evaluate cells starting with + - @ too (formula
injection). And a `\\x0b` in a name made the inspector export answer 500: openpyxl refuses characters XML 1.0
cannot hold. Every xlsx writer appends its rows through `append_row`.
"""
from __future__ import annotations

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from .text import strip_unsafe

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")


def cell_value(value):
    """Text without what XML cannot hold or what would reorder it; other values as they are."""
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", strip_unsafe(value))
    return value


def append_row(sheet, values) -> None:
    """`sheet.append`, with every text that a spreadsheet could read as a formula kept as text: a string cell
    marked with Excel's quote prefix (what typing ' before it does), the value itself unchanged."""
    sheet.append([cell_value(value) for value in values])
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str) and cell.value.startswith(FORMULA_STARTS):
            cell.data_type = "s"
            cell.quotePrefix = True


def read_sheet(data: bytes):
    """The first sheet of an uploaded xlsx, or `Invalid` in Chinese: a file that is not a workbook is the sender's
    mistake (422), never a server error (found by the OpenAPI fuzzer)."""
    import io
    import zipfile

    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    from .errors import Invalid
    try:
        return load_workbook(io.BytesIO(data), read_only=True, data_only=True).active
    except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, OSError, TypeError):
        raise Invalid("上传的文件不是有效的 xlsx 工作簿", fields={"file": ["请上传 Excel（.xlsx）文件"]}) from None
