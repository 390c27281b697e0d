"""intake's handlers, one per command or query (style §3: no Flask, no pika; they never commit)."""
from __future__ import annotations

from shared.sessions import revoked_session_handlers

from .. import commands as c
from .. import queries as q
from ..adapters.db import RevokedSession
from . import catalog, corrections, dispatch, messages, partner_events, plans, reads, tasks, webhooks

HANDLERS = {
    **revoked_session_handlers(RevokedSession),
    c.SubmitTask: tasks.submit_task,
    c.SubmitBatch: tasks.submit_batch,
    c.ReceiveTask: messages.receive_task,
    c.WithdrawTask: corrections.withdraw_task,
    c.OverrideUscc: corrections.override_uscc,
    c.CreatePlan: plans.create_plan,
    c.PublishPlan: plans.publish_plan,
    c.DispatchPlan: dispatch.dispatch_plan,
    c.DispatchDuePlans: dispatch.dispatch_due_plans,
    c.DispatchNextChunk: dispatch.dispatch_next_chunk,
    q.DispatchProgress: dispatch.dispatch_progress,
    c.LoadCatalog: catalog.load_catalog,
    c.CreateItem: catalog.create_item,
    c.ChangeItem: catalog.change_item,
    c.RotateDepartmentToken: catalog.rotate_department_token,
    q.TaskById: reads.task_by_id,
    q.Rejections: reads.rejections,
    q.Plans: reads.plans,
    q.PlanById: reads.plan_by_id,
    q.PlanVisits: reads.plan_visits,
    q.InspectionDetail: reads.inspection_detail,
    q.VisitCounts: reads.visit_counts,
    q.CatalogItems: reads.catalog_items,
    q.ItemByCode: reads.item_by_code,
    q.ItemVersions: reads.item_versions,
    q.Departments: reads.departments,
    q.DepartmentByToken: reads.department_by_token,
    c.RecordPartnerEvent: partner_events.record_partner_event,
    c.RecordBroadcastEvent: partner_events.record_broadcast_event,
    c.RegisterWebhook: webhooks.register_webhook,
    c.RemoveWebhook: webhooks.remove_webhook,
    c.RedeliverWebhook: webhooks.redeliver_webhook,
    c.ClaimDueDeliveries: webhooks.claim_due_deliveries,
    c.RecordDeliveryAttempt: webhooks.record_delivery_attempt,
    q.PartnerEvents: partner_events.partner_events,
    q.Webhooks: webhooks.webhooks,
    q.WebhookDeliveries: webhooks.webhook_deliveries,
}
