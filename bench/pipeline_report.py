"""What `bench/pipeline.py` reads back after a run and prints: each visit's hop times from the services' outboxes
(`created_at` = committed with the state change, `published_at` = confirmed by the broker) and from the partner's
deliveries; exactly-once delivery by event id and by (visit, department); gapless letter numbers per issuer, year
and kind; and, when the letters database records `rendered_at`, when the last PDF was rendered."""
from __future__ import annotations

import json
import os
import statistics
from collections import Counter, defaultdict
from datetime import datetime

GOAL_SECONDS = 60.0
RENDER_GOAL = 1.2  # × the CPU floor


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered) + 0.5) - 1))]


def _epoch(value) -> float:
    if isinstance(value, datetime):
        return value.timestamp()
    return datetime.fromisoformat(str(value)).timestamp()


def outbox_times(cluster, service: str, routing_key: str, published: bool = False) -> dict[str, float]:
    """Subject (the visit) → the latest `created_at` (or `published_at`) of its rows with this routing key."""
    column = "published_at" if published else "created_at"
    rows = cluster.sql(service, f"SELECT convert_from(body, 'UTF8')::jsonb->>'subject', {column} FROM outbox "
                                "WHERE routing_key LIKE %s", routing_key)
    times: dict[str, float] = {}
    for subject, at in rows:
        if subject and at is not None:
            times[subject] = max(times.get(subject, 0.0), _epoch(at))
    return times


def hop_times(cluster, deliveries, t0: float) -> dict[str, dict[str, float]]:
    """Stage → visit → seconds since dispatch."""
    letters_seen: dict[str, float] = {}
    for d in deliveries:
        if d.event == "letter.issued" and d.subject:
            letters_seen[d.subject] = max(letters_seen.get(d.subject, 0.0), d.received)
    stages = {
        "inspection.ready committed": outbox_times(cluster, "intake", "inspection.ready"),
        "inspection.ready published": outbox_times(cluster, "intake", "inspection.ready", published=True),
        "inspectors.assigned committed": outbox_times(cluster, "draw", "inspectors.assigned"),
        "visit.scheduled committed": outbox_times(cluster, "draw", "visit.scheduled"),
        "letter.issued committed": outbox_times(cluster, "letters", "letter.issued.%"),
        "letter.issued seen by partner": letters_seen,
    }
    return {stage: {visit: at - t0 for visit, at in times.items()} for stage, times in stages.items()}


def hop_lines(stages: dict[str, dict[str, float]], visits: set[str]) -> list[str]:
    """Per stage: since dispatch p50/p95/last and throughput; then each hop's own p50/p95 (per visit deltas)."""
    lines = ["  stage (seconds since dispatch)        visits   p50     p95     last   "
             "throughput (visits/s, first→last)"]
    for stage, times in stages.items():
        values = [times[v] for v in visits if v in times]
        if not values:
            lines.append(f"  {stage:<36} {0:>6}")
            continue
        spread = max(values) - min(values)
        rate = f"{len(values) / spread:8.1f}" if spread > 0 else "       -"
        lines.append(f"  {stage:<36} {len(values):>6} {percentile(values, .5):7.1f} {percentile(values, .95):7.1f} "
                     f"{max(values):7.1f}  {rate}")
    names = list(stages)
    lines.append("  hop (per visit, seconds)                       p50     p95")
    for before, after in (("dispatch", names[0]), (names[0], names[2]), (names[2], names[3]), (names[3], names[4]),
                          (names[4], names[5])):
        deltas = [stages[after][v] - (0.0 if before == "dispatch" else stages[before][v]) for v in visits
                  if v in stages[after] and (before == "dispatch" or v in stages[before])]
        label = f"{before.split()[0]} → {after.split(' committed')[0]}"
        lines.append(f"  {label:<44} {percentile(deltas, .5):7.2f} {percentile(deltas, .95):7.2f}")
    return lines


def exactly_once(deliveries, visits: set[str], departments) -> tuple[bool, list[str]]:
    letters = [d for d in deliveries if d.event == "letter.issued"]
    by_id = Counter(d.event_id for d in letters)
    by_key = Counter((d.subject, d.department) for d in letters)
    expected = {(v, dept) for v in visits for dept in departments}
    missing, extra = expected - set(by_key), set(by_key) - expected
    duplicated_ids = sum(n - 1 for n in by_id.values() if n > 1)
    duplicated_keys = sum(n - 1 for n in by_key.values() if n > 1)
    wrong_queue = sum(1 for d in letters if d.queue != f"partner.{(d.department or '').lower()}")
    good = not (missing or extra or duplicated_ids or duplicated_keys or wrong_queue)
    return good, [f"  letter.issued deliveries {len(letters)} (expected {len(expected)}): missing {len(missing)}, "
                  f"unexpected {len(extra)}, duplicated by event id {duplicated_ids}, by (visit, department) "
                  f"{duplicated_keys}, on another department's queue {wrong_queue}, redelivered "
                  f"{sum(1 for d in letters if d.redelivered)}"]


