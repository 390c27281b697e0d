"""P4 (issue 15): N visits from dispatch to every `letter.issued` delivered to the partners, distributed mode.

Four web processes and four workers (`jointinspect serve|worker <service>`) on the local RabbitMQ (a vhost of this
run) and PostgreSQL (databases `bench_<hex>_<service>`), all removed afterwards. A plan led by market regulation
(SCJG) with emergency management (YJGL) as partner; each of N unique companies gets one task from each, submitted
in batches through intake's HTTP API BEFORE the clock starts. t0 = the dispatch request. From then on the script
does what people do, as soon as the system allows it, and that time counts (bench/pipeline_people.py): the clerk
enters the public randomness (scripted, marked as such), YJGL names its officers (it keeps them in its own
system: `--partner-staffing named`, the default; `library` draws them too), the clerk fixes each visit's time.
End = the partner consumer (queues `partner.scjg`, `partner.yjgl` declared as `jointinspect partners provision`
does) has seen `letter.issued` for every visit and department.

Prints the goal (60 s) against the measured time (the goal is absolute: the fair baseline is the work's CPU
floor, below), exactly-once and numbering checks, per-hop p50/p95 and throughput, peak memory per process and its
children, and — once the letters database records `rendered_at` — the last PDF against its CPU floor (one set
render × visits ÷ cores, measured in-process in the same run on a stored set; goal ≤ 1.2 ×).

Before the clock starts, intake's outbox is drained (the tasks' own events are not timed). The lottery is entered
once the partner has named its officers; `--overlap-naming` enters it as soon as the draws are committed, which on
the tree of 2026-11-29 leaves some visits without `inspectors.assigned` for ever (a race in draw's team
completion; the run then stops after `--stall` seconds and names the stuck visits).

Usage: python bench/pipeline.py [--visits 1000] [--batch 500] [--people batch|single] [--clients 4] [--web-workers N]
                                [--partner-staffing named|library] [--overlap-naming] [--stall 120]
                                [--timeout 1800] [--render-timeout 1800]
"""
from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
import time

import pipeline_people as people
import pipeline_report as report
from partner_consumer import PartnerConsumer
from pipeline_cluster import Http, PipelineCluster
from pipeline_plan import LEAD, PARTNER, ok, submit
from process_memory import MemorySampler
from support import ROOT  # noqa: F401  (puts the repository root on the path)


