"""Result categories (domain.md): visit-level categories and per-item outcomes."""
VISIT_CATEGORIES = (
    "未发现问题", "发现问题经责令已改正", "发现问题待后续处理", "未发现开展本次抽查涉及的经营活动",
    "已关闭停业或正在组织清算", "不配合检查情节严重", "注销", "被吊销", "被撤销", "迁出",
)
ITEM_OUTCOMES = ("未发现问题", "发现问题", "不涉及")
FOLLOW_UPS = ("无需后续处置", "反馈日常监管部门", "责令改正", "发现案件线索移送办案机构",
              "违反其他部门规定抄告相关部门", "其他")
CHECK_METHODS = ("实地检查", "书面检查", "行政部门检查结果或专业意见", "检验检测", "网络监测", "委托专业机构辅助")


def missing_and_unknown(expected: list[str], given: list[str]) -> tuple[list[str], list[str], list[str]]:
    """Every item of every department is answered exactly once (S12: one visit covers all)."""
    missing = [code for code in expected if code not in given]
    unknown = [code for code in given if code not in expected]
    repeated = sorted({code for code in given if given.count(code) > 1})
    return missing, unknown, repeated
