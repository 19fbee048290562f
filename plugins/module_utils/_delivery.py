# -*- coding: utf-8 -*-
# Copyright: ContraForce platform collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Delivery-log logic of ``webhook_delivery_info``: durations, ISO-8601 timestamps, the time
window, the outcome of one delivery, the summary of many, and the bounded paging loop.

Everything but ``fetch_deliveries`` is pure (no I/O, ``now`` is a parameter), so the unit
tests cover it without a server.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re
from datetime import datetime, timedelta, timezone

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict

from ansible_collections.contraforce.platform.plugins.module_utils import _api as api
from ansible_collections.contraforce.platform.plugins.module_utils._client import parse_list_page
from ansible_collections.contraforce.platform.plugins.module_utils._errors import ResponseFormatError

# ---------------------------------------------------------------------------- durations

_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
_COMPACT_PART = re.compile(r"(\d+)\s*([smhdw])", re.IGNORECASE)
_COMPACT_WHOLE = re.compile(r"^(\s*\d+\s*[smhdw])+\s*$", re.IGNORECASE)
_ISO_DURATION = re.compile(r"^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$", re.IGNORECASE)


def parse_duration(text):
    """Seconds in a duration such as ``30m``, ``1h``, ``2d``, ``1w``, ``1h30m`` or ISO-8601 ``PT1H``.

    Units: ``s`` seconds, ``m`` minutes, ``h`` hours, ``d`` days, ``w`` weeks. Raises
    ``ValueError`` (with a message for the user) for anything else or for a zero duration.
    """
    if not isinstance(text, str):
        raise ValueError("%r is not a duration such as 30m, 1h, 2d or 1h30m" % (text,))
    value = text.strip()
    seconds = None
    if _COMPACT_WHOLE.match(value):
        seconds = sum(int(number) * _UNIT_SECONDS[unit.lower()] for number, unit in _COMPACT_PART.findall(value))
    else:
        match = _ISO_DURATION.match(value)
        if match and value.upper() not in ("P", "PT") and not value.upper().endswith("T"):
            weeks, days, hours, minutes, secs = (int(g or 0) for g in match.groups())
            seconds = weeks * 604800 + days * 86400 + hours * 3600 + minutes * 60 + secs
    if seconds is None:
        raise ValueError("%r is not a duration such as 30m, 1h, 2d or 1h30m (units s, m, h, d, w)" % (text,))
    if seconds <= 0:
        raise ValueError("%r is not a positive duration" % (text,))
    return seconds


# ---------------------------------------------------------------------------- timestamps

_ISO_TIMESTAMP = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})"
    r"(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?"
    r"\s*(Z|[+-]\d{2}(?::?\d{2})?)?$",
    re.IGNORECASE,
)


def parse_timestamp(text):
    """An aware UTC ``datetime`` from ISO-8601 text, or raise ``ValueError``.

    Accepts ``2024-05-01``, ``2024-05-01T12:00``, ``2024-05-01T12:00:00Z``, offsets such as
    ``+02:00`` and any number of fractional digits (.NET writes seven). Text without an
    offset is UTC.
    """
    if isinstance(text, datetime):
        return text if text.tzinfo else text.replace(tzinfo=timezone.utc)
    match = _ISO_TIMESTAMP.match(str(text).strip()) if text is not None else None
    if not match:
        raise ValueError("%r is not an ISO-8601 timestamp such as 2024-05-01T12:00:00Z" % (text,))
    year, month, day, hour, minute, second, fraction, offset = match.groups()
    micro = int((fraction or "0")[:6].ljust(6, "0"))
    try:
        moment = datetime(int(year), int(month), int(day), int(hour or 0), int(minute or 0), int(second or 0), micro,
                          tzinfo=timezone.utc)
    except ValueError as exc:
        raise ValueError("%r is not a valid date and time: %s" % (text, exc))
    if offset and offset.upper() != "Z":
        sign = -1 if offset[0] == "-" else 1
        digits = offset[1:].replace(":", "")
        delta = timedelta(hours=int(digits[:2]), minutes=int(digits[2:4] or 0))
        moment -= sign * delta
    return moment


