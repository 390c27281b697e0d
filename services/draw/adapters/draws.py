"""Phase two of one verifiable draw (design §4, N4, issue 13): a commitment whose pool was frozen, and the public
randomness entered after it, make the immutable draw record — RFC 3797 with sources [[seed], numbers]
(domain.verifiable). Inspector draws and every stratum of a target draw go through here, so the construction
exists once."""
from __future__ import annotations

from datetime import date

from shared.clock import iso
from shared.ids import new_id

from .. import payloads
from ..domain.rules import SUBJECT_INSPECTION
from ..domain.verifiable import make_verifiable_draw
from .db import DrawRecord, PublicNumbers, SeedCommitment
from .pool import inspectors_by_id


def randomness_record(entry: PublicNumbers) -> dict:
    """What a draw record keeps of the randomness that made it: enough for anyone to check it at the source."""
    return {"id": entry.id, "numbers": list(entry.numbers), "source": entry.source, "issue": entry.issue,
            "drawn_at": iso(entry.drawn_at), "entered_at": iso(entry.entered_at), "entered_by": entry.entered_by}


def record_draw(uow, commitment: SeedCommitment, entry: PublicNumbers) -> DrawRecord:
    """Draw the frozen pool of `commitment` with the randomness `entry` and keep the record (made now, after the
    lottery's draw time). `commitment.context` holds the visit (`inspection`, `visit_start`) and `operator`; the
    record's confidential `inspectors` (in pick order) are the chosen officers' public details read now (issue 15:
    a pool is frozen as ids; commitments frozen before kept the pool's `people` in their context)."""
    context = commitment.context or {}
    drawn = make_verifiable_draw(commitment.pool, commitment.count, commitment.seed, [list(entry.numbers)],
                                 commitment.algorithm)
    people = context.get("people") or (_people(uow.session, drawn.selected)
                                       if commitment.subject_kind == SUBJECT_INSPECTION else {})
    record = DrawRecord(
        id=new_id(), subject_kind=commitment.subject_kind, subject_id=commitment.subject_id,
        inspection_id=context.get("inspection_id"), purpose=commitment.purpose, department=commitment.department,
        algorithm=drawn.algorithm, sources=drawn.sources, key=drawn.key, pool=drawn.pool, pool_hash=drawn.pool_hash,
        excluded=list(commitment.excluded or []), count=drawn.count, selected=drawn.selected,
        commitment_id=commitment.id, randomness=randomness_record(entry), operator=context.get("operator", ""),
        visit_start=date.fromisoformat(context["visit_start"]),
        inspectors=[people[i] for i in drawn.selected if i in people], inspection=context.get("inspection") or {},
        created_at=uow.now)
    uow.add(record)
    commitment.used_by, commitment.randomness_id = record.id, entry.id
    return record


def _people(session, selected: list[str]) -> dict:
    return {i: payloads.inspector(person) for i, person in inspectors_by_id(session, selected).items()}
