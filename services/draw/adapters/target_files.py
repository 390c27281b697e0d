"""A province library file (xlsx, header row with COLUMNS) read into rows, with the Chinese problems of the rows
that fail (S4)."""
from __future__ import annotations

from shared.text import labelled, normalise
from shared.uscc import validation_error
from shared.xlsx import read_sheet

from ..domain.rules import UNIT_CLASSES

COLUMNS = ("统一社会信用代码", "单位名称", "地址", "监管类别", "信用等级")


def read_rows(data: bytes) -> tuple[list[dict], list[str]]:
    sheet = read_sheet(data)
    rows, problems = [], []
    for number, values in enumerate(sheet.iter_rows(min_row=2, values_only=True), start=2):
        if not any(values):
            continue
        cells = [normalise(str(v).strip()) if v is not None else "" for v in values[:5]]
        uscc, name, address, unit_class, credit = cells + [""] * (5 - len(cells))
        wrong_class = "" if unit_class in UNIT_CLASSES else f"监管类别应为{'/'.join(UNIT_CLASSES)}"
        unsafe = next(filter(None, (labelled(column, cell) for column, cell in zip(COLUMNS, cells))), "")
        error = unsafe or validation_error(uscc) or wrong_class
        if error or not name:
            problems.append(f"第 {number} 行：{error or '单位名称不能为空'}")
            continue
        rows.append({"uscc": uscc, "name": name, "address": address, "unit_class": unit_class,
                     "credit_class": credit, "active": True})
    return rows, problems