def format_timestamp(moment):
    """``YYYY-MM-DDTHH:MM:SS[.ffffff]Z`` (UTC) of an aware ``datetime``."""
    moment = moment.astimezone(timezone.utc)
    text = moment.strftime("%Y-%m-%dT%H:%M:%S")
    if moment.microsecond:
        text += ".%06d" % moment.microsecond
    return text + "Z"


def resolve_window(since=None, date_from=None, date_to=None, now=None):
    """Return ``(from, to)`` as UTC ISO-8601 text (either may be None) and the problems found.

    ``since`` is a duration counted back from ``now``; it excludes ``date_from``/``date_to``.
    Problems are ``(field, reason)`` pairs, in the form of ``_webhook.WebhookInputError``.
    """
    problems = []
    start = end = None
    if since is not None and (date_from is not None or date_to is not None):
        problems.append(("since", "cannot be combined with from or to"))
        return None, None, problems
    if since is not None:
        try:
            seconds = parse_duration(since)
        except ValueError as exc:
            problems.append(("since", str(exc)))
            return None, None, problems
        now = parse_timestamp(now) if now is not None else datetime.now(timezone.utc)
        return format_timestamp(now - timedelta(seconds=seconds)), None, problems
    for field, value in (("from", date_from), ("to", date_to)):
        if value is None:
            continue
        try:
            moment = parse_timestamp(value)
        except ValueError as exc:
            problems.append((field, str(exc)))
            continue
        if field == "from":
            start = moment
        else:
            end = moment
    if start is not None and end is not None and start > end:
        problems.append(("to", "%s is before from %s" % (format_timestamp(end), format_timestamp(start))))
    return (format_timestamp(start) if start else None), (format_timestamp(end) if end else None), problems


# ---------------------------------------------------------------------------- outcomes

# ContraForce documents only the status "Pending"; the other names are the usual ones and are
# matched case-insensitively. A status outside these lists is judged by its HTTP status code.
SUCCESS_STATUSES = ("succeeded", "success", "successful", "delivered", "sent", "completed", "ok")
FAILURE_STATUSES = ("failed", "failure", "error", "errored", "timedout", "timeout", "rejected", "abandoned",
                    "deadlettered", "exhausted", "cancelled", "canceled")
PENDING_STATUSES = ("pending", "queued", "scheduled", "retrying", "inprogress", "processing", "sending")


def outcome(delivery):
    """``success``, ``failure``, ``pending`` or ``unknown`` for one API delivery log."""
    status = str(delivery.get("status") or "").replace(" ", "").replace("_", "").lower()
    if status in SUCCESS_STATUSES:
        return "success"
    if status in FAILURE_STATUSES:
        return "failure"
    if status in PENDING_STATUSES:
        return "pending"
    code = _http_code(delivery)
    if code is None:
        return "unknown"
    return "success" if 200 <= code < 300 else "failure"


def _http_code(delivery):
    code = delivery.get("httpStatusCode")
    if isinstance(code, bool):
        return None
    try:
        return int(code) if code is not None else None
    except (TypeError, ValueError):
        return None


def _moment(delivery):
    """When a delivery happened: ``(datetime, text)`` of its ``completedAt``, else of its ``createdAt``.

    When neither parses, the datetime is None and the text is the first one the API gave.
    """
    first = None
    for key in ("completedAt", "createdAt"):
        value = delivery.get(key)
        if value:
            first = first or value
            try:
                return parse_timestamp(value), value
            except ValueError:
                continue
    return None, first


