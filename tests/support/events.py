"""Event bodies as other services send them, for tests that feed one service by hand."""
from __future__ import annotations


def assigned_payload(inspection_id: str) -> dict:
    item = {"code": "STHJ-01", "department": "STHJ", "name": "污染源日常环境监管", "basis": "《环境保护法》",
            "method": "现场", "key_points": "", "target": "", "class": "一般"}
    inspection = {"inspection_id": inspection_id, "plan": {"id": "p", "number": "〔2026〕1号", "name": "计划",
                                                           "module": "部门联合"},
                  "company": {"uscc": "914403001922038216", "name": "青岛测试化工有限公司", "address": "长江路1号"},
                  "window": {"start": "2026-12-01", "end": "2026-12-05"}, "lead_department": "STHJ",
                  "departments": [{"code": "STHJ", "name": "青岛市生态环境局西海岸新区分局", "lead": True,
                                   "task_ids": [], "items": [item]}]}
    return {"inspection_id": inspection_id, "draw_id": "d", "inspection": inspection, "inspectors": [
        {"id": f"INS-00{n}", "name": name, "certificate_no": f"3702{n}", "department": "STHJ",
         "department_name": "青岛市生态环境局西海岸新区分局", "unit": "第一中队"}
        for n, name in ((1, "王建国"), (2, "李海燕"))]}
