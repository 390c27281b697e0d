"""`jointinspect` — one command for every way of running the system.

  jointinspect up                    all four services embedded in one process, with demo data
  jointinspect demo-info [--json]    the demo's URL, department tokens, logins and a clerk token
  jointinspect serve <service>       one service's HTTP app (distributed mode, gunicorn)
  jointinspect worker <service>      one service's outbox relay and consumers (distributed mode)
  jointinspect migrate [service…]    upgrade databases to the newest schema
  jointinspect draw verify <id>      re-verify a stored draw from its public record
  jointinspect draw randomness enter --numbers N,N,… --source S --issue I --drawn-at 'YYYY-MM-DD HH:MM'
                                     a public lottery's result: every draw committed before it is drawn
  jointinspect audit verify [--service S] [--checkpoints FILE|URL]   check each audit chain, its sealed rows and
                                     its signed checkpoints (rewrites and truncation are caught)
  jointinspect audit checkpoint [--service S]   sign and publish the chain heads now (also every N minutes)
  jointinspect audit keygen          a new AUDIT_SIGNING_KEY (Ed25519)
  jointinspect audit seal-existing [--service S]   once after upgrading: seal the rows written before sealing
  jointinspect dead-letters list|replay <service>   messages that kept failing
  jointinspect catalog load [--file F]  load departments and the item catalog (idempotent, audited)
  jointinspect partners provision <dept> [--password-file F]   a department's broker user and queue partner.<dept>
  jointinspect partners list|replay <dept>|revoke <dept>        provisioned partners, dead letters, removal
  jointinspect fonts build           cut the GB2312 letter fonts into var/fonts (once; letters render ~2× faster)

Each command parses its arguments, builds a command or query and hands it to the service's bus (style §2);
the modules of this package are grouped by who uses them: the demo, the operator, the records.
"""
from __future__ import annotations

import logging
import sys

from shared.config import SettingsError, load_settings

from .parser import build_parser

CHATTY = ("weasyprint", "fontTools", "alembic", "pika")


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        level = load_settings("intake").log_level
    except SettingsError as error:
        print(f"配置有误：{error}", file=sys.stderr)
        return 2
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for chatty in CHATTY:
        logging.getLogger(chatty).setLevel(logging.WARNING)  # their INFO lines drown the service's own
    try:
        return args.func(args) or 0
    except SettingsError as error:
        print(f"配置有误：{error}", file=sys.stderr)
        return 2
