"""The inspector library as an Excel file (openpyxl): export, and parsing an upload into rows, each with its
problems in Chinese, before anything is written."""
from __future__ import annotations

import io
from datetime import date, datetime

from openpyxl import Workbook

from shared.text import labelled, normalise
from shared.xlsx import append_row, read_sheet

from ..domain.verifiable import POOL_ID_REFUSED, valid_pool_id

COLUMNS = ("人员编号", "姓名", "中队", "执法证号", "发证机关", "证件有效期至", "在编", "在岗", "辖区", "专业领域",
           "联系电话")
YES, NO = ("是", "Y", "y", "1", "TRUE", "true"), ("否", "N", "n", "0", "FALSE", "false")


def export(inspectors) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "执法人员库"
    append_row(sheet, COLUMNS)
    for i in inspectors:
        append_row(sheet, [i.id, i.name, i.unit, i.certificate_no, i.certificate_issuer, i.certificate_expiry,
                           "是" if i.established else "否", "是" if i.on_duty else "否", i.jurisdiction,
                           "、".join(i.expertise or []), i.phone])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def parse(data: bytes) -> list[dict]:
    """One entry per row: {"row": n, "values": {...}} or {"row": n, "problems": [...]} (Chinese)."""
    sheet = read_sheet(data)
    header = [str(c).strip() if c is not None else "" for c in next(sheet.iter_rows(max_row=1, values_only=True), ())]
    missing = [c for c in COLUMNS[:6] if c not in header]
    if missing:
        return [{"row": 1, "problems": [f"缺少列：{'、'.join(missing)}"]}]
    entries, seen = [], {}
    for number, cells in enumerate(sheet.iter_rows(min_row=2, values_only=True), start=2):
        if not any(cells):
            continue
        raw = dict(zip(header, cells))
        values, problems = _row(raw)
        certificate = values.get("certificate_no")
        if certificate in seen:
            problems.append(f"执法证号与第 {seen[certificate]} 行重复")
        seen.setdefault(certificate, number)
        entries.append({"row": number, "problems": problems} if problems else {"row": number, "values": values})
    return entries


def _row(raw: dict) -> tuple[dict, list[str]]:
    problems, text = [], (lambda key: normalise(str(raw.get(key) or "").strip()))
    problems.extend(filter(None, (labelled(column, text(column)) for column in COLUMNS)))  # no control characters
    for column in ("人员编号", "姓名", "中队", "执法证号"):
        if not text(column):
            problems.append(f"{column}不能为空")
    if text("人员编号") and not valid_pool_id(text("人员编号")):  # issue 13: ids stand in published pools
        problems.append(f"人员编号不符合要求：{POOL_ID_REFUSED}")
    expiry = raw.get("证件有效期至")
    if isinstance(expiry, datetime):
        expiry = expiry.date()
    elif not isinstance(expiry, date):
        try:
            expiry = date.fromisoformat(text("证件有效期至"))
        except ValueError:
            problems.append("证件有效期至应为日期（如 2028-06-30）")
            expiry = None
    flags = {}
    for column, key in (("在编", "established"), ("在岗", "on_duty")):
        value = text(column) or "是"
        if value not in YES + NO:
            problems.append(f"{column}应填写“是”或“否”")
        flags[key] = value in YES
    values = {"id": text("人员编号"), "name": text("姓名"), "unit": text("中队"), "certificate_no": text("执法证号"),
              "certificate_issuer": text("发证机关"), "certificate_expiry": expiry, **flags,
              "jurisdiction": text("辖区") or "370211", "phone": text("联系电话"),
              "expertise": [e for e in text("专业领域").replace(",", "、").split("、") if e]}
    return values, problems
