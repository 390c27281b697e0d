"""The draw's pure rules (issue 4): RFC 3797's statistical and prefix properties, eligibility with reasons (N2,
N3, S6), the S6 quotas and the S5 filing deadlines. No database, no Flask."""
from __future__ import annotations

import itertools
from datetime import date

import pytest

from services.draw.domain.eligibility import Candidate, Period, Visit, exclusion_reason, split_pool
from services.draw.domain.verifiable import make_verifiable_draw
from shared import rfc3797

pytestmark = pytest.mark.unit

# --- RFC 3797 -------------------------------------------------------------------------------------------------


def test_the_mapping_step_is_exactly_uniform_by_enumeration():
    """Every sequence of reduced values maps to a distinct ordering: each of the 5! orderings exactly once."""
    pool = list("ABCDE")
    orderings = [tuple(rfc3797.picks(pool, list(values)))
                 for values in itertools.product(range(5), range(4), range(3), range(2), range(1))]
    assert len(orderings) == 120 and len(set(orderings)) == 120


def test_the_selection_is_uniform_by_a_deterministic_chi_square():
    """Over 6,000 fixed keys, the first pick from a pool of 6 spreads evenly (chi-square, 5 d.f., p > 0.001)."""
    pool = [f"P{i}" for i in range(6)]
    counts = {member: 0 for member in pool}
    for seed in range(6000):
        counts[rfc3797.select(pool, 1, rfc3797.make_key([[seed]]))[0]] += 1
    expected = 1000
    chi_square = sum((c - expected) ** 2 / expected for c in counts.values())
    assert chi_square < 20.52, counts


def test_selecting_more_keeps_the_earlier_picks_the_prefix_property():
    key = rfc3797.make_key([[123456789], [7, 3]])
    pool = [f"INS-{i:03d}" for i in range(40)]
    longest = rfc3797.select(pool, 10, key)
    for n in range(1, 10):
        assert rfc3797.select(pool, n, key) == longest[:n]


def test_an_excluded_pick_is_skipped_by_taking_the_next_one_as_rfc_3797_describes():
    """RFC 3797 §5: if a selected person cannot serve, the next selected one in sequence takes the place."""
    key = rfc3797.make_key([[42]])
    pool = [f"P{i}" for i in range(10)]
    first_three = rfc3797.select(pool, 3, key)
    team = [p for p in first_three if p != first_three[0]]
    assert team == first_three[1:3]


def test_the_verifiable_draw_puts_the_committed_seed_first_and_anyone_can_recompute_it():
    drawn = make_verifiable_draw(["A", "B", "C", "D"], 2, 987654321, [[3, 17]], "sha256")
    record = {"algorithm": drawn.algorithm, "sources": drawn.sources, "key": drawn.key, "pool": drawn.pool,
              "pool_hash": drawn.pool_hash, "count": drawn.count, "selected": drawn.selected}
    assert drawn.sources == [[987654321], [3, 17]] and drawn.key == "987654321./3.17./"
    assert rfc3797.verify(record) == (True, [])


# --- eligibility --------------------------------------------------------------------------------------------

VISIT = Visit(company_uscc="914403001922038216", start=date(2026, 12, 1), end=date(2026, 12, 5),
              jurisdiction="370211", max_load=2)


def a_candidate(**changes) -> Candidate:
    values = dict(id="INS-001", on_duty=True, certificate_no="370211001", certificate_expiry=date(2028, 1, 1),
                  jurisdiction="370211")
    values.update(changes)
    return Candidate(**values)


@pytest.mark.parametrize("changes, words", [
    ({"certificate_expiry": date(2026, 12, 3)}, "执法证有效期至 2026-12-03"),
    ({"periods": (Period("休假", date(2026, 11, 30), date(2026, 12, 1)),)}, "休假（2026-11-30 至 2026-12-01）"),
    ({"conflicts": frozenset({"914403001922038216"})}, "回避"),
    ({"jurisdiction": "370202"}, "不属于本辖区"),
    ({"on_duty": False}, "不在岗"),
    ({"certificate_no": None}, "无执法证"),
    ({"load": 2}, "达到上限"),
])
def test_each_ineligibility_is_excluded_with_its_reason(changes, words):
    assert words in exclusion_reason(a_candidate(**changes), VISIT)