def summarize(deliveries):
    """The summary of API delivery logs (camelCase, as the API returns them).

    ``total``; ``succeeded`` / ``failed`` / ``pending`` / ``unknown`` (see ``outcome``);
    ``test_deliveries``; ``by_status`` (the API's status -> count, ``Unknown`` when missing);
    ``by_http_status`` (code as text -> count, ``none`` when no HTTP answer was recorded);
    ``last_success`` / ``last_failure`` (timestamp text as the API wrote it, by time, not by
    order) with ``last_success_http_status`` / ``last_failure_http_status`` /
    ``last_failure_error``; ``success_rate`` = succeeded / (succeeded + failed), rounded to
    four places, None when nothing finished.
    """
    summary = {
        "total": 0, "succeeded": 0, "failed": 0, "pending": 0, "unknown": 0, "test_deliveries": 0,
        "by_status": {}, "by_http_status": {},
        "last_success": None, "last_success_http_status": None,
        "last_failure": None, "last_failure_http_status": None, "last_failure_error": None,
        "success_rate": None,
    }
    counters = {"success": "succeeded", "failure": "failed", "pending": "pending", "unknown": "unknown"}
    latest = {}
    for delivery in deliveries:
        summary["total"] += 1
        if delivery.get("isTest") is True:
            summary["test_deliveries"] += 1
        status = delivery.get("status") or "Unknown"
        summary["by_status"][status] = summary["by_status"].get(status, 0) + 1
        code = _http_code(delivery)
        key = str(code) if code is not None else "none"
        summary["by_http_status"][key] = summary["by_http_status"].get(key, 0) + 1
        kind = outcome(delivery)
        summary[counters[kind]] += 1
        if kind in ("success", "failure"):
            moment, text = _moment(delivery)
            best = latest.get(kind)
            if best is None or (moment is not None and (best[0] is None or moment > best[0])):
                latest[kind] = (moment, text, delivery)
    if "success" in latest:
        _moment_, text, delivery = latest["success"]
        summary["last_success"] = text
        summary["last_success_http_status"] = _http_code(delivery)
    if "failure" in latest:
        _moment_, text, delivery = latest["failure"]
        summary["last_failure"] = text
        summary["last_failure_http_status"] = _http_code(delivery)
        summary["last_failure_error"] = delivery.get("errorMessage")
    finished = summary["succeeded"] + summary["failed"]
    if finished:
        summary["success_rate"] = round(float(summary["succeeded"]) / finished, 4)
    return summary


def to_snake(delivery, include_payload=False):
    """A delivery log with snake_case keys; ``eventSubjectAttributes`` keeps its own keys;
    ``eventPayload`` only with ``include_payload``."""
    item = dict(delivery)
    if not include_payload:
        item.pop("eventPayload", None)
    return camel_dict_to_snake_dict(item, ignore_list=["eventSubjectAttributes"])


# ---------------------------------------------------------------------------- paging

def fetch_deliveries(client, webhook_id, page_size, date_from=None, date_to=None, max_deliveries=None):
    """Read delivery logs page by page, following continuation tokens until the last page or
    until ``max_deliveries`` logs are read.

    Returns ``(deliveries, pages, truncated)``: at most ``max_deliveries`` logs, the number of
    pages requested, and whether more logs were left unread because of the limit.
    """
    path = api.LIST_DELIVERY_LOGS.path.format(id=webhook_id)
    params = {api.PAGE_SIZE_PARAM: page_size}
    if date_from:
        params[api.DELIVERY_LOGS_FROM_PARAM] = date_from
    if date_to:
        params[api.DELIVERY_LOGS_TO_PARAM] = date_to
    deliveries = []
    pages = 0
    seen = set()
    while True:
        payload = client.request(api.LIST_DELIVERY_LOGS.method, path, params=dict(params), context="webhook %s" % webhook_id)
        pages += 1
        items, token, has_more = parse_list_page(payload, path)
        more = bool(token) and has_more is not False
        if max_deliveries is not None and len(deliveries) + len(items) >= max_deliveries:
            room = max_deliveries - len(deliveries)
            deliveries.extend(items[:room])
            return deliveries, pages, len(items) > room or more
        deliveries.extend(items)
        if not more:
            return deliveries, pages, False
        if token in seen:
            raise ResponseFormatError("ContraForce repeated the continuation token of %s; stopped paging" % path, 200)
        seen.add(token)
        params[api.CONTINUATION_TOKEN_PARAM] = token
