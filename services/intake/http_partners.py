"""The partner API (issue #12): a department's pull feed of its own events, its webhooks and their delivery log.
A department (API token or department account) sees only its own; clerks and admins may read any."""
from __future__ import annotations

from flask import request
from flask_smorest import Blueprint

from shared.auth import current_principal, require
from shared.openapi import answers, query
from shared.web import handle

from . import response_schemas as rs
from .commands import RedeliverWebhook, RegisterWebhook, RemoveWebhook
from .queries import PartnerEvents, WebhookDeliveries, Webhooks
from .schemas import FeedQuerySchema, WebhookSchema
from .views_partners import delivery_view, feed_view, webhook_view

api = Blueprint("intake_partners", __name__, url_prefix="/intake/api/v1/departments",
                description="合作部门：事件拉取与 Webhook 推送")


def viewer() -> str | None:
    """The acting department, or None for staff; a department principal without a department sees nothing."""
    principal = current_principal()
    return (principal.department or "") if principal.role == "department" else None


@api.get("/<code>/events")
@answers(200, rs.FeedPage)
@require("department", "clerk", "admin")
@api.arguments(FeedQuerySchema, location="query")
def events(args, code):
    """This department's events after the cursor `after`, in order: `{"items": [CloudEvent…], "next": cursor}`.
    Pass `next` as `after` next time; an empty `items` keeps `next` where it was."""
    return feed_view(handle(PartnerEvents(code, viewer(), args["after"], args["limit"])))


@api.get("/<code>/webhooks")
@answers(200, rs.WEBHOOKS)
@require("department", "clerk", "admin")
def list_webhooks(code):
    return {"items": [webhook_view(h) for h in handle(Webhooks(code, viewer()))]}


@api.post("/<code>/webhooks")
@answers(201, rs.WebhookView)
@require("department")
@api.arguments(WebhookSchema)
def register_webhook(body, code):
    """Each new event of the department is POSTed to `url` (CloudEvents structured mode), signed with
    `X-Jointinspect-Signature: sha256=<HMAC-SHA256(secret, body)>`. The secret is not shown again."""
    hook = handle(RegisterWebhook(code, body["url"], body["secret"], current_principal().actor, viewer()))
    return webhook_view(hook), 201


@api.delete("/<code>/webhooks/<webhook_id>")
@answers(204, description="已删除")
@require("department")
def remove_webhook(code, webhook_id):
    handle(RemoveWebhook(code, webhook_id, current_principal().actor, viewer()))
    return "", 204


@api.get("/<code>/webhook-deliveries")
@answers(200, rs.DELIVERIES)
@query(("status", {"type": "string"}, "failed：只看投递失败的"))
@require("department", "clerk", "admin")
def deliveries(code):
    """The delivery log, newest first, each with every attempt (status, time, latency); `?status=failed`."""
    failed = request.args.get("status") == "failed"
    return {"items": [delivery_view(r) for r in handle(WebhookDeliveries(code, viewer(), failed, 200))]}


@api.post("/<code>/webhook-deliveries/<delivery_id>/redeliver")
@answers(202, rs.Redelivery)
@require("department")
def redeliver(code, delivery_id):
    """A failed delivery is tried again (重新投递), with a fresh retry window."""
    handle(RedeliverWebhook(code, delivery_id, current_principal().actor, viewer()))
    return {"id": delivery_id, "status": "pending"}, 202