def numbering(cluster, visits: int) -> tuple[bool, list[str]]:
    """Every series (issuer, year, kind) numbered 1..n with no gap and no repeat; one current set per visit."""
    rows = cluster.sql("letters", "SELECT issuer_code, year, kind, seq, number, inspection_id FROM document "
                                  "WHERE status = 'current'")
    series = defaultdict(list)
    for issuer, year, kind, seq, number, _ in rows:
        series[(issuer, year, kind)].append((seq, number))
    good, lines = True, []
    for key, numbered in sorted(series.items()):
        seqs = sorted(s for s, _ in numbered)
        gapless = seqs == list(range(1, len(seqs) + 1)) and len({n for _, n in numbered}) == len(numbered)
        good = good and gapless and len(seqs) == visits
        lines.append(f"  {key[0]} {key[1]} {key[2]:<14} {len(seqs):>5} numbers, 1..{seqs[-1] if seqs else 0} "
                     f"{'gapless, unique' if gapless else 'GAP OR REPEAT'}")
    if not series:
        good = False
        lines.append("  no documents")
    return good, lines


def rendered(cluster, t0: float) -> dict | None:
    """When the stored PDFs carry `rendered_at` (`document_file`, written after the issuing transaction): how many
    current documents have their PDF, how many still wait, and the last render since dispatch. None on a tree
    whose letters are rendered inside the issuing transaction."""
    columns = cluster.sql("letters", "SELECT 1 FROM information_schema.columns WHERE table_schema = 'public' "
                                     "AND table_name = 'document_file' AND column_name = 'rendered_at'")
    if not columns:
        return None
    done, waiting, last = cluster.sql("letters", """
        SELECT count(f.rendered_at), count(*) - count(f.rendered_at), max(f.rendered_at)
        FROM document d LEFT JOIN document_file f ON f.document_id = d.id WHERE d.status = 'current'""")[0]
    return {"rendered": done, "waiting": waiting, "last": (_epoch(last) - t0) if last else None}


def one_set(cluster) -> list[dict]:
    """The documents of one issued set, as stored (to time one render of a set in-process)."""
    rows = cluster.sql("letters", "SELECT inspection_id, content FROM document WHERE status = 'current' "
                                  "ORDER BY inspection_id, created_at LIMIT 8")
    if not rows:
        return []
    first = rows[0][0]
    return [c if isinstance(c, dict) else json.loads(c) for i, c in rows if i == first]


def set_render_seconds(documents: list[dict], runs: int = 5) -> float:
    """One warm render of the whole set as one PDF (the floor's unit), median of `runs`."""
    import time

    from services.letters.adapters import pdf
    pdf.render_documents(documents)
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        pdf.render_documents(documents)
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def floor_lines(documents, render, visits: int) -> list[str]:
    """The CPU floor of rendering every set (one set's warm render × visits ÷ cores) and the last PDF against it."""
    if not documents:
        return ["  render floor: no stored set to measure"]
    cores = os.cpu_count() or 1
    one = set_render_seconds(documents)
    floor = one * visits / cores
    lines = [f"  one set ({len(documents)} documents) rendered in-process: {one:.3f} s → CPU floor for {visits} "
             f"visits on {cores} cores: {floor:.1f} s (goal: last PDF ≤ {RENDER_GOAL} × floor "
             f"= {RENDER_GOAL * floor:.1f} s)"]
    if render is None:
        lines.append("  last PDF rendered: no `rendered_at` in the letters database on this tree (PDFs rendered in "
                     "the issuing transaction: the letters stage above is the render time)")
    elif render["waiting"]:
        lines.append(f"  PDFs not all rendered when the run stopped waiting: {render['rendered']} done, "
                     f"{render['waiting']} waiting (no ratio; raise --render-timeout)")
    else:
        lines.append(f"  last PDF rendered at {render['last']:.1f} s after dispatch ({render['rendered']} "
                     f"documents' PDFs): {render['last'] / floor:.2f} × the floor")
    return lines


def stuck_teams(cluster) -> list[str]:
    """Diagnosis only (draw's own tables): visits whose every part is complete but that never got
    `inspectors.assigned` — they would wait for ever."""
    try:
        return [v for (v,) in cluster.sql("draw", """
            SELECT t.inspection_id FROM team_assembly t WHERE t.assigned_at IS NULL AND NOT EXISTS (
              SELECT 1 FROM department_part p WHERE p.inspection_id = t.inspection_id AND p.status <> 'complete')""")]
    except Exception as error:  # noqa: BLE001 — a changed schema: no diagnosis, the stall is still reported
        return [f"(not diagnosed: {error.__class__.__name__})"]
