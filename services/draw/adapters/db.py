"""draw's own database: the inspector library, accounts, seed commitments and draw records (design §1)."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from shared.db import UTCDateTime, service_database
from shared.department_tokens import department_token_model

Base, messaging = service_database()


class Inspector(Base):
    """执法人员库 (S5)."""
    __tablename__ = "inspector"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    department_code: Mapped[str] = mapped_column(String(20), index=True)
    department_name: Mapped[str] = mapped_column(String(200))
    unit: Mapped[str] = mapped_column(String(100))  # squadron (中队)
    certificate_no: Mapped[str] = mapped_column(String(40), unique=True)
    certificate_issuer: Mapped[str] = mapped_column(String(200), default="")
    certificate_expiry: Mapped[date | None] = mapped_column(Date, nullable=True)
    on_duty: Mapped[bool] = mapped_column(Boolean, default=True)
    established: Mapped[bool] = mapped_column(Boolean, default=True)
    phone: Mapped[str] = mapped_column(String(40), default="")  # private: never in public records
    jurisdiction: Mapped[str] = mapped_column(String(12), default="370211")  # S6: drawn from its own district
    expertise: Mapped[list] = mapped_column(JSON, default=list)
    # "library": registered here and drawn; "named": named by a department that keeps its officers elsewhere
    # (匹配) — recorded so its members can be on the team and the letter, never drawn
    source: Mapped[str] = mapped_column(String(20), default="library", server_default="library")


class StatusPeriod(Base):
    """Leave, sick leave, secondment…: an inspector is not drawn for a visit that overlaps such a period."""
    __tablename__ = "inspector_status_period"
    __table_args__ = (Index("ix_inspector_status_period_dates", "end", "start"),)  # a visit's overlaps (P6)
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    inspector_id: Mapped[str] = mapped_column(ForeignKey("inspector.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # 休假 / 病假 / 借调 / 培训 / 其他
    start: Mapped[date] = mapped_column(Date)
    end: Mapped[date] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")
    recorded_by: Mapped[str] = mapped_column(String(200))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime())


class DeclaredInterest(Base):
    """N3: an interest between an inspector and a company (declared, or decided on a company's application).
    The table keeps its first name (`inspector_conflict`): renaming it would buy nothing but a migration."""
    __tablename__ = "inspector_conflict"
    __table_args__ = (UniqueConstraint("inspector_id", "company_uscc", name="uq_conflict_inspector_company"),)
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    inspector_id: Mapped[str] = mapped_column(ForeignKey("inspector.id"), index=True)
    company_uscc: Mapped[str] = mapped_column(String(18), index=True)
    reason: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(20))  # declared / application
    recorded_by: Mapped[str] = mapped_column(String(200))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime())


class RecusalApplication(Base):
    """N3: a company applies for an inspector's recusal; the head decides (default within 3 days)."""
    __tablename__ = "recusal_application"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    company_uscc: Mapped[str] = mapped_column(String(18), index=True)
    company_name: Mapped[str] = mapped_column(String(300))
    inspector_id: Mapped[str] = mapped_column(ForeignKey("inspector.id"))
    inspection_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    reason: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="pending")  # pending / approved / rejected
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime())
    due_on: Mapped[date] = mapped_column(Date)
    decided_by: Mapped[str | None] = mapped_column(String(200), nullable=True)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    decision_reason: Mapped[str | None] = mapped_column(Text, nullable=True)


class Account(Base):
    """People who log in: clerks, approvers, inspectors. Passwords hashed by werkzeug."""
    __tablename__ = "account"
    username: Mapped[str] = mapped_column(String(60), primary_key=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    display_name: Mapped[str] = mapped_column(String(100))
    department_code: Mapped[str | None] = mapped_column(String(20), nullable=True)
    inspector_id: Mapped[str | None] = mapped_column(String(36), nullable=True)


class DrawRecord(Base):
    """N4: an immutable snapshot — pool, parameters, seed, result, operator, time — and what it was for:
    `subject_kind` 'inspection' (the team of a visit; `inspection_id` is set) or 'target_draw' (one stratum of a
    target draw; `purpose` names the stratum)."""
    __tablename__ = "draw_record"
    __audit_content__ = True  # sealed in the audit chain when written, every column (shared/sealing.py)
    __table_args__ = (UniqueConstraint("subject_kind", "subject_id", "purpose", "department",
                                       name="uq_draw_subject_purpose_department"),)
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    subject_kind: Mapped[str] = mapped_column(String(20))
    subject_id: Mapped[str] = mapped_column(String(36), index=True)
    # an inspector draw is one department's part of a visit's team (N2, N5): the visit and whose officers
    department: Mapped[str | None] = mapped_column(String(20), nullable=True)
    inspection_id: Mapped[str | None] = mapped_column(String(36), index=True, nullable=True)
    purpose: Mapped[str] = mapped_column(String(20))
    algorithm: Mapped[str] = mapped_column(String(20))
    sources: Mapped[list] = mapped_column(JSON)
    key: Mapped[str] = mapped_column(Text)
    pool: Mapped[list] = mapped_column(JSON)
    pool_hash: Mapped[str] = mapped_column(String(128))
    excluded: Mapped[list] = mapped_column(JSON)
    count: Mapped[int] = mapped_column(Integer)
    selected: Mapped[list] = mapped_column(JSON)
    commitment_id: Mapped[int] = mapped_column(Integer)
    # the public randomness that made the draw (source, issue, drawn_at, numbers, entered_at); {} before issue 13
    randomness: Mapped[dict] = mapped_column(JSON, default=dict)
    operator: Mapped[str] = mapped_column(String(100))
    visit_start: Mapped[date] = mapped_column(Date)
    inspectors: Mapped[list] = mapped_column(JSON)  # names are confidential before the visit (N4)
    inspection: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class TeamMember(Base):
    """Who is on a visit's team now: the draw's picks, then replacements (S13). The draw record itself never
    changes (N4); this table says who replaced whom, when and why."""
    __tablename__ = "team_member"
    __table_args__ = (Index("ix_team_member_visit_dates", "visit_end", "visit_start"),)  # a visit's load (P6)
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    inspection_id: Mapped[str] = mapped_column(String(36), index=True)
    inspector_id: Mapped[str] = mapped_column(ForeignKey("inspector.id"), index=True)
    visit_start: Mapped[date] = mapped_column(Date)
    visit_end: Mapped[date] = mapped_column(Date)
    via: Mapped[str] = mapped_column(String(20))  # draw / replacement / matched
    since: Mapped[datetime] = mapped_column(UTCDateTime())
    until: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class Replacement(Base):
    """S13: a drawn inspector is replaced only on a reasoned request, approved by an approver who *chooses*
    the replacement from the eligible officers the system lists — no lottery."""
    __tablename__ = "replacement"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    inspection_id: Mapped[str] = mapped_column(String(36), index=True)
    draw_id: Mapped[str] = mapped_column(ForeignKey("draw_record.id"))
    inspector_id: Mapped[str] = mapped_column(ForeignKey("inspector.id"))
    reason: Mapped[str] = mapped_column(String(20))  # 岗位调整 / 工作冲突 / 健康状况 / 执法回避
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="requested")  # requested / approved / rejected
    requested_by: Mapped[str] = mapped_column(String(200))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime())
    decided_by: Mapped[str | None] = mapped_column(String(200), nullable=True)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    decision_text: Mapped[str | None] = mapped_column(Text, nullable=True)
    replacement_id: Mapped[str | None] = mapped_column(ForeignKey("inspector.id"), nullable=True)


