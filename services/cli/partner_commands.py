"""`jointinspect partners …`: provisioned AMQP delivery for partner departments (issue 12, docs/partners.md)."""
from __future__ import annotations

import json
import sys
from dataclasses import asdict
from pathlib import Path

from shared.config import load_settings


def _broker_settings():
    settings = load_settings("intake")
    if not settings.distributed:
        print("partners 需要 AMQP_URL（分布式模式）：嵌入模式下请用 webhook 或拉取接口接收事件。", file=sys.stderr)
        return None
    return settings


def provision(args) -> int:
    from shared import partner_queues
    settings = _broker_settings()
    if settings is None:
        return 2
    password = None
    if args.password_file:
        password = Path(args.password_file).read_text(encoding="utf-8").strip()
        if not password:
            print(f"{args.password_file} 是空的：请写入密码，或不带 --password-file 由系统生成。", file=sys.stderr)
            return 2
    try:
        done = partner_queues.provision(
            settings.amqp_url, args.department.upper(), partner_queues.broker_users(settings), settings.delivery_limit,
            user=args.user, password=password, rotate=args.new_password, answers=args.with_answers)
    except partner_queues.ProvisioningError as error:
        print(str(error), file=sys.stderr)
        return 1
    if args.json:
        answer = asdict(done)
        answer["password"] = None if password else done.password  # a password the operator supplied is not echoed
        print(json.dumps(answer, ensure_ascii=False))
        return 0
    _show(done, generated=done.password is not None and not password)
    return 0


def _show(done, generated: bool) -> None:
    print(f"部门 {done.department} 的接收队列已就绪（{'新建' if done.created else '已存在，已核对'}）")
    print(f"  RabbitMQ 用户：{done.user}")
    if generated:
        print(f"  密码（只显示这一次，请通过安全渠道交给对方）：{done.password}")
    elif done.password is None:
        print("  密码：未改变（需要新密码时加 --new-password）")
    else:
        print("  密码：已按 --password-file 设置")
    print(f"  虚拟主机：{done.vhost}")
    print(f"  队列：{done.queue}（失败过多的消息转入 {done.dead_queue}，由运维处理）")
    print(f"  绑定：{', '.join(done.bindings)}")
    grants = done.permissions
    print(f"  权限：configure {grants.configure} · write {grants.write} · read {grants.read}（只能消费本队列）")


def list_partners(args) -> int:
    from shared import partner_queues
    settings = _broker_settings()
    if settings is None:
        return 2
    vhost = partner_queues.vhost_of(settings.amqp_url)
    try:
        rows = [(partner_queues.department_of(row), row) for row in
                partner_queues.broker_users(settings).permissions(vhost)]
    except partner_queues.ProvisioningError as error:
        print(str(error), file=sys.stderr)
        return 1
    if not any(department for department, _ in rows):
        print(f"虚拟主机 {vhost} 里还没有合作部门用户（jointinspect partners provision <部门代码>）。")
    for department, row in sorted((row for row in rows if row[0]), key=lambda row: (row[0], row[1]["user"])):
        waiting, dead = partner_queues.queue_depths(settings.amqp_url, department)
        print(f"{department}  用户 {row['user']}  读 {row['read']}  队列 {partner_queues.partner_queue(department)}："
              f"{'未建' if waiting is None else f'{waiting} 条待取'}，死信 {dead if dead is not None else '-'} 条")
    return 0


def revoke(args) -> int:
    from shared import partner_queues
    settings = _broker_settings()
    if settings is None:
        return 2
    department = args.department.upper()
    user = args.user or partner_queues.partner_user(department)
    try:
        partner_queues.check_code(department)
        partner_queues.broker_users(settings).delete(user)
    except partner_queues.ProvisioningError as error:
        print(str(error), file=sys.stderr)
        return 1
    print(f"已删除 RabbitMQ 用户 {user}；队列 {partner_queues.partner_queue(department)} 保留（其中的消息不丢）。")
    return 0


def replay(args) -> int:
    from shared import dead_letters, partner_queues
    settings = _broker_settings()
    if settings is None:
        return 2
    department = args.department.upper()
    try:
        partner_queues.check_code(department)
    except partner_queues.ProvisioningError as error:
        print(str(error), file=sys.stderr)
        return 1
    moved = dead_letters.replay_broker(settings.amqp_url, partner_queues.partner_queue(department))
    print(f"{partner_queues.partner_queue(department)}：已从死信队列放回 {moved} 条消息")
    return 0


def register(sub) -> None:
    partners = sub.add_parser("partners", help="provisioned AMQP queues for partner departments")
    actions = partners.add_subparsers(required=True, metavar="action")
    provision_ = actions.add_parser("provision", help="create (idempotently) a department's broker user and queue")
    provision_.add_argument("department", help="department code, e.g. SCJG")
    provision_.add_argument("--password-file", default=None, help="set this password (first line of the file)")
    provision_.add_argument("--new-password", action="store_true", help="generate a new password and print it once")
    provision_.add_argument("--user", default=None, help="broker user name (default partner-<dept>)")
    provision_.add_argument("--with-answers", action="store_true",
                            help="also bind task.accepted/task.rejected.<dept> (answers to its own submissions)")
    provision_.add_argument("--json", action="store_true")
    provision_.set_defaults(func=provision)
    actions.add_parser("list", help="partner users, their queues and depths").set_defaults(func=list_partners)
    revoke_ = actions.add_parser("revoke", help="delete a department's broker user (its queue stays)")
    revoke_.add_argument("department")
    revoke_.add_argument("--user", default=None)
    revoke_.set_defaults(func=revoke)
    replay_ = actions.add_parser("replay", help="move a department's dead letters back onto its queue")
    replay_.add_argument("department")
    replay_.set_defaults(func=replay)
