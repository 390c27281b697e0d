"""`jointinspect` — one command for every way of running the system.

  jointinspect up                    all four services embedded in one process, with demo data
  jointinspect demo-info [--json]    the demo's URL, department tokens, logins and a clerk token
  jointinspect serve <service>       one service's HTTP app (distributed mode, gunicorn)
  jointinspect worker <service>      one service's outbox relay and consumers (distributed mode)
  jointinspect migrate [service…]    create missing databases, upgrade them to the newest schema and (distributed)
                                     declare each service's queues; every service by default, idempotent
  jointinspect accounts create --username U --role R [--department D] [--name N] [--password-stdin]
  jointinspect departments token CODE [--quiet]   a department's new API token, printed once
  jointinspect demo seed [--again]   the demo's reference data and an open plan, in any mode
  jointinspect draw verify <id>      re-verify a stored draw from its public record
  jointinspect draw randomness enter --numbers N,N,… --source S --issue I --drawn-at 'YYYY-MM-DD HH:MM'
                                     a public lottery's result: every draw committed before it is drawn
  jointinspect audit verify [--service S] [--checkpoints FILE|URL]   check each audit chain, its sealed rows and
                                     its signed checkpoints (rewrites and truncation are caught)
  jointinspect audit checkpoint [--service S]   sign and publish the chain heads now (also every N minutes)
  jointinspect audit keygen          a new AUDIT_SIGNING_KEY (Ed25519)
  jointinspect audit seal-existing [--service S]   once after upgrading: seal the rows written before sealing
  jointinspect dead-letters list [--service S] [--json]   each message that kept failing: id, type, routing key,
                                     first failure reason, counts, times (both modes; nothing consumed)
  jointinspect dead-letters replay [--service S] (--id EVENT_ID … | --all)   each back to its queue once, audited
  jointinspect catalog load [--file F]  load departments and the item catalog (idempotent, audited)
  jointinspect partners provision <dept> [--password-file F]   a department's broker user and queue partner.<dept>
  jointinspect partners list|replay <dept>|revoke <dept>        provisioned partners, dead letters, removal
  jointinspect fonts build           cut the GB2312 letter fonts into var/fonts (once; letters render ~2× faster)

Each command parses its arguments, builds a command or query and hands it to the service's bus (style §2);
the modules of this package are grouped by who uses them: the demo, the operator, the records.
"""
from __future__ import annotations

import sys

from shared import logs
from shared.config import SettingsError, load_settings

from .parser import build_parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = load_settings("intake")
    except SettingsError as error:
        print(f"配置有误：{error}", file=sys.stderr)
        return 2
    logs.configure(settings.log_level, settings.log_format, getattr(args, "service", None))  # LOG_FORMAT=json
    try:
        return args.func(args) or 0
    except SettingsError as error:
        print(f"配置有误：{error}", file=sys.stderr)
        return 2