def wait(check, timeout: float, what: str, interval: float = 0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(interval)
    raise RuntimeError(f"timed out after {timeout:.0f} s waiting for {what}")


def alive(cluster) -> bool:
    """True while every started process runs; a process that ended by itself stops the run with its log."""
    if exited := cluster.exited():
        raise RuntimeError(f"processes exited: {exited}; {[cluster.log_tail(k, 1500) for k in exited]}")
    return True


def unsent(cluster, service: str) -> int:
    return cluster.sql(service, "SELECT count(*) FROM outbox WHERE published_at IS NULL")[0][0]


def progress(cluster, consumer, visits: int, tallies) -> str:
    def count(service: str, key: str) -> int:
        return cluster.sql(service, "SELECT count(*) FROM outbox WHERE routing_key = %s", key)[0][0]
    return (f"ready {count('intake', 'inspection.ready')}/{visits}  committed {count('draw', 'draw.committed')}  "
            f"named {tallies['naming'].done}  assigned {count('draw', 'inspectors.assigned')}  "
            f"scheduled {count('draw', 'visit.scheduled')}  "
            f"letters seen {consumer.count('letter.issued')}/{2 * visits}")


def the_people(cluster, http, day, named: tuple, stop: threading.Event, args):
    """The threads that do what people do (not started yet) and their tallies."""
    clerk = ok(http.call("POST", "/draw/api/v1/auth/login", None,
                         {"username": "clerk01", "password": "jointinspect"}))["token"]
    tallies = {name: people.Tally(name) for name in ("randomness", "naming", "scheduling")}
    commitments = args.visits * (2 - len(named))

    def lottery_due() -> bool:
        return people.commitments_made(cluster) >= commitments and (
            not named or args.overlap_naming or tallies["naming"].done >= args.visits)
    workers = [threading.Thread(target=people.enter_randomness, daemon=True,
                                args=(http, clerk, lottery_due, stop, tallies["randomness"])),
               threading.Thread(target=people.fix_visit_times, daemon=True,
                                args=(http, clerk, args.visits, stop, tallies["scheduling"], args.clients,
                                      args.people))]
    if named:
        department = ok(http.call("POST", "/draw/api/v1/auth/login", None, {
            "username": f"{PARTNER.lower()}_dept", "password": "jointinspect"}))["token"]
        workers.append(threading.Thread(target=people.name_officers, daemon=True, args=(
            http, department, PARTNER, day, args.visits, stop, tallies["naming"], args.clients, args.people)))
    return tallies, workers


def run(args) -> int:
    named = (PARTNER,) if args.partner_staffing == "named" else ()
    with PipelineCluster(args.web_workers) as cluster:
        print(f"vhost {cluster.vhost}, databases {cluster.stem}_*, logs {cluster.logs}")
        cluster.migrate()
        info = cluster.seed(named)
        consumer = PartnerConsumer(cluster.amqp_url, (LEAD, PARTNER))
        consumer.declare()
        cluster.start()
        sampler = MemorySampler({key: p.pid for key, p in cluster.processes.items()})
        sampler.start()
        from tests.conftest import today as local_today
        day = local_today()
        http = Http(cluster.bases)
        tokens = {d["code"]: d["token"] for d in info["departments"]}
        started = time.monotonic()
        plan_id, visits = submit(http, tokens, args.visits, args.batch, day)
        wait(lambda: alive(cluster) and unsent(cluster, "intake") == 0, 300,
             "intake's outbox sent before the clock starts")
        print(f"{args.visits} visits ({2 * args.visits} tasks) submitted in {time.monotonic() - started:.1f} s "
              "(not timed)")
        consumer.start()
        stop = threading.Event()
        tallies, workers = the_people(cluster, http, day, named, stop, args)
        t0 = time.time()
        for worker in workers:
            worker.start()
        status, answer = http.call("POST", f"/intake/api/v1/plans/{plan_id}/dispatch", tokens[LEAD])
        dispatched = time.time() - t0
        print(f"dispatch answered HTTP {status} in {dispatched:.1f} s")
        if status >= 300:
            raise RuntimeError(f"dispatch refused: {str(answer)[:500]}")
        try:
            wait_for_letters(cluster, consumer, t0, args, tallies)
        finally:
            stop.set()
        end = max(d.received for d in consumer.snapshot() if d.event == "letter.issued")
        wait_settled(cluster, consumer)
        return finish(cluster, consumer, sampler, tallies, visits, t0, end, dispatched, args)


def wait_for_letters(cluster, consumer, t0: float, args, tallies) -> None:
    deadline, shown, last, moved = time.monotonic() + args.timeout, 0.0, "", time.monotonic()
    while consumer.count("letter.issued") < 2 * args.visits:
        if consumer.error is not None:
            raise RuntimeError(f"partner consumer failed: {consumer.error!r}")
        alive(cluster)
        state = progress(cluster, consumer, args.visits, tallies)
        if state != last:
            last, moved = state, time.monotonic()
        if time.monotonic() - moved > args.stall or time.monotonic() > deadline:
            stuck = report.stuck_teams(cluster)
            raise RuntimeError(f"nothing moved for {time.monotonic() - moved:.0f} s: {state}\n"
                               f"visits with every part complete but no inspectors.assigned: {len(stuck)} {stuck[:5]}"
                               f"\nthe script's people: {tallies}")
        if time.monotonic() - shown > 5:
            print(f"  {time.time() - t0:6.1f} s  {state}", flush=True)
            shown = time.monotonic()
        time.sleep(0.2)


def wait_settled(cluster, consumer, timeout: float = 30) -> None:
    """After the last letter: every outbox sent and a quiet second, so a late duplicate would still be counted."""
    try:
        wait(lambda: all(unsent(cluster, s) == 0 for s in ("intake", "draw", "letters")), timeout, "outboxes sent")
    except RuntimeError as error:
        print(f"  note: {error}")
    seen = len(consumer.snapshot())
    time.sleep(2)
    while len(consumer.snapshot()) != seen:
        seen = len(consumer.snapshot())
        time.sleep(1)


def finish(cluster, consumer, sampler, tallies, visits, t0, end, dispatched, args) -> int:
    render = report.rendered(cluster, t0)
    if render is not None and render["waiting"]:
        try:
            wait(lambda: (report.rendered(cluster, t0) or {}).get("waiting") == 0, args.render_timeout,
                 "every PDF rendered", interval=0.5)
        except RuntimeError as error:
            print(f"  note: {error}")
        render = report.rendered(cluster, t0)
    sampler.stop()
    deliveries = consumer.snapshot()
    consumer.stop()
    stages = report.hop_times(cluster, deliveries, t0)
    delivered, delivery_lines = report.exactly_once(deliveries, visits, (LEAD, PARTNER))
    numbered, number_lines = report.numbering(cluster, args.visits)
    documents = report.one_set(cluster)
    cluster.stop()  # the machine to ourselves (as far as this run goes) for the in-process render
    total = end - t0
    print(f"\nP4 pipeline, {args.visits} visits × 2 departments, distributed, {os.cpu_count()} cores")
    print(f"  dispatch → last letter.issued seen by the partner: {total:.1f} s   goal {report.GOAL_SECONDS:.0f} s   "
          f"ratio {total / report.GOAL_SECONDS:.2f} × the goal   (dispatch request itself {dispatched:.1f} s)")
    print(f"  every letter delivered exactly once: {'yes' if delivered else 'NO'}   numbers gapless: "
          f"{'yes' if numbered else 'NO'}")
    print("\n".join(delivery_lines + number_lines))
    print("\n".join(report.hop_lines(stages, visits)))
    print("  the script's people (their time counts):")
    for tally in (t for t in tallies.values() if t.done or t.refused):  # naming only when a department names
        when = f"done at {tally.finished - t0:.1f} s" if tally.finished else "not finished"
        refused = f", refused {tally.refused} (last: {str(tally.last_refusal)[:200]})" if tally.refused else ""
        print(f"    {tally.name:<11} {tally.done:>5} {when}{refused} {' '.join(tally.notes)}")
    print("  peak memory per process (goal ≤ 200 MB each):")
    print("\n".join(sampler.report()))
    print("\n".join(report.floor_lines(documents, render, args.visits)))
    return 0 if delivered and numbered else 1


def _interrupted(*_args) -> None:
    raise KeyboardInterrupt


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--visits", type=int, default=1000)
    parser.add_argument("--batch", type=int, default=500, help="tasks per batch request (not timed)")
    parser.add_argument("--people", choices=("batch", "single"), default="batch", help="the naming department and "
                        "the clerk submit each poll round at once (issue 15), or one request per visit")
    parser.add_argument("--clients", type=int, default=4, help="parallel requests of the naming / scheduling script")
    parser.add_argument("--web-workers", type=int, default=None, help="gunicorn workers per service (default: the "
                                                                          "service's own, WEB_CONCURRENCY or 2)")
    parser.add_argument("--partner-staffing", choices=("named", "library"), default="named")
    parser.add_argument("--overlap-naming", action="store_true", help="enter the randomness as soon as every draw "
                        "is committed, even while the partner is still naming (exposes draw's completion race)")
    parser.add_argument("--stall", type=float, default=120, help="give up when nothing moves for this many seconds")
    parser.add_argument("--timeout", type=float, default=1800, help="give up after this many seconds")
    parser.add_argument("--render-timeout", type=float, default=1800, help="after the last letter, wait this long "
                        "at most for the last PDF")
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, _interrupted)  # `kill` cleans up as Ctrl-C does
    try:
        return run(args)
    except KeyboardInterrupt:
        print("interrupted: cleaned up", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
