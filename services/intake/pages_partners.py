"""A department's partner page (issue #12, Chinese, phone-friendly): its webhooks (add, remove), the delivery log with
重新投递 for failures, and its event feed, paged by cursor."""
from __future__ import annotations

from flask import Blueprint, redirect, render_template, request

from shared.auth import current_principal
from shared.errors import DomainError
from shared.pages import require_page
from shared.schemas import INT_BOUND
from shared.web import handle

from .commands import RedeliverWebhook, RegisterWebhook, RemoveWebhook
from .queries import PartnerEvents, WebhookDeliveries, Webhooks
from .views_partners import DELIVERY_STATUS, delivery_view, feed_rows, webhook_view

pages = Blueprint("intake_partner_pages", __name__, url_prefix="/intake/department")
PAGE = "/intake/department/partner"
FEED_PAGE = 20


def _render(error: str | None = None, form: dict | None = None, message: str | None = None, status: int = 200):
    principal = current_principal()
    code = principal.department or ""
    try:
        after = min(max(int(request.args.get("after", "")), 0), INT_BOUND)  # a database integer, never beyond
    except ValueError:  # not a number, or thousands of digits
        after = None
    feed = handle(PartnerEvents(code, code, 0, 1))
    if after is None:  # the latest events by default
        after = max(feed.last - FEED_PAGE, 0)
    feed = handle(PartnerEvents(code, code, after, FEED_PAGE))
    return render_template(
        "intake/partner.html", department=code, error=error, message=message, form=form or {},
        webhooks=[webhook_view(h) for h in handle(Webhooks(code, code))],
        deliveries=[delivery_view(r) for r in handle(WebhookDeliveries(code, code, False, 50))],
        status_labels=DELIVERY_STATUS, events=feed_rows(feed), after=after, next=feed.next, last=feed.last,
        previous=max(after - FEED_PAGE, 0) if after > 0 else None, page_size=FEED_PAGE), status


def _act(command, done: str, form: dict | None = None):
    try:
        handle(command)
    except DomainError as failure:
        reasons = [m for ms in (failure.fields or {}).values() for m in ms if m != failure.message]
        return _render("；".join([failure.message, *reasons]), form, status=failure.status)
    return redirect(f"{PAGE}?done={done}")


DONE = {"added": "已添加回调地址", "removed": "已删除回调地址", "redelivered": "已重新排入投递"}


@pages.get("/partner")
@require_page("department")
def partner():
    return _render(message=DONE.get(request.args.get("done", "")))


@pages.post("/partner/webhooks")
@require_page("department")
def add_webhook():
    principal = current_principal()
    url, secret = request.form.get("url", "").strip(), request.form.get("secret", "")
    if not url or not 8 <= len(secret) <= 200 or len(url) > 2000:
        return _render("请填写回调地址，并设置 8 到 200 个字符的签名密钥", {"url": url}, status=422)
    code = principal.department or ""
    return _act(RegisterWebhook(code, url, secret, principal.actor, code), "added", {"url": url})


@pages.post("/partner/webhooks/<webhook_id>/delete")
@require_page("department")
def remove_webhook(webhook_id):
    principal = current_principal()
    code = principal.department or ""
    return _act(RemoveWebhook(code, webhook_id, principal.actor, code), "removed")


@pages.post("/partner/deliveries/<delivery_id>/redeliver")
@require_page("department")
def redeliver(delivery_id):
    principal = current_principal()
    code = principal.department or ""
    return _act(RedeliverWebhook(code, delivery_id, principal.actor, code), "redelivered")
