# -*- coding: utf-8 -*-
# Copyright: ContraForce platform collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The simulated ContraForce API v2 operations (business rules only; no HTTP, no contract).

Each operation returns a ``Reply`` or raises ``ApiProblem``; the server turns both into HTTP,
validates them against the OpenAPI contract and journals them.
"""

from __future__ import absolute_import, division, print_function

import base64
import binascii
import json
import re
import secrets

from urllib.parse import urlsplit

from .state import (
    SERVICE_ACCOUNT_ID,
    SERVICE_PROVIDER_ID,
    is_uuid,
    isoformat,
    new_uuid,
    parse_datetime,
    utcnow,
)

PROBLEM_TYPE = "https://docs.contraforce.com/api-reference/errors"
EVENT_TYPE_RE = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+\.v[0-9]+$")
AUTH_TYPES = ("None", "BasicAuth", "BearerToken")

TITLES = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    409: "Conflict",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}
CODES = {
    400: "BAD_REQUEST",
    401: "UNAUTHORIZED",
    403: "FORBIDDEN",
    404: "NOT_FOUND",
    405: "METHOD_NOT_ALLOWED",
    409: "CONFLICT",
    429: "TOO_MANY_REQUESTS",
    500: "INTERNAL_ERROR",
    502: "BAD_GATEWAY",
    503: "SERVICE_UNAVAILABLE",
    504: "GATEWAY_TIMEOUT",
}


class ApiProblem(Exception):
    """An RFC 7807 problem answer."""

    def __init__(self, status, code=None, detail=None, errors=None, headers=None):
        super(ApiProblem, self).__init__(detail or code or str(status))
        self.status = status
        self.code = code or CODES.get(status, "ERROR")
        self.detail = detail
        self.errors = errors
        self.headers = headers or {}


class Reply:
    """A successful answer: status, JSON body (or None), extra headers."""

    def __init__(self, status, body=None, headers=None):
        self.status = status
        self.body = body
        self.headers = headers or {}


def meta(request_id):
    return {"requestId": request_id, "timestamp": isoformat(utcnow())}


def problem_body(status, code, detail, request_id, instance, errors=None):
    return {
        "type": PROBLEM_TYPE,
        "title": TITLES.get(status, "Error"),
        "status": status,
        "detail": detail,
        "instance": instance,
        "code": code,
        "requestId": request_id,
        "timestamp": isoformat(utcnow()),
        "errors": errors,
    }


def validation_problem(errors, detail="One or more validation errors occurred."):
    return ApiProblem(400, "VALIDATION_ERROR", detail, errors=errors)


def _encode_token(payload):
    raw = json.dumps(payload, sort_keys=True, separators=(",", ":")).encode("utf-8")
    return "cft1." + base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def _decode_token(token, scope):
    """Decode a continuation token issued for ``scope``; raise 400 if it is not one of ours."""
    try:
        if not token.startswith("cft1."):
            raise ValueError("prefix")
        body = token[5:]
        payload = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)).decode("utf-8"))
        if not isinstance(payload, dict) or payload.get("scope") != scope:
            raise ValueError("scope")
        return payload
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError) as exc:
        raise ApiProblem(
            400, "BAD_REQUEST", "The continuation token is invalid or belongs to another query.",
            errors={"continuationToken": ["The continuation token is invalid or belongs to another query."]},
        ) from exc


def _absolute_http_url(value):
    if not isinstance(value, str) or value != value.strip() or any(ch.isspace() for ch in value):
        return False
    try:
        parts = urlsplit(value)
        return parts.scheme in ("http", "https") and bool(parts.hostname)
    except ValueError:
        return False


def _add(errors, field, message):
    errors.setdefault(field, []).append(message)


def _check_credentials(body, errors):
    auth_type = body.get("authenticationType")
    if auth_type is None:
        auth_type = "None"
    if auth_type == "BasicAuth":
        for field in ("username", "password"):
            if not body.get(field):
                _add(errors, field, "'%s' is required when authenticationType is BasicAuth." % field)
    elif auth_type == "BearerToken":
        if not body.get("token"):
            _add(errors, "token", "'token' is required when authenticationType is BearerToken.")
    return auth_type


def validate_create(body):
    """Business validation of a create request; return the field map of errors (empty if fine)."""
    errors = {}
    if not is_uuid(body.get("workspaceId")):
        _add(errors, "workspaceId", "'workspaceId' is required and must be a UUID.")
    name = body.get("name")
    if not isinstance(name, str) or not name.strip():
        _add(errors, "name", "'name' must not be empty.")
    if not _absolute_http_url(body.get("url")):
        _add(errors, "url", "'url' must be an absolute http or https URL.")
    event_types = body.get("eventTypes")
    if not isinstance(event_types, list) or not event_types:
        _add(errors, "eventTypes", "'eventTypes' must contain at least one event type.")
    else:
        for item in event_types:
            if not isinstance(item, str) or not EVENT_TYPE_RE.match(item):
                _add(errors, "eventTypes", "'%s' is not an event type of the form <resource>.<verb>.v<N>." % (item,))
    monitored = body.get("monitoredAccountIds")
    if monitored is not None:
        for item in monitored:
            if not is_uuid(item):
                _add(errors, "monitoredAccountIds", "'%s' is not a UUID." % (item,))
    _check_credentials(body, errors)
    return errors


def read_dto(stored):
    """What list / get return for a stored webhook (the store never has a secret anyway)."""
    dto = dict(stored)
    dto.pop("secret", None)
    return dto


class Api:
    """Routes and operations of the simulated API."""

    def __init__(self, state, credentials):
        self.state = state
        self.credentials = credentials
        self.routes = [
            ("POST", re.compile(r"^/api/v2/webhooks$"), self.create_webhook),
            ("GET", re.compile(r"^/api/v2/webhooks$"), self.list_webhooks),
            ("GET", re.compile(r"^/api/v2/webhooks/([^/]+)$"), self.get_webhook),
            ("DELETE", re.compile(r"^/api/v2/webhooks/([^/]+)$"), self.delete_webhook),
            ("POST", re.compile(r"^/api/v2/webhooks/([^/]+)/credentials$"), self.update_credentials),
            ("GET", re.compile(r"^/api/v2/webhooks/([^/]+)/delivery-logs$"), self.list_delivery_logs),
            ("GET", re.compile(r"^/api/v2/webhooks/([^/]+)/delivery-logs/([^/]+)$"), self.get_delivery_log),
            ("GET", re.compile(r"^/api/v2/service-accounts$"), self.list_service_accounts),
        ]

    def dispatch(self, request):
        """Run the operation for an already authenticated and contract-valid ``request``."""
        for method, pattern, handler in self.routes:
            match = pattern.match(request.path)
            if match and method == request.method:
                return handler(request, *match.groups())
        raise ApiProblem(404, "NOT_FOUND", "No API route matches %s." % request.path)

    # ---- helpers ---------------------------------------------------------------------------
    def _check_workspace(self, workspace_id):
        config = self.state.get_config()
        ws_id = workspace_id.lower()
        if ws_id in config["forbidden_workspaces"]:
            raise ApiProblem(
                403, "INSUFFICIENT_WORKSPACE_ROLE",
                "The caller has no role on workspace %s that allows this operation." % ws_id,
            )
        if ws_id in config["missing_workspaces"]:
            raise ApiProblem(404, "NOT_FOUND", "Workspace %s was not found." % ws_id)

    def _webhook(self, webhook_id):
        stored = self.state.get_webhook(webhook_id)
        if stored is None:
            raise ApiProblem(404, "NOT_FOUND", "Webhook %s was not found." % webhook_id.lower())
        self._check_workspace(stored["workspaceId"])
        return stored

    @staticmethod
    def _json_body(request):
        if not request.body:
            raise validation_problem({"": ["A JSON request body is required."]})
        body = json.loads(request.body.decode("utf-8"))
        if not isinstance(body, dict):
            raise validation_problem({"": ["The request body must be a JSON object."]})
        return body

    @staticmethod
    def _page_size(request, configured):
        size = configured
        requested = request.query.get("pageSize")
        if requested is not None:
            size = min(size, int(requested))
        return max(size, 1)

    # ---- webhooks --------------------------------------------------------------------------
    def create_webhook(self, request):
        body = self._json_body(request)
        errors = validate_create(body)
        if errors:
            raise validation_problem(errors)
        self._check_workspace(body["workspaceId"])
        now = isoformat(utcnow())
        ws_id = body["workspaceId"].lower()
        stored = self.state.add_webhook({
            "id": new_uuid(),
            "serviceProviderId": SERVICE_PROVIDER_ID,
            "targetAccountId": ws_id,
            "targetAccountName": "Workspace %s" % ws_id[:8],
            "workspaceId": ws_id,
            "name": body["name"],
            "url": body["url"],
            "status": "Active",
            "eventTypes": list(body["eventTypes"]),
            "monitoredAccountIds": [item.lower() for item in body.get("monitoredAccountIds") or []],
            "authenticationType": body.get("authenticationType") or "None",
            "hasSigningToken": bool(body.get("signingToken")),
            "disableReason": None,
            "disabledAt": None,
            "createdAt": now,
            "lastModifiedAt": now,
        })
        created = dict(stored, secret="whsec_" + secrets.token_urlsafe(24))
        return Reply(201, {"data": created, "meta": meta(request.request_id)}, {"Location": "/api/v2/webhooks/" + stored["id"]})

    def list_webhooks(self, request):
        config = self.state.get_config()
        ws_id = request.query.get("workspaceId")
        if ws_id:
            ws_id = ws_id.lower()
            self._check_workspace(ws_id)
        hidden = set(config["forbidden_workspaces"]) | set(config["missing_workspaces"])
        rows = []
        for order, dto in self.state.list_webhooks():
            wanted = dto["workspaceId"] == ws_id if ws_id else dto["workspaceId"] not in hidden
            if wanted:
                rows.append((order, read_dto(dto)))
        shape = config["list_shape"]
        if shape == 1:
            return Reply(200, {"data": [dto for dummy, dto in rows], "meta": meta(request.request_id)})
        size = self._page_size(request, config["page_size"])
        scope = "webhooks:%s" % (ws_id or "*")
        after = 0
        token = request.query.get("continuationToken")
        if token:
            after = _decode_token(token, scope).get("after", 0)
        rows = [row for row in rows if row[0] > after]
        page = rows[:size]
        has_more = len(rows) > size
        next_token = _encode_token({"scope": scope, "after": page[-1][0]}) if has_more else None
        items = [dto for dummy, dto in page]
        if shape == 2:
            body = {"data": items, "pagination": {"continuationToken": next_token, "hasMore": has_more}}
        else:
            body = {"data": {"items": items, "continuationToken": next_token, "hasMore": has_more}}
        body["meta"] = meta(request.request_id)
        return Reply(200, body)

    def get_webhook(self, request, webhook_id):
        return Reply(200, {"data": read_dto(self._webhook(webhook_id)), "meta": meta(request.request_id)})

    def delete_webhook(self, request, webhook_id):  # pylint: disable=unused-argument
        self._webhook(webhook_id)
        if not self.state.delete_webhook(webhook_id):
            raise ApiProblem(404, "NOT_FOUND", "Webhook %s was not found." % webhook_id.lower())
        return Reply(204)

    def update_credentials(self, request, webhook_id):
        body = self._json_body(request)
        errors = {}
        if body.get("authenticationType") not in AUTH_TYPES:
            _add(errors, "authenticationType", "'authenticationType' is required: None, BasicAuth or BearerToken.")
        else:
            _check_credentials(body, errors)
        if errors:
            raise validation_problem(errors)
        self._webhook(webhook_id)
        stored = self.state.update_webhook(webhook_id, {
            "authenticationType": body["authenticationType"],
            "hasSigningToken": bool(body.get("signingToken")),
            "lastModifiedAt": isoformat(utcnow()),
        })
        data = {"id": stored["id"], "authenticationType": stored["authenticationType"], "hasSigningToken": stored["hasSigningToken"]}
        return Reply(200, {"data": data, "meta": meta(request.request_id)})

    # ---- delivery logs ---------------------------------------------------------------------
    def list_delivery_logs(self, request, webhook_id):
        stored = self._webhook(webhook_id)
        config = self.state.get_config()
        lower = request.query.get("from")
        upper = request.query.get("to")
        lower = parse_datetime(lower) if lower else None
        upper = parse_datetime(upper) if upper else None
        rows = []
        for order, log in self.state.get_delivery_logs(stored["id"]):
            created = parse_datetime(log["createdAt"])
            if (lower is None or created >= lower) and (upper is None or created <= upper):
                rows.append((created, order, log))
        rows.sort(key=lambda row: (row[0], row[1]), reverse=True)
        size = self._page_size(request, config["page_size"])
        scope = "logs:%s:%s:%s" % (stored["id"], request.query.get("from") or "", request.query.get("to") or "")
        offset = 0
        token = request.query.get("continuationToken")
        if token:
            offset = _decode_token(token, scope).get("offset", 0)
        page = rows[offset:offset + size]
        has_more = len(rows) > offset + size
        next_token = _encode_token({"scope": scope, "offset": offset + size}) if has_more else None
        data = {"items": [row[2] for row in page], "continuationToken": next_token, "hasMore": has_more}
        return Reply(200, {"data": data, "meta": meta(request.request_id)})

    def get_delivery_log(self, request, webhook_id, log_id):
        stored = self._webhook(webhook_id)
        created_at = parse_datetime(request.query["createdAt"])
        for dummy, log in self.state.get_delivery_logs(stored["id"]):
            if log["id"] == log_id.lower() and parse_datetime(log["createdAt"]) == created_at:
                return Reply(200, {"data": log, "meta": meta(request.request_id)})
        raise ApiProblem(404, "NOT_FOUND", "Delivery log %s (createdAt %s) was not found." % (log_id.lower(), request.query["createdAt"]))

    # ---- service accounts ------------------------------------------------------------------
    def list_service_accounts(self, request):
        config = self.state.get_config()
        created = "2025-01-01T00:00:00.000000+00:00"
        account = {
            "id": SERVICE_ACCOUNT_ID,
            "accountId": SERVICE_PROVIDER_ID,
            "name": self.credentials.get("client_id") or "simulator",
            "description": "cfsim service account",
            "isActive": True,
            "organizationalRole": "Member",
            "clientSecretPrefix": None,
            "credentialExpirationDate": None,
            "workspaceAssignments": [dict(item) for item in config["workspaces"]],
            "credentials": [],
            "lastUsedAt": isoformat(utcnow()),
            "createdAt": created,
            "lastModifiedAt": created,
        }
        return Reply(200, {"data": [account], "meta": meta(request.request_id)})