def test_without_a_load_cap_an_officer_on_many_overlapping_visits_stays_eligible():
    """Issue #11: windows of weeks overlap; the default (0) has no cap, so a real quarter is never stranded."""
    from dataclasses import replace

    from services.draw.domain.policy import DrawPolicy
    assert DrawPolicy().max_load == 0
    assert exclusion_reason(a_candidate(load=300), replace(VISIT, max_load=0)) is None


def test_a_partner_departments_visit_has_no_district_rule():
    """S6 binds the sub-bureau's own officers to its district, not a partner department's."""
    from dataclasses import replace
    assert exclusion_reason(a_candidate(jurisdiction="370200"), replace(VISIT, jurisdiction=None)) is None


def test_a_period_that_does_not_touch_the_visit_does_not_exclude():
    sick = Period("病假", date(2026, 11, 1), date(2026, 11, 30))
    assert exclusion_reason(a_candidate(periods=(sick,)), VISIT) is None


def test_the_pool_is_sorted_by_id_and_exclusions_are_listed():
    pool, excluded = split_pool([a_candidate(id="B"), a_candidate(id="A"), a_candidate(id="C", on_duty=False)], VISIT)
    assert pool == ["A", "B"] and excluded == [{"id": "C", "reason": "不在岗"}]


# --- quotas (S6, N6) and filing deadlines (S5) ----------------------------------------------------------------

def test_s6_quotas_from_a_known_fixture():
    """Key units: 25 % per quarter, rounded up; general units: 5 × on-duty officers per year, a quarter of it."""
    from services.draw.domain.quota import QuotaRule, quota, source_document_rules
    key_rule, general_rule = source_document_rules()
    assert quota(key_rule, 37, on_duty_officers=18) == 10        # 9.25 → 10
    assert quota(key_rule, 40, on_duty_officers=18) == 10        # exactly 25 %
    assert quota(general_rule, 400, on_duty_officers=18) == 23   # 5 × 18 / 4 = 22.5 → 23
    assert quota(QuotaRule("一般", "per_officer", 5, period="year"), 400, 18) == 90
    assert quota(general_rule, 12, on_duty_officers=18) == 12    # never more than the stratum holds
    assert quota(QuotaRule("一般", "once_a_year"), 30, 18) == 8     # 7.5 → 8
    assert quota(QuotaRule("重点", "percent", 25, rounding="floor"), 37, 18) == 9
    with pytest.raises(ValueError):
        QuotaRule("一般", "lottery")


def test_s5_filing_deadlines():
    from services.draw.domain.filing import changes_due_on, headcount_due_on, quarter_bounds
    assert quarter_bounds("2026Q4") == (date(2026, 10, 1), date(2026, 12, 31))
    assert quarter_bounds("2026Q1") == (date(2026, 1, 1), date(2026, 3, 31))
    assert changes_due_on("2026Q4") == date(2027, 1, 15)
    assert changes_due_on("2026Q2") == date(2026, 7, 15)
    assert headcount_due_on(2027) == date(2027, 1, 15)


def test_the_draw_policy_takes_every_figure_from_the_settings():
    from services.draw.domain.policy import DrawPolicy
    from shared.config import load_settings
    settings = load_settings("draw", {"DRAW_TEAM_SIZE": "3", "DRAW_ALGORITHM": "md5", "DRAW_DEPARTMENT": "XX",
                                      "DRAW_JURISDICTION": "370100", "DRAW_MAX_LOAD": "9",
                                      "DRAW_RECUSAL_DECISION_DAYS": "4"})
    assert DrawPolicy.from_settings(settings) == DrawPolicy(department="XX", team_size=3, algorithm="md5",
                                                            jurisdiction="370100", max_load=9,
                                                            recusal_decision_days=4)
