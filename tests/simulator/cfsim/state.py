# -*- coding: utf-8 -*-
# Copyright: ContraForce platform collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""In-memory state of the simulator: config, webhooks, delivery logs, fault rules, journal.

Everything here is guarded by one lock. Nothing here ever holds a credential: webhook
secrets, tokens, passwords and signing tokens are not stored at all (only the flags that
the API returns), and the journal redacts request bodies before storing them.
"""

from __future__ import absolute_import, division, print_function

import copy
import datetime
import re
import threading
import time
import uuid

SERVICE_PROVIDER_ID = "5e1ec7ed-c0f0-4a11-9c3e-00000000cf01"
SERVICE_ACCOUNT_ID = "5e1ec7ed-c0f0-4a11-9c3e-00000000cf02"

REDACTED = "***REDACTED***"
SECRET_KEYS = frozenset(
    k.lower() for k in (
        "token", "password", "signingToken", "secret", "clientSecret", "client_secret",
        "apiToken", "api_token", "authorization",
    )
)

DEFAULT_CONFIG = {
    "list_shape": 2,
    "page_size": 50,
    "latency_ms": 0,
    "forbidden_workspaces": [],
    "missing_workspaces": [],
    "workspaces": [],
}

FAULT_KINDS = ("status", "reset", "drop_after_store", "hang", "latency", "malformed_json", "html")
FAULT_DEFAULT_DELAY = {"hang": 30.0, "latency": 1.0}
WORKSPACE_ROLES = ("Owner", "ContentAdmin", "IncidentResponder", "IncidentAnalyst", "WorkspaceReader")

_UUID_RE = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")


class ControlError(Exception):
    """A bad control-API call (answered 400 / 404 with ``{"error": text}``)."""

    def __init__(self, message, status=400):
        super(ControlError, self).__init__(message)
        self.status = status


def utcnow():
    return datetime.datetime.now(datetime.timezone.utc)


def isoformat(moment):
    """ISO-8601 UTC with microseconds and an explicit offset (readable by datetime.fromisoformat on 3.7+)."""
    return moment.astimezone(datetime.timezone.utc).isoformat(timespec="microseconds")


def parse_datetime(text):
    """Parse an ISO-8601 / RFC 3339 timestamp (``Z`` allowed, any fraction length); naive means UTC."""
    value = text.strip()
    if value.endswith(("Z", "z")):
        value = value[:-1] + "+00:00"
    match = re.match(r"^(.*T\d\d:\d\d:\d\d)(\.\d+)?(.*)$", value)
    if match and match.group(2):
        value = match.group(1) + (match.group(2) + "000000")[:7] + match.group(3)
    moment = datetime.datetime.fromisoformat(value)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.timezone.utc)
    return moment


def is_uuid(value):
    return isinstance(value, str) and bool(_UUID_RE.match(value))


def redact(value):
    """Deep copy of a JSON value with every secret-named member replaced by ``***REDACTED***``."""
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            if str(key).lower() in SECRET_KEYS and item not in (None, ""):
                out[key] = REDACTED
            else:
                out[key] = redact(item)
        return out
    if isinstance(value, list):
        return [redact(item) for item in value]
    return value


def _workspace_list(value, name):
    if not isinstance(value, list) or not all(is_uuid(item) for item in value):
        raise ControlError("%s must be a list of workspace UUIDs" % name)
    return [item.lower() for item in value]


def _workspaces(value):
    if not isinstance(value, list):
        raise ControlError("workspaces must be a list")
    out = []
    for item in value:
        if isinstance(item, str):
            item = {"workspaceId": item}
        if not isinstance(item, dict) or not is_uuid(item.get("workspaceId")):
            raise ControlError("each workspace needs a workspaceId UUID")
        role = item.get("role", "Owner")
        if role not in WORKSPACE_ROLES:
            raise ControlError("role must be one of %s" % ", ".join(WORKSPACE_ROLES))
        ws_id = item["workspaceId"].lower()
        out.append({
            "workspaceId": ws_id,
            "workspaceName": item.get("workspaceName") or "Workspace %s" % ws_id[:8],
            "role": role,
        })
    return out


def normalize_config(update):
    """Validate a config update (a dict of known keys) and return it normalized."""
    if not isinstance(update, dict):
        raise ControlError("config must be a JSON object")
    unknown = sorted(set(update) - set(DEFAULT_CONFIG))
    if unknown:
        raise ControlError("unknown config keys: %s (known: %s)" % (", ".join(unknown), ", ".join(sorted(DEFAULT_CONFIG))))
    out = {}
    for key, value in update.items():
        if key == "list_shape":
            if value not in (1, 2, 3) or isinstance(value, bool):
                raise ControlError("list_shape must be 1, 2 or 3")
            out[key] = value
        elif key in ("page_size", "latency_ms"):
            minimum = 1 if key == "page_size" else 0
            if not isinstance(value, int) or isinstance(value, bool) or value < minimum:
                raise ControlError("%s must be an integer >= %d" % (key, minimum))
            out[key] = value
        elif key == "workspaces":
            out[key] = _workspaces(value)
        else:
            out[key] = _workspace_list(value, key)
    return out


def normalize_fault(rule):
    """Validate a fault rule and fill in its defaults."""
    if not isinstance(rule, dict):
        raise ControlError("a fault rule must be a JSON object")
    known = {"method", "path_regex", "kind", "times", "status", "code", "retry_after", "delay_s", "detail", "errors"}
    unknown = sorted(set(rule) - known)
    if unknown:
        raise ControlError("unknown fault keys: %s" % ", ".join(unknown))
    kind = rule.get("kind")
    if kind not in FAULT_KINDS:
        raise ControlError("kind must be one of %s" % ", ".join(FAULT_KINDS))
    out = {"kind": kind}
    method = rule.get("method")
    out["method"] = method.upper() if isinstance(method, str) and method else None
    regex = rule.get("path_regex")
    if regex is not None:
        try:
            re.compile(regex)
        except (re.error, TypeError) as exc:
            raise ControlError("path_regex is not a valid regular expression: %s" % exc) from exc
    out["path_regex"] = regex
    times = rule.get("times", 1)
    if not isinstance(times, int) or isinstance(times, bool) or (times < 1 and times != -1):
        raise ControlError("times must be an integer >= 1 (or -1 for unlimited)")
    out["times"] = times
    default_status = {"status": 503, "html": 502}.get(kind)
    status = rule.get("status", default_status)
    if status is not None and (not isinstance(status, int) or isinstance(status, bool) or not 100 <= status <= 599):
        raise ControlError("status must be an HTTP status code")
    out["status"] = status
    out["code"] = rule.get("code")
    retry_after = rule.get("retry_after")
    out["retry_after"] = None if retry_after is None else str(retry_after)
    delay = rule.get("delay_s", FAULT_DEFAULT_DELAY.get(kind, 0.0))
    if not isinstance(delay, (int, float)) or isinstance(delay, bool) or delay < 0:
        raise ControlError("delay_s must be a number >= 0")
    out["delay_s"] = float(delay)
    out["detail"] = rule.get("detail")
    errors = rule.get("errors")
    if errors is not None and not (
        isinstance(errors, dict)
        and all(isinstance(v, list) and all(isinstance(m, str) for m in v) for v in errors.values())
    ):
        raise ControlError("errors must be a field map: {\"field\": [\"message\", ...]}")
    out["errors"] = errors
    return out


class State:
    """All mutable simulator state, guarded by ``self.lock``."""

    def __init__(self, config_defaults=None):
        self.lock = threading.RLock()
        self.changed = threading.Condition(self.lock)
        self.generation = 0
        self.defaults = copy.deepcopy(DEFAULT_CONFIG)
        self.defaults.update(normalize_config(config_defaults or {}))
        self.config = copy.deepcopy(self.defaults)
        self.webhooks = {}
        self.delivery_logs = {}
        self.faults = []
        self.journal = []
        self._seq = 0
        self._order = 0
        self._fault_ids = 0

    # ---- lifecycle -------------------------------------------------------------------------
    def reset(self):
        with self.lock:
            self.generation += 1
            self.config = copy.deepcopy(self.defaults)
            self.webhooks = {}
            self.delivery_logs = {}
            self.faults = []
            self.journal = []
            self._seq = 0
            self._order = 0
            self.changed.notify_all()

    def sleep(self, seconds, generation):
        """Sleep up to ``seconds``; return False at once if a reset happens meanwhile."""
        deadline = time.monotonic() + seconds
        with self.lock:
            while self.generation == generation:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return True
                self.changed.wait(remaining)
            return False

    def wake_all(self):
        """Interrupt every sleeper (used on shutdown)."""
        with self.lock:
            self.generation += 1
            self.changed.notify_all()

    # ---- config ----------------------------------------------------------------------------
    def update_config(self, update):
        update = normalize_config(update)
        with self.lock:
            self.config.update(update)
            return copy.deepcopy(self.config)

    def get_config(self):
        with self.lock:
            return copy.deepcopy(self.config)

    # ---- faults ----------------------------------------------------------------------------
    def add_fault(self, rule):
        rule = normalize_fault(rule)
        with self.lock:
            self._fault_ids += 1
            rule["id"] = self._fault_ids
            self.faults.append(rule)
            return dict(rule)

    def clear_faults(self):
        with self.lock:
            self.faults = []

    def list_faults(self):
        with self.lock:
            return [dict(rule) for rule in self.faults]

    def take_fault(self, method, path):
        """Return (a copy of) the first rule matching this request, counting it down; or None."""
        with self.lock:
            for rule in self.faults:
                if rule["method"] and rule["method"] != method.upper():
                    continue
                if rule["path_regex"] and not re.search(rule["path_regex"], path):
                    continue
                if rule["times"] != -1:
                    rule["times"] -= 1
                    if rule["times"] <= 0:
                        self.faults.remove(rule)
                return dict(rule)
            return None

    # ---- journal ---------------------------------------------------------------------------
    def record(self, entry, generation):
        """Append a journal entry (its body must already be redacted); returns its seq."""
        with self.lock:
            if generation != self.generation:
                return None
            self._seq += 1
            entry = dict(entry, seq=self._seq)
            self.journal.append(entry)
            return self._seq

    def journal_entries(self, since=0):
        with self.lock:
            return [copy.deepcopy(e) for e in self.journal if e["seq"] > since]

    def clear_journal(self):
        with self.lock:
            self.journal = []

    # ---- webhooks --------------------------------------------------------------------------
    def next_order(self):
        with self.lock:
            self._order += 1
            return self._order

    def add_webhook(self, webhook):
        """Store a webhook DTO (never with a secret)."""
        with self.lock:
            stored = dict(webhook)
            stored.pop("secret", None)
            self._order += 1
            self.webhooks[stored["id"]] = (self._order, stored)
            self.delivery_logs.setdefault(stored["id"], [])
            return copy.deepcopy(stored)

    def get_webhook(self, webhook_id):
        with self.lock:
            item = self.webhooks.get(webhook_id.lower())
            return copy.deepcopy(item[1]) if item else None

    def update_webhook(self, webhook_id, changes):
        with self.lock:
            order, stored = self.webhooks[webhook_id.lower()]
            stored = dict(stored, **changes)
            self.webhooks[webhook_id.lower()] = (order, stored)
            return copy.deepcopy(stored)

    def delete_webhook(self, webhook_id):
        with self.lock:
            self.delivery_logs.pop(webhook_id.lower(), None)
            return self.webhooks.pop(webhook_id.lower(), None) is not None

    def list_webhooks(self):
        """All webhooks as (order, dto) ordered by creation."""
        with self.lock:
            return [(order, copy.deepcopy(dto)) for order, dto in sorted(self.webhooks.values(), key=lambda item: item[0])]

    # ---- delivery logs ---------------------------------------------------------------------
    def add_delivery_logs(self, webhook_id, logs):
        with self.lock:
            if webhook_id.lower() not in self.webhooks:
                raise ControlError("unknown webhook %s" % webhook_id, status=404)
            bucket = self.delivery_logs.setdefault(webhook_id.lower(), [])
            for log in logs:
                self._order += 1
                bucket.append((self._order, dict(log)))
            return copy.deepcopy(logs)

    def get_delivery_logs(self, webhook_id):
        with self.lock:
            return [(order, copy.deepcopy(log)) for order, log in self.delivery_logs.get(webhook_id.lower(), [])]

    # ---- snapshot --------------------------------------------------------------------------
    def snapshot(self):
        with self.lock:
            return {
                "webhooks": [dto for dummy, dto in self.list_webhooks()],
                "delivery_logs": dict((wid, len(logs)) for wid, logs in self.delivery_logs.items()),
                "config": copy.deepcopy(self.config),
                "faults": [dict(rule) for rule in self.faults],
                "journal_length": len(self.journal),
            }


def new_uuid():
    return str(uuid.uuid4())
