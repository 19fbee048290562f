# -*- coding: utf-8 -*-
# Copyright: ContraForce platform collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests of the pure delivery-log logic (durations, timestamps, window, outcome, summary)
and of the bounded paging loop over a fake client."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from datetime import datetime, timezone

import pytest

from ansible_collections.contraforce.platform.plugins.module_utils import _delivery as d
from ansible_collections.contraforce.platform.plugins.module_utils._errors import ResponseFormatError

NOW = "2024-05-01T12:00:00Z"
HOOK = "6c1f0a52-3a8e-4a53-a3f4-5b7b1fd0c2a1"


# ---------------------------------------------------------------------------- durations

@pytest.mark.parametrize("text, seconds", [
    ("45s", 45), ("30m", 1800), ("1h", 3600), ("2d", 172800), ("1w", 604800),
    ("1h30m", 5400), ("1H", 3600), (" 2h ", 7200), ("1d 12h", 129600), ("90m", 5400),
    ("PT1H", 3600), ("P1D", 86400), ("PT30M", 1800), ("P1DT2H", 93600), ("P2W", 1209600), ("pt15s", 15),
])
def test_parse_duration(text, seconds):
    assert d.parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["", "1", "h", "1y", "-1h", "1.5h", "0m", "0h0m", "P", "PT", "P1DT", "PT0S", "1 hour", "1h-", None, 3600])
def test_parse_duration_rejects(text):
    with pytest.raises(ValueError) as err:
        d.parse_duration(text)
    assert "duration" in str(err.value)


# ---------------------------------------------------------------------------- timestamps

@pytest.mark.parametrize("text, expected", [
    ("2024-05-01T12:00:00Z", "2024-05-01T12:00:00Z"),
    ("2024-05-01T12:00:00", "2024-05-01T12:00:00Z"),
    ("2024-05-01", "2024-05-01T00:00:00Z"),
    ("2024-05-01T12:00", "2024-05-01T12:00:00Z"),
    ("2024-05-01 12:00:00z", "2024-05-01T12:00:00Z"),
    ("2024-05-01T14:00:00+02:00", "2024-05-01T12:00:00Z"),
    ("2024-05-01T07:30:00-0430", "2024-05-01T12:00:00Z"),
    ("2024-05-01T13:00:00+01", "2024-05-01T12:00:00Z"),
    ("2024-05-01T12:00:00.1234567Z", "2024-05-01T12:00:00.123456Z"),
    ("2024-05-01T12:00:00.5Z", "2024-05-01T12:00:00.500000Z"),
    ("2024-05-01T00:30:00+01:00", "2024-04-30T23:30:00Z"),
])
def test_parse_and_format_timestamp(text, expected):
    assert d.format_timestamp(d.parse_timestamp(text)) == expected


@pytest.mark.parametrize("text", ["yesterday", "2024-13-01T00:00:00Z", "2024-02-30", "2024-05-01T25:00:00Z", "1714564800", "", None])
def test_parse_timestamp_rejects(text):
    with pytest.raises(ValueError):
        d.parse_timestamp(text)


def test_parse_timestamp_of_datetime():
    naive = datetime(2024, 5, 1, 12, 0, 0)
    assert d.parse_timestamp(naive) == datetime(2024, 5, 1, 12, 0, 0, tzinfo=timezone.utc)


# ---------------------------------------------------------------------------- window

def test_window_since_counts_back_from_now():
    assert d.resolve_window(since="1h", now=NOW) == ("2024-05-01T11:00:00Z", None, [])
    assert d.resolve_window(since="2d", now=NOW) == ("2024-04-29T12:00:00Z", None, [])


def test_window_since_uses_the_clock_without_now():
    start, end, problems = d.resolve_window(since="1h")
    assert not problems and end is None
    moment = d.parse_timestamp(start)
    age = (datetime.now(timezone.utc) - moment).total_seconds()
    assert 3590 < age < 3700


def test_window_from_to_normalized_to_utc():
    assert d.resolve_window(date_from="2024-05-01T14:00:00+02:00", date_to="2024-05-01T13:00:00Z") == (
        "2024-05-01T12:00:00Z", "2024-05-01T13:00:00Z", [])
    assert d.resolve_window(date_from="2024-05-01") == ("2024-05-01T00:00:00Z", None, [])
    assert d.resolve_window(date_to="2024-05-01") == (None, "2024-05-01T00:00:00Z", [])
    assert d.resolve_window() == (None, None, [])


def test_window_problems_name_the_field():
    _f, _t, problems = d.resolve_window(since="an hour")
    assert [p[0] for p in problems] == ["since"]
    _f, _t, problems = d.resolve_window(date_from="soon", date_to="later")
    assert [p[0] for p in problems] == ["from", "to"]
    _f, _t, problems = d.resolve_window(date_from="2024-05-02T00:00:00Z", date_to="2024-05-01T00:00:00Z")
    assert problems == [("to", "2024-05-01T00:00:00Z is before from 2024-05-02T00:00:00Z")]
    _f, _t, problems = d.resolve_window(since="1h", date_from="2024-05-01")
    assert [p[0] for p in problems] == ["since"]


