# -*- coding: utf-8 -*-
# Copyright: ContraForce platform collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The control API under ``/_sim/`` (never validated against the contract, never journaled)."""

from __future__ import absolute_import, division, print_function

import datetime
import json

from . import contract
from .state import (
    SERVICE_PROVIDER_ID,
    ControlError,
    is_uuid,
    isoformat,
    new_uuid,
    parse_datetime,
    utcnow,
)

WEBHOOK_FIELDS = (
    "id", "serviceProviderId", "targetAccountId", "targetAccountName", "workspaceId", "name", "url", "status",
    "eventTypes", "monitoredAccountIds", "authenticationType", "hasSigningToken", "disableReason", "disabledAt",
    "createdAt", "lastModifiedAt",
)

LOG_FIELDS = (
    "id", "eventId", "eventType", "status", "httpStatusCode", "errorMessage", "eventSourceAccountId",
    "eventSourceAccountName", "eventSubjectId", "eventSubjectDisplayName", "eventSubjectAttributes",
    "webhookConfigurationId", "isTest", "originalDeliveryId", "attemptNumber", "latencyMs", "responseSnippet",
    "eventPayload", "eventOccurredAt", "completedAt", "redeliveryRequestedAt", "createdAt",
)

_META = {"requestId": "seed", "timestamp": "2025-01-01T00:00:00.000000+00:00"}


def _lower_ids(record, keys):
    for key in keys:
        if isinstance(record.get(key), str) and is_uuid(record[key]):
            record[key] = record[key].lower()


def _normalize_time(record, key):
    value = record.get(key)
    if isinstance(value, str):
        try:
            record[key] = isoformat(parse_datetime(value))
        except ValueError as exc:
            raise ControlError("%s is not an ISO-8601 timestamp: %r" % (key, value)) from exc


def build_seed_webhook(item, index, number):
    """Turn one seed item into a stored webhook DTO (defaults filled, contract-checked)."""
    if not isinstance(item, dict):
        raise ControlError("webhook %d: must be a JSON object" % index)
    if "secret" in item:
        raise ControlError("webhook %d: a secret is never stored (it is shown only in the create response)" % index)
    unknown = sorted(set(item) - set(WEBHOOK_FIELDS))
    if unknown:
        raise ControlError("webhook %d: unknown fields %s" % (index, ", ".join(unknown)))
    if not is_uuid(item.get("workspaceId")):
        raise ControlError("webhook %d: workspaceId (a UUID) is required" % index)
    ws_id = item["workspaceId"].lower()
    now = isoformat(utcnow())
    record = {
        "id": new_uuid(),
        "serviceProviderId": SERVICE_PROVIDER_ID,
        "targetAccountId": ws_id,
        "targetAccountName": "Workspace %s" % ws_id[:8],
        "workspaceId": ws_id,
        "name": "seeded-webhook-%d" % number,
        "url": "https://hooks.example.invalid/seeded/%d" % number,
        "status": "Active",
        "eventTypes": ["incident.created.v1"],
        "monitoredAccountIds": [],
        "authenticationType": "None",
        "hasSigningToken": False,
        "disableReason": None,
        "disabledAt": None,
        "createdAt": now,
        "lastModifiedAt": None,
    }
    record.update(item)
    if record["lastModifiedAt"] is None:
        record["lastModifiedAt"] = record["createdAt"]
    _lower_ids(record, ("id", "serviceProviderId", "targetAccountId", "workspaceId"))
    if isinstance(record.get("monitoredAccountIds"), list):
        record["monitoredAccountIds"] = [x.lower() if is_uuid(x) else x for x in record["monitoredAccountIds"]]
    for key in ("createdAt", "lastModifiedAt", "disabledAt"):
        _normalize_time(record, key)
    violation = contract.check_object("GET", "/api/v2/webhooks/%s" % record.get("id"), 200, {"data": record, "meta": _META})
    if violation:
        raise ControlError("webhook %d does not satisfy the contract: %s" % (index, violation))
    return record


def seed_webhooks(state, payload):
    items = payload.get("webhooks") if isinstance(payload, dict) else payload
    if not isinstance(items, list):
        raise ControlError("send a JSON list of webhooks (or {\"webhooks\": [...]})")
    records = []
    seen = set()
    for index, item in enumerate(items):
        record = build_seed_webhook(item, index, index + 1)
        if record["id"] in seen or state.get_webhook(record["id"]) is not None:
            raise ControlError("webhook %d: id %s already exists" % (index, record["id"]))
        seen.add(record["id"])
        records.append(record)
    return {"webhooks": [state.add_webhook(record) for record in records]}