class Target(Base):
    """检查对象库 (S4): the local random-inspection library (maintained here, changed quarterly) and the
    province's discharge-permit and emergency-reduction libraries (imported read-only)."""
    __tablename__ = "target"
    __table_args__ = (UniqueConstraint("library", "uscc", name="uq_target_library_uscc"),)
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    library: Mapped[str] = mapped_column(String(20), index=True)  # 随机抽查库 / 排污许可库 / 应急减排库
    uscc: Mapped[str] = mapped_column(String(18))
    name: Mapped[str] = mapped_column(String(300))
    address: Mapped[str] = mapped_column(String(300), default="")
    unit_class: Mapped[str] = mapped_column(String(10))  # 重点 / 一般 / 特殊
    credit_class: Mapped[str] = mapped_column(String(10), default="")  # A/B/C/D or 高/中/低
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class TargetDraw(Base):
    """One target draw per plan and period (S6): its rules, the on-duty headcount it used, its stratum draws."""
    __tablename__ = "target_draw"
    # sealed (shared/sealing.py): strata and targets fill in as each stratum is drawn; its draw records are sealed
    __audit_content__ = ("id", "plan_id", "period", "library", "rules", "on_duty_officers", "items", "operator",
                         "created_at")
    __table_args__ = (UniqueConstraint("plan_id", "period", name="uq_target_draw_plan_period"),)
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    plan_id: Mapped[str] = mapped_column(String(36))
    period: Mapped[str] = mapped_column(String(20))  # e.g. 2026Q4
    library: Mapped[str] = mapped_column(String(20))
    rules: Mapped[list] = mapped_column(JSON)
    on_duty_officers: Mapped[int] = mapped_column(Integer)
    items: Mapped[list] = mapped_column(JSON)
    strata: Mapped[list] = mapped_column(JSON)  # [{stratum, size, quota, draw_id}]
    targets: Mapped[list] = mapped_column(JSON)
    operator: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Matching(Base):
    """S2/S7 comprehensive enforcement: inspectors are matched directly by a clerk, not drawn — recorded as such."""
    __tablename__ = "matching"
    inspection_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    inspector_ids: Mapped[list] = mapped_column(JSON)
    reason: Mapped[str] = mapped_column(Text)
    matched_by: Mapped[str] = mapped_column(String(200))
    matched_at: Mapped[datetime] = mapped_column(UTCDateTime())
    inspection: Mapped[dict] = mapped_column(JSON)


class Filing(Base):
    """S5 filings to the detachment: the quarter's inspector-library changes (within 15 days of the next quarter's
    start) and the 15 January headcount of established, on-duty officers (the base of the S6 quota)."""
    __tablename__ = "filing"
    __table_args__ = (UniqueConstraint("kind", "period", name="uq_filing_kind_period"),)
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))  # inspector_changes / headcount
    period: Mapped[str] = mapped_column(String(10))  # 2026Q4 / 2027
    due_on: Mapped[date] = mapped_column(Date)
    content: Mapped[dict] = mapped_column(JSON)
    filed_by: Mapped[str] = mapped_column(String(200))
    filed_at: Mapped[datetime] = mapped_column(UTCDateTime())


DepartmentToken = department_token_model(Base)  # department API tokens by hash (`department.token_rotated`)

from . import logins, parts, schedules  # noqa: E402,F401  (their tables on this metadata: teams, schedules, logins)
from .randomness import PublicNumbers, SeedCommitment  # noqa: E402,F401  (the two phases of a draw, issue 13)
