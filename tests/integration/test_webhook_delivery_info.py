# -*- coding: utf-8 -*-
# Copyright: ContraForce platform collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""contraforce.platform.webhook_delivery_info through real ansible / ansible-playbook processes against the
simulator, on seeded delivery logs: choice of the webhook, time windows, continuation paging and its
limit, the summary, and the "delivered in the last hour" assertion a playbook makes."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from datetime import datetime, timedelta, timezone

import pytest

WORKSPACE = "2f1b8c9e-0d4a-4c55-9a8e-3d2c1b0a9f87"
OTHER_WORKSPACE = "7d3e2a10-5b6c-4d8e-9f01-a2b3c4d5e6f7"
MISSING_ID = "00000000-1111-4222-8333-444444444444"
NAME = "soc-ticketing"


def ago(**delta):
    return (datetime.now(timezone.utc) - timedelta(**delta)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def log(status, code, minutes_ago, error=None, **extra):
    item = {"status": status, "httpStatusCode": code, "createdAt": ago(minutes=minutes_ago),
            "completedAt": ago(minutes=minutes_ago, seconds=-1), "errorMessage": error}
    item.update(extra)
    return item


@pytest.fixture
def webhook(sim):
    hooks = sim.seed_webhooks([
        {"workspaceId": WORKSPACE, "name": NAME, "url": "https://hooks.example.com/cf", "eventTypes": ["incident.created.v1"]},
        {"workspaceId": WORKSPACE, "name": "quiet", "url": "https://hooks.example.com/q", "eventTypes": ["incident.created.v1"]},
        {"workspaceId": OTHER_WORKSPACE, "name": NAME, "url": "https://hooks.example.com/o", "eventTypes": ["incident.created.v1"]},
    ])
    return hooks[0]


@pytest.fixture
def history(sim, webhook):
    """Three deliveries in the last hour (2 successes, 1 failure), two older ones (a success, a failure)."""
    return sim.seed_delivery_logs(webhook["id"], [
        log("Succeeded", 200, 5),
        log("Failed", 500, 20, error="Receiver answered HTTP 500"),
        log("Succeeded", 202, 40),
        log("Failed", None, 180, error="Connection timed out"),
        log("Succeeded", 200, 300),
    ])


def log_calls(sim):
    return [e for e in sim.journal() if e["method"] == "GET" and e["path"].endswith("/delivery-logs")]


def test_last_hour_by_workspace_and_name(sim, webhook, history, ansible_run):
    run = ansible_run("webhook_delivery_info", {"workspace_id": WORKSPACE, "name": NAME, "since": "1h"})
    assert run.rc == 0, run
    res = run.result
    assert res["changed"] is False and res["webhook_id"] == webhook["id"]
    s = res["summary"]
    assert (s["total"], s["succeeded"], s["failed"], s["pending"], s["unknown"]) == (3, 2, 1, 0, 0)
    assert s["by_status"] == {"Succeeded": 2, "Failed": 1}
    assert s["by_http_status"] == {"200": 1, "202": 1, "500": 1}
    assert s["last_success_http_status"] == 200 and s["last_failure_http_status"] == 500
    assert s["last_failure_error"] == "Receiver answered HTTP 500"
    assert s["last_success"] > s["last_failure"]
    assert s["success_rate"] == 0.6667
    assert res["truncated"] is False and res["pages"] == 1
    assert len(res["deliveries"]) == 3
    first = res["deliveries"][0]
    assert first["webhook_configuration_id"] == webhook["id"] and first["http_status_code"] == 200
    assert "event_payload" not in first
    # One listing to resolve the name, then the delivery logs with a "from" one hour back.
    journal = sim.journal()
    assert [(e["method"], e["path"]) for e in journal] == [
        ("GET", "/api/v2/webhooks"), ("GET", "/api/v2/webhooks/%s/delivery-logs" % webhook["id"])]
    assert journal[0]["query"]["workspaceId"] == WORKSPACE
    query = journal[1]["query"]
    sent_from = datetime.strptime(query["from"], "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=timezone.utc)
    assert timedelta(minutes=59) < datetime.now(timezone.utc) - sent_from < timedelta(minutes=62)
    assert "to" not in query and query["pageSize"] == "100"
    assert res["window"]["from"] == query["from"] and res["window"]["to"] is None
    assert sim.writes() == []


def test_by_id_without_window_reads_everything(sim, webhook, history, ansible_run):
    run = ansible_run("webhook_delivery_info", {"id": webhook["id"]})
    assert run.rc == 0, run
    s = run.result["summary"]
    assert (s["total"], s["succeeded"], s["failed"]) == (5, 3, 2)
    assert s["by_http_status"] == {"200": 2, "202": 1, "500": 1, "none": 1}
    journal = sim.journal()
    assert len(journal) == 1 and journal[0]["path"] == "/api/v2/webhooks/%s/delivery-logs" % webhook["id"]
    assert set(journal[0]["query"]) == {"pageSize"}
    assert run.result["window"] == {"from": None, "to": None}


def test_from_to_window_is_sent_in_utc(sim, webhook, history, ansible_run):
    start = datetime.now(timezone.utc) - timedelta(minutes=200)
    end = datetime.now(timezone.utc) - timedelta(minutes=10)
    # "from" written with a +02:00 offset, "to" in Z: both must reach the API in UTC.
    start_local = start.astimezone(timezone(timedelta(hours=2))).strftime("%Y-%m-%dT%H:%M:%S+02:00")
    run = ansible_run("webhook_delivery_info", {"id": webhook["id"], "from": start_local, "to": end.strftime("%Y-%m-%dT%H:%M:%SZ")})
    assert run.rc == 0, run
    s = run.result["summary"]
    # 20 min (failure 500), 40 min (success 202), 180 min (failure, no answer)
    assert (s["total"], s["succeeded"], s["failed"]) == (3, 1, 2)
    assert s["last_failure_http_status"] == 500 and s["last_success_http_status"] == 202
    query = log_calls(sim)[0]["query"]
    assert query["from"] == start.strftime("%Y-%m-%dT%H:%M:%SZ") and query["to"] == end.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert run.result["window"] == {"from": query["from"], "to": query["to"]}


def test_empty_window_gives_an_empty_summary(sim, webhook, history, ansible_run):
    run = ansible_run("webhook_delivery_info", {"workspace_id": WORKSPACE, "name": NAME, "since": "2m"})
    assert run.rc == 0, run
    s = run.result["summary"]
    assert s["total"] == 0 and s["success_rate"] is None and s["last_success"] is None and s["last_failure"] is None
    assert run.result["deliveries"] == []


def test_follows_continuation_tokens_over_every_page(sim, webhook, ansible_run):
    sim.seed_delivery_logs(webhook["id"], count=25)
    run = ansible_run("webhook_delivery_info", {"id": webhook["id"], "page_size": 10, "since": "1d"})
    assert run.rc == 0, run
    res = run.result
    assert res["summary"]["total"] == 25 and len(res["deliveries"]) == 25
    assert len(set(d["id"] for d in res["deliveries"])) == 25
    assert res["pages"] == 3 and res["truncated"] is False
    calls = log_calls(sim)
    assert len(calls) == 3
    assert [c["query"]["pageSize"] for c in calls] == ["10", "10", "10"]
    assert "continuationToken" not in calls[0]["query"]
    assert calls[1]["query"]["continuationToken"] and calls[2]["query"]["continuationToken"]
    assert calls[1]["query"]["continuationToken"] != calls[2]["query"]["continuationToken"]
    assert len(set(c["query"]["from"] for c in calls)) == 1, "every page asks for the same window"
    # The API returns the newest first; the module keeps that order.
    created = [d["created_at"] for d in res["deliveries"]]
    assert created == sorted(created, reverse=True)


def test_max_deliveries_stops_following_tokens(sim, webhook, ansible_run):
    sim.seed_delivery_logs(webhook["id"], count=25)
    run = ansible_run("webhook_delivery_info", {"id": webhook["id"], "page_size": 10, "max_deliveries": 15})
    assert run.rc == 0, run
    res = run.result
    assert len(res["deliveries"]) == 15 and res["summary"]["total"] == 15
    assert res["pages"] == 2 and res["truncated"] is True
    assert len(log_calls(sim)) == 2, "no page beyond the limit is requested"

    exact = ansible_run("webhook_delivery_info", {"id": webhook["id"], "page_size": 5, "max_deliveries": 25})
    assert exact.rc == 0, exact
    assert len(exact.result["deliveries"]) == 25 and exact.result["truncated"] is False


def test_pending_and_test_deliveries_and_payloads(sim, webhook, ansible_run):
    sim.seed_delivery_logs(webhook["id"], [
        log("Pending", None, 1, completedAt=None),
        log("Succeeded", 200, 3, isTest=True, eventPayload='{"incidentId": "INC-1"}',
            eventSubjectAttributes={"severityLevel": "High"}),
    ])
    run = ansible_run("webhook_delivery_info", {"id": webhook["id"], "include_payloads": True})
    assert run.rc == 0, run
    s = run.result["summary"]
    assert (s["total"], s["pending"], s["succeeded"], s["test_deliveries"]) == (2, 1, 1, 1)
    assert s["success_rate"] == 1.0 and s["by_http_status"] == {"200": 1, "none": 1}
    tested = [d for d in run.result["deliveries"] if d["is_test"]][0]
    assert tested["event_payload"] == '{"incidentId": "INC-1"}'
    assert tested["event_subject_attributes"] == {"severityLevel": "High"}


def test_playbook_asserts_delivered_in_the_last_hour(sim, webhook, history, playbook_run):
    quiet = [w for w in sim.webhooks() if w["name"] == "quiet"][0]
    sim.seed_delivery_logs(quiet["id"], [log("Succeeded", 200, 300), log("Failed", 503, 10, error="Service Unavailable")])
    playbook = """
- hosts: localhost
  gather_facts: false
  tasks:
    - name: Deliveries of the last hour
      contraforce.platform.webhook_delivery_info:
        workspace_id: "%s"
        name: "{{ item }}"
        since: 1h
      loop: [%s, quiet]
      register: deliveries
    - name: Assert that each webhook delivered in the last hour
      ansible.builtin.assert:
        that:
          - item.summary.succeeded > 0
          - item.summary.last_success is not none
        fail_msg: "{{ item.item }} did not deliver; last failure HTTP {{ item.summary.last_failure_http_status }}"
        quiet: true
      loop: "{{ deliveries.results }}"
      loop_control:
        label: "{{ item.item }}"
""" % (WORKSPACE, NAME)
    run = playbook_run(playbook, check=True)
    assert run.rc != 0, run
    task = [r for name, r in run.task_results() if name.startswith("Assert")][0]
    assert task["failed"] is True
    # (Per-item "failed" flags are not kept by every ansible-core version: read the messages.)
    results = task["results"]
    assert [r["item"]["item"] for r in results] == [NAME, "quiet"]
    assert results[0]["msg"] == "All assertions passed"
    assert results[1]["msg"] == "quiet did not deliver; last failure HTTP 503"
    assert sim.writes() == []


def test_several_webhooks_of_the_name_fail_and_list_ids(sim, webhook, ansible_run):
    twin = sim.seed_webhooks([{"workspaceId": WORKSPACE, "name": NAME, "url": "https://twin.example.com", "eventTypes": ["incident.created.v1"]}])[0]
    run = ansible_run("webhook_delivery_info", {"workspace_id": WORKSPACE, "name": NAME})
    assert run.rc != 0, run
    assert webhook["id"] in run.result["msg"] and twin["id"] in run.result["msg"]
    assert sorted(run.result["ids"]) == sorted([webhook["id"], twin["id"]])
    assert log_calls(sim) == [], "no delivery log is read for an ambiguous name"


def test_unknown_name_and_unknown_id_fail(sim, webhook, ansible_run):
    run = ansible_run("webhook_delivery_info", {"workspace_id": WORKSPACE, "name": "no-such-hook"})
    assert run.rc != 0, run
    assert "No webhook named 'no-such-hook'" in run.result["msg"] and WORKSPACE in run.result["msg"]
    assert log_calls(sim) == []
    run = ansible_run("webhook_delivery_info", {"id": MISSING_ID})
    assert run.rc != 0, run
    assert "404" in run.result["msg"] and MISSING_ID in run.result["msg"]


@pytest.mark.parametrize("args, field", [
    ({"id": "not-a-uuid"}, "id"),
    ({"workspace_id": "ws-1", "name": NAME}, "workspace_id"),
    ({"id": MISSING_ID, "since": "an hour"}, "since"),
    ({"id": MISSING_ID, "since": "0m"}, "since"),
    ({"id": MISSING_ID, "from": "yesterday"}, "from"),
    ({"id": MISSING_ID, "from": "2024-05-02T00:00:00Z", "to": "2024-05-01T00:00:00Z"}, "to"),
    ({"id": MISSING_ID, "page_size": 0}, "page_size"),
    ({"id": MISSING_ID, "max_deliveries": -1}, "max_deliveries"),
    ({"id": MISSING_ID, "since": "1h", "from": "2024-05-01T00:00:00Z"}, "since"),
    ({"id": MISSING_ID, "name": NAME}, "name"),
    ({"name": NAME}, "workspace_id"),
    ({"since": "1h"}, "id"),
], ids=["id", "workspace_id", "since-words", "since-zero", "from", "to-before-from", "page_size", "max_deliveries",
        "since+from", "id+name", "name-alone", "no-webhook"])
def test_bad_input_fails_before_any_request(sim, ansible_run, args, field):
    run = ansible_run("webhook_delivery_info", args)
    assert run.rc != 0, run
    assert field in run.result["msg"], run.result["msg"]
    assert sim.journal() == [], "no request may be sent for bad input"


def test_check_mode_and_list_shape_of_the_name_lookup(sim, webhook, history, ansible_run):
    sim.config(list_shape=3, page_size=1)  # the name lookup pages one webhook at a time
    run = ansible_run("webhook_delivery_info", {"workspace_id": WORKSPACE, "name": "quiet"}, check=True)
    assert run.rc == 0, run
    assert run.result["changed"] is False and run.result["summary"]["total"] == 0
    listings = [e for e in sim.journal() if e["path"] == "/api/v2/webhooks"]
    assert len(listings) == 2
    sim.config(page_size=50)  # the simulator's page size also caps the delivery-log pages
    run = ansible_run("webhook_delivery_info", {"workspace_id": WORKSPACE, "name": NAME, "page_size": 2}, check=True)
    assert run.rc == 0, run
    assert run.result["summary"]["total"] == 5 and run.result["pages"] == 3
    assert sim.writes() == []


def test_transient_errors_on_a_page_are_retried(sim, webhook, ansible_run):
    sim.seed_delivery_logs(webhook["id"], count=6)
    sim.fault(kind="status", status=503, retry_after=0, method="GET", path_regex=r"/delivery-logs$", times=1)
    run = ansible_run("webhook_delivery_info", {"id": webhook["id"], "page_size": 4})
    assert run.rc == 0, run
    assert run.result["summary"]["total"] == 6 and run.result["pages"] == 2
