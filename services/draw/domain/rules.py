"""The draw's named constants (S4, S7, S13): what the libraries, replacement reasons and the comprehensive
module are called. Pure: no I/O."""
from __future__ import annotations

# S4: the local random-inspection library (maintained here) and the province's read-only libraries
LOCAL_LIBRARY = "随机抽查库"
PROVINCE_LIBRARIES = ("排污许可库", "应急减排库")
LIBRARIES = (LOCAL_LIBRARY, *PROVINCE_LIBRARIES)
UNIT_CLASSES = ("重点", "一般", "特殊")

# S13: the only reasons a drawn inspector may be replaced
REPLACEMENT_REASONS = ("岗位调整", "工作冲突", "健康状况", "执法回避")

# S2/S7: comprehensive enforcement matches inspectors directly; the visit waits with this reason until then
COMPREHENSIVE_MODULE = "综合执法"
WAITING_FOR_MATCHING = "综合执法模块：执法人员由支队直接匹配，待综合科匹配"

PURPOSE_INSPECTORS = "inspectors"
SUBJECT_INSPECTION = "inspection"
SUBJECT_TARGET_DRAW = "target_draw"
SYSTEM_OPERATOR = "system:draw"


def is_comprehensive(inspection: dict) -> bool:
    return inspection.get("plan", {}).get("module") == COMPREHENSIVE_MODULE
