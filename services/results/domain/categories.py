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


def is_problem_category(category: str) -> bool:
    return category.startswith("发现问题")


def derived_category(outcomes: list[str]) -> str:
    """A department's category as its items say it: a problem found → 发现问题待后续处理; nothing but 不涉及 → no
    such activity; otherwise 未发现问题. The default the inspector may change within what agrees."""
    if "发现问题" in outcomes:
        return "发现问题待后续处理"
    if outcomes and all(outcome == "不涉及" for outcome in outcomes):
        return "未发现开展本次抽查涉及的经营活动"
    return "未发现问题"


def disagreement(category: str, outcomes: list[str]) -> str | None:
    """Why `category` cannot be this department's category, or None: a problem found needs a 发现问题… category;
    no problem found never allows one (a department that found nothing is never published as having found)."""
    found = "发现问题" in outcomes
    if found and not is_problem_category(category):
        return f"本部门有事项发现问题，检查结果类别应为“发现问题…”，不能为“{category}”"
    if not found and is_problem_category(category):
        return "本部门没有事项发现问题，检查结果类别不能为“发现问题…”"
    return None