# ---------------------------------------------------------------------------- outcome

@pytest.mark.parametrize("log, expected", [
    ({"status": "Succeeded", "httpStatusCode": 200}, "success"),
    ({"status": "Delivered"}, "success"),
    ({"status": "success"}, "success"),
    ({"status": "Failed", "httpStatusCode": 500}, "failure"),
    ({"status": "Failed", "httpStatusCode": None}, "failure"),
    ({"status": "TimedOut"}, "failure"),
    ({"status": "Timed Out"}, "failure"),
    ({"status": "dead_lettered"}, "failure"),
    ({"status": "Pending"}, "pending"),
    ({"status": "Pending", "httpStatusCode": 503}, "pending"),
    ({"status": "Retrying", "httpStatusCode": 503}, "pending"),
    ({"status": "Weird", "httpStatusCode": 204}, "success"),
    ({"status": "Weird", "httpStatusCode": 404}, "failure"),
    ({"status": None, "httpStatusCode": "201"}, "success"),
    ({"status": "Weird"}, "unknown"),
    ({}, "unknown"),
    ({"httpStatusCode": True}, "unknown"),
    ({"httpStatusCode": "abc"}, "unknown"),
])
def test_outcome(log, expected):
    assert d.outcome(log) == expected


# ---------------------------------------------------------------------------- summary

def _log(status, code, created, completed=None, **extra):
    log = {"id": "log-%s-%s" % (status, created), "status": status, "httpStatusCode": code, "createdAt": created,
           "completedAt": completed, "isTest": False, "webhookConfigurationId": HOOK}
    log.update(extra)
    return log


def test_summary_of_nothing():
    assert d.summarize([]) == {
        "total": 0, "succeeded": 0, "failed": 0, "pending": 0, "unknown": 0, "test_deliveries": 0,
        "by_status": {}, "by_http_status": {},
        "last_success": None, "last_success_http_status": None,
        "last_failure": None, "last_failure_http_status": None, "last_failure_error": None,
        "success_rate": None,
    }


def test_summary_counts_and_latest_by_time_not_order():
    logs = [
        _log("Succeeded", 200, "2024-05-01T10:00:00Z", "2024-05-01T10:00:01Z"),
        _log("Succeeded", 202, "2024-05-01T11:50:00Z", "2024-05-01T11:50:02Z"),   # latest success
        _log("Succeeded", 200, "2024-05-01T11:00:00Z", "2024-05-01T11:00:01Z"),
        _log("Failed", 500, "2024-05-01T11:40:00Z", "2024-05-01T11:40:03Z", errorMessage="HTTP 500 from receiver"),
        _log("Failed", None, "2024-05-01T11:45:00Z", "2024-05-01T11:45:30Z", errorMessage="timeout"),  # latest failure
        _log("Failed", 503, "2024-05-01T09:00:00Z", None, errorMessage="old"),
        _log("Pending", None, "2024-05-01T11:59:00Z"),
        _log("Succeeded", 200, "2024-05-01T08:00:00Z", "2024-05-01T08:00:01Z", isTest=True),
        _log(None, None, "2024-05-01T08:00:00Z"),
    ]
    s = d.summarize(logs)
    assert s["total"] == 9
    assert (s["succeeded"], s["failed"], s["pending"], s["unknown"]) == (4, 3, 1, 1)
    assert s["test_deliveries"] == 1
    assert s["by_status"] == {"Succeeded": 4, "Failed": 3, "Pending": 1, "Unknown": 1}
    assert s["by_http_status"] == {"200": 3, "202": 1, "500": 1, "503": 1, "none": 3}
    assert s["last_success"] == "2024-05-01T11:50:02Z"
    assert s["last_success_http_status"] == 202
    assert s["last_failure"] == "2024-05-01T11:45:30Z"
    assert s["last_failure_http_status"] is None
    assert s["last_failure_error"] == "timeout"
    assert s["success_rate"] == round(4.0 / 7, 4)


def test_summary_latest_uses_created_at_when_not_completed_and_compares_offsets():
    logs = [
        _log("Failed", 502, "2024-05-01T13:30:00+02:00"),     # 11:30Z
        _log("Failed", 504, "2024-05-01T11:45:00Z"),          # latest
        _log("Failed", 500, "not a time"),
    ]
    s = d.summarize(logs)
    assert s["last_failure"] == "2024-05-01T11:45:00Z"
    assert s["last_failure_http_status"] == 504
    assert s["success_rate"] == 0.0
    assert s["last_success"] is None