def build_seed_log(item, index, webhook, default_created):
    if not isinstance(item, dict):
        raise ControlError("log %d: must be a JSON object" % index)
    unknown = sorted(set(item) - set(LOG_FIELDS))
    if unknown:
        raise ControlError("log %d: unknown fields %s" % (index, ", ".join(unknown)))
    created = isoformat(default_created)
    record = {
        "id": new_uuid(),
        "eventId": new_uuid(),
        "eventType": (webhook.get("eventTypes") or ["incident.created.v1"])[0],
        "status": "Succeeded",
        "httpStatusCode": 200,
        "errorMessage": None,
        "eventSourceAccountId": webhook["workspaceId"],
        "eventSourceAccountName": webhook.get("targetAccountName"),
        "eventSubjectId": None,
        "eventSubjectDisplayName": None,
        "eventSubjectAttributes": None,
        "webhookConfigurationId": webhook["id"],
        "isTest": False,
        "originalDeliveryId": None,
        "attemptNumber": 1,
        "latencyMs": 120,
        "responseSnippet": None,
        "eventPayload": None,
        "eventOccurredAt": None,
        "completedAt": None,
        "redeliveryRequestedAt": None,
        "createdAt": created,
    }
    record.update(item)
    _normalize_time(record, "createdAt")
    for key in ("eventOccurredAt", "completedAt"):
        if record[key] is None and key not in item:
            record[key] = record["createdAt"]
        _normalize_time(record, key)
    _normalize_time(record, "redeliveryRequestedAt")
    _lower_ids(record, ("id", "eventId", "eventSourceAccountId", "webhookConfigurationId", "originalDeliveryId"))
    if record["webhookConfigurationId"] != webhook["id"]:
        raise ControlError("log %d: webhookConfigurationId must be the webhook's id" % index)
    path = "/api/v2/webhooks/%s/delivery-logs/%s" % (webhook["id"], record.get("id"))
    violation = contract.check_object("GET", path, 200, {"data": record, "meta": _META})
    if violation:
        raise ControlError("log %d does not satisfy the contract: %s" % (index, violation))
    return record


def seed_delivery_logs(state, payload):
    """``{"webhookId": id, "logs": [...]}`` and/or ``"count": N`` generated logs one minute apart."""
    if not isinstance(payload, dict) or not is_uuid(payload.get("webhookId")):
        raise ControlError("send {\"webhookId\": <uuid>, \"logs\": [...], \"count\": N}")
    webhook = state.get_webhook(payload["webhookId"])
    if webhook is None:
        raise ControlError("unknown webhook %s" % payload["webhookId"], status=404)
    items = payload.get("logs") or []
    count = payload.get("count", 0)
    if not isinstance(items, list) or not isinstance(count, int) or isinstance(count, bool) or count < 0:
        raise ControlError("logs must be a list and count an integer >= 0")
    items = list(items) + [{} for dummy in range(count)]
    now = utcnow()
    records = []
    for index, item in enumerate(items):
        default_created = now - datetime.timedelta(minutes=len(items) - index)
        records.append(build_seed_log(item, index, webhook, default_created))
    return {"logs": state.add_delivery_logs(webhook["id"], records)}


class Control:
    """Dispatch of ``/_sim/...`` calls: returns (status, JSON-able body)."""

    def __init__(self, state):
        self.state = state

    def handle(self, method, path, query, body):
        route = (method, path.rstrip("/") or "/")
        try:
            payload = json.loads(body.decode("utf-8")) if body else None
        except ValueError:
            return 400, {"error": "the control API takes JSON bodies"}
        try:
            return self._route(route, query, payload)
        except ControlError as exc:
            return exc.status, {"error": str(exc)}

    def _route(self, route, query, payload):
        state = self.state
        if route == ("GET", "/_sim/health"):
            return 200, {"ok": True}
        if route == ("GET", "/_sim/journal"):
            since = query.get("since", "0")
            if not since.isdigit():
                raise ControlError("since must be a journal seq")
            return 200, {"entries": state.journal_entries(int(since))}
        if route == ("DELETE", "/_sim/journal"):
            state.clear_journal()
            return 200, {"entries": []}
        if route == ("POST", "/_sim/reset"):
            state.reset()
            return 200, {"ok": True}
        if route == ("GET", "/_sim/config"):
            return 200, state.get_config()
        if route == ("POST", "/_sim/config"):
            return 200, state.update_config(payload or {})
        if route == ("POST", "/_sim/webhooks"):
            return 200, seed_webhooks(state, payload)
        if route == ("POST", "/_sim/delivery-logs"):
            return 200, seed_delivery_logs(state, payload)
        if route == ("GET", "/_sim/faults"):
            return 200, {"faults": state.list_faults()}
        if route == ("POST", "/_sim/faults"):
            return 200, state.add_fault(payload)
        if route == ("DELETE", "/_sim/faults"):
            state.clear_faults()
            return 200, {"faults": []}
        if route == ("GET", "/_sim/state"):
            return 200, state.snapshot()
        raise ControlError("no control call %s %s" % route, status=404)