def test_summary_only_success_and_unparseable_times():
    s = d.summarize([_log("Delivered", 200, None), _log("Delivered", 201, "garbage")])
    assert s["succeeded"] == 2 and s["success_rate"] == 1.0
    # No time can be read: the first one stands; a later one with readable text replaces it.
    assert (s["last_success"], s["last_success_http_status"]) == (None, 200)
    s = d.summarize([_log("Delivered", 201, "garbage"), _log("Delivered", 200, None)])
    assert (s["last_success"], s["last_success_http_status"]) == ("garbage", 201)
    s = d.summarize([_log("Delivered", 201, "garbage"), _log("Delivered", 204, "2024-05-01T10:00:00Z")])
    assert (s["last_success"], s["last_success_http_status"]) == ("2024-05-01T10:00:00Z", 204)


def test_summary_only_pending_has_no_rate():
    s = d.summarize([_log("Pending", None, "2024-05-01T11:00:00Z")])
    assert s["pending"] == 1 and s["success_rate"] is None and s["last_success"] is None and s["last_failure"] is None


def test_to_snake_keeps_attributes_and_drops_payload():
    log = _log("Succeeded", 200, NOW, eventPayload='{"incidentId": 1}',
               eventSubjectAttributes={"severityLevel": "High", "hostName": "web-1"})
    snake = d.to_snake(log)
    assert snake["http_status_code"] == 200 and snake["webhook_configuration_id"] == HOOK
    assert snake["event_subject_attributes"] == {"severityLevel": "High", "hostName": "web-1"}
    assert "event_payload" not in snake and "eventPayload" in log
    assert d.to_snake(log, include_payload=True)["event_payload"] == '{"incidentId": 1}'


# ---------------------------------------------------------------------------- paging

class FakeClient(object):
    """Serves pages of ``items`` in the documented delivery-log shape 3."""

    def __init__(self, items, page_size_cap=None, repeat_token=False):
        self.items = items
        self.calls = []
        self.cap = page_size_cap
        self.repeat_token = repeat_token

    def request(self, method, path, params=None, body=None, context=None, retry=True):
        self.calls.append((method, path, dict(params or {})))
        size = params["pageSize"] if self.cap is None else min(self.cap, params["pageSize"])
        start = int(params.get("continuationToken") or 0)
        if self.repeat_token:
            start = 0
        page = self.items[start:start + size]
        more = start + size < len(self.items)
        return {"data": {"items": page, "continuationToken": str(start + size) if more else None, "hasMore": more}}


def test_fetch_follows_every_page_and_sends_window():
    client = FakeClient(list(range(7)))
    items, pages, truncated = d.fetch_deliveries(client, HOOK, 3, "2024-05-01T11:00:00Z", "2024-05-01T12:00:00Z")
    assert items == list(range(7)) and pages == 3 and truncated is False
    assert [c[2].get("continuationToken") for c in client.calls] == [None, "3", "6"]
    for method, path, params in client.calls:
        assert method == "GET" and path == "/webhooks/%s/delivery-logs" % HOOK
        assert params["pageSize"] == 3 and params["from"] == "2024-05-01T11:00:00Z" and params["to"] == "2024-05-01T12:00:00Z"


def test_fetch_stops_at_max_deliveries_without_an_extra_page():
    client = FakeClient(list(range(10)))
    items, pages, truncated = d.fetch_deliveries(client, HOOK, 3, max_deliveries=5)
    assert items == [0, 1, 2, 3, 4] and pages == 2 and truncated is True
    client = FakeClient(list(range(6)))
    items, pages, truncated = d.fetch_deliveries(client, HOOK, 3, max_deliveries=6)
    assert items == list(range(6)) and pages == 2 and truncated is False
    client = FakeClient(list(range(7)))
    items, pages, truncated = d.fetch_deliveries(client, HOOK, 3, max_deliveries=6)
    assert items == list(range(6)) and pages == 2 and truncated is True
    assert "from" not in client.calls[0][2] and "to" not in client.calls[0][2]


def test_fetch_empty_and_repeated_token():
    assert d.fetch_deliveries(FakeClient([]), HOOK, 10) == ([], 1, False)
    with pytest.raises(ResponseFormatError):
        d.fetch_deliveries(FakeClient(list(range(5)), repeat_token=True), HOOK, 2)


def test_fetch_accepts_other_list_shapes():
    class Shape2(object):
        def __init__(self):
            self.n = 0

        def request(self, method, path, params=None, **kw):
            self.n += 1
            if self.n == 1:
                return {"data": [1, 2], "pagination": {"continuationToken": "t", "hasMore": True}}
            return {"data": [3], "pagination": {"continuationToken": None, "hasMore": False}}

    assert d.fetch_deliveries(Shape2(), HOOK, 2) == ([1, 2, 3], 2, False)
