# -*- coding: utf-8 -*-
# Copyright: ContraForce platform collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""contraforce.platform.webhook_info through real ansible / ansible-playbook processes against the
simulator: filters, paging over every list shape, ad hoc use, check mode, no secret in the output;
the simulator's journal proves which requests were sent (and that none of them wrote)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import subprocess
import sys

import pytest

WORKSPACE = "2f1b8c9e-0d4a-4c55-9a8e-3d2c1b0a9f87"
OTHER_WORKSPACE = "7d3e2a10-5b6c-4d8e-9f01-a2b3c4d5e6f7"
MISSING_ID = "00000000-1111-4222-8333-444444444444"
# ``ansible -a '{}'`` would be taken as a raw parameter: "no filter" sets a connection option instead.
NO_FILTER = {"timeout": 10}
SNAKE_KEYS = {"id", "workspace_id", "name", "url", "status", "event_types", "monitored_account_ids", "authentication_type",
              "has_signing_token", "created_at"}


def hook(workspace, name, status="Active", **extra):
    item = {"workspaceId": workspace, "name": name, "url": "https://hooks.example.com/%s" % name,
            "eventTypes": ["incident.created.v1"], "status": status}
    if status == "Disabled":
        item.update(disableReason="Too many failed deliveries", disabledAt="2024-05-01T12:00:00Z")
    item.update(extra)
    return item


@pytest.fixture
def seeded(sim):
    """Five webhooks: three in WORKSPACE (one Paused), two in OTHER_WORKSPACE (one Disabled, one named like WORKSPACE's)."""
    return sim.seed_webhooks([
        hook(WORKSPACE, "soc-ticketing"),
        hook(WORKSPACE, "siem-forwarder", authenticationType="BearerToken", hasSigningToken=True),
        hook(WORKSPACE, "legacy", status="Paused"),
        hook(OTHER_WORKSPACE, "soc-ticketing", status="Disabled"),
        hook(OTHER_WORKSPACE, "chatops"),
    ])


def list_calls(sim):
    return [e for e in sim.journal() if e["method"] == "GET" and e["path"] == "/api/v2/webhooks"]


def names(result):
    return sorted((w["workspace_id"], w["name"]) for w in result["webhooks"])


def test_workspace_filter_lists_only_that_workspace_with_snake_case_keys(sim, seeded, ansible_run):
    run = ansible_run("webhook_info", {"workspace_id": WORKSPACE})
    assert run.rc == 0, run
    res = run.result
    assert res["changed"] is False
    assert names(res) == [(WORKSPACE, "legacy"), (WORKSPACE, "siem-forwarder"), (WORKSPACE, "soc-ticketing")]
    for webhook in res["webhooks"]:
        assert SNAKE_KEYS <= set(webhook), webhook
        assert not any(any(c.isupper() for c in key) for key in webhook), webhook
    siem = [w for w in res["webhooks"] if w["name"] == "siem-forwarder"][0]
    assert siem["authentication_type"] == "BearerToken" and siem["has_signing_token"] is True
    assert siem["id"] == seeded[1]["id"]
    calls = list_calls(sim)
    assert len(calls) == 1 and calls[0]["query"]["workspaceId"] == WORKSPACE
    assert sim.journal() == calls and sim.writes() == []


@pytest.mark.parametrize("args, expected", [
    ({"name": "soc-ticketing"}, [(WORKSPACE, "soc-ticketing"), (OTHER_WORKSPACE, "soc-ticketing")]),
    ({"workspace_id": WORKSPACE, "name": "soc-ticketing"}, [(WORKSPACE, "soc-ticketing")]),
    ({"status": "Disabled"}, [(OTHER_WORKSPACE, "soc-ticketing")]),
    ({"workspace_id": WORKSPACE, "status": "Paused"}, [(WORKSPACE, "legacy")]),
    ({"workspace_id": WORKSPACE, "status": "Disabled"}, []),
    ({"name": "soc-ticketing", "status": "Active"}, [(WORKSPACE, "soc-ticketing")]),
    ({"name": "no-such-hook"}, []),
    ({}, [(WORKSPACE, "legacy"), (WORKSPACE, "siem-forwarder"), (WORKSPACE, "soc-ticketing"),
          (OTHER_WORKSPACE, "chatops"), (OTHER_WORKSPACE, "soc-ticketing")]),
], ids=["name", "workspace+name", "status", "workspace+status", "no-match-status", "name+status", "no-match-name", "all"])
def test_filters_combine(sim, seeded, ansible_run, args, expected):
    run = ansible_run("webhook_info", args or NO_FILTER)
    assert run.rc == 0, run
    assert names(run.result) == sorted(expected)
    calls = list_calls(sim)
    assert len(calls) == 1
    if "workspace_id" in args:
        assert calls[0]["query"]["workspaceId"] == args["workspace_id"]
    else:
        assert "workspaceId" not in calls[0]["query"], "without workspace_id the unfiltered (assumed) list is used"
    assert sim.writes() == []


def test_disabled_webhook_reports_reason(sim, seeded, ansible_run):
    run = ansible_run("webhook_info", {"workspace_id": OTHER_WORKSPACE, "status": "Disabled"})
    assert run.rc == 0, run
    [disabled] = run.result["webhooks"]
    assert disabled["disable_reason"] == "Too many failed deliveries" and disabled["disabled_at"].startswith("2024-05-01T12:00:00")


def test_id_reads_one_webhook_without_listing(sim, seeded, ansible_run):
    target = seeded[3]
    run = ansible_run("webhook_info", {"id": target["id"]})
    assert run.rc == 0, run
    assert [w["id"] for w in run.result["webhooks"]] == [target["id"]]
    assert run.result["webhooks"][0]["status"] == "Disabled"
    journal = sim.journal()
    assert [(e["method"], e["path"]) for e in journal] == [("GET", "/api/v2/webhooks/%s" % target["id"])]


@pytest.mark.parametrize("args", [
    {"id": MISSING_ID},
    {"id": "SEEDED", "workspace_id": WORKSPACE},
    {"id": "SEEDED", "name": "another-name"},
    {"id": "SEEDED", "status": "Active"},
], ids=["unknown-id", "other-workspace", "other-name", "other-status"])
def test_id_with_other_filters_or_unknown_gives_empty_list(sim, seeded, ansible_run, args):
    args = dict((k, seeded[3]["id"] if v == "SEEDED" else v) for k, v in args.items())
    run = ansible_run("webhook_info", args)
    assert run.rc == 0, run
    assert run.result["webhooks"] == [] and run.result["changed"] is False
    assert len(sim.journal()) == 1 and sim.writes() == []


def test_id_in_upper_case_matches(sim, seeded, ansible_run):
    run = ansible_run("webhook_info", {"id": seeded[0]["id"].upper(), "workspace_id": WORKSPACE.upper()})
    assert run.rc == 0, run
    assert [w["name"] for w in run.result["webhooks"]] == ["soc-ticketing"]


@pytest.mark.parametrize("shape", [1, 2, 3])
@pytest.mark.parametrize("workspace", [True, False], ids=["workspace", "unfiltered"])
def test_follows_every_page_of_every_list_shape(sim, ansible_run, shape, workspace):
    sim.seed_webhooks([hook(WORKSPACE, "hook-%02d" % i, status="Paused" if i % 3 == 0 else "Active") for i in range(7)]
                      + [hook(OTHER_WORKSPACE, "other-%02d" % i) for i in range(2)])
    sim.config(list_shape=shape, page_size=2)
    args = {"workspace_id": WORKSPACE} if workspace else NO_FILTER
    run = ansible_run("webhook_info", args)
    assert run.rc == 0, run
    expected = 7 if workspace else 9
    assert len(run.result["webhooks"]) == expected
    assert len(set(w["id"] for w in run.result["webhooks"])) == expected, "no webhook may be listed twice"
    calls = list_calls(sim)
    if shape == 1:
        assert len(calls) == 1, "shape 1 is one unpaged answer"
    else:
        assert len(calls) == (4 if workspace else 5), [c["query"] for c in calls]
        assert "continuationToken" not in calls[0]["query"]
        assert all(c["query"].get("continuationToken") for c in calls[1:])
        assert len(set(c["query"]["continuationToken"] for c in calls[1:])) == len(calls) - 1
    assert sim.writes() == []


def test_status_filter_across_pages(sim, ansible_run):
    sim.seed_webhooks([hook(WORKSPACE, "hook-%02d" % i, status="Paused" if i % 3 == 0 else "Active") for i in range(7)])
    sim.config(list_shape=3, page_size=3)
    run = ansible_run("webhook_info", {"workspace_id": WORKSPACE, "status": "Paused"})
    assert run.rc == 0, run
    assert sorted(w["name"] for w in run.result["webhooks"]) == ["hook-00", "hook-03", "hook-06"]
    assert len(list_calls(sim)) == 3


def test_adhoc_key_value_arguments(sim, seeded, cf_env):
    cmd = [os.path.join(os.path.dirname(sys.executable), "ansible"), "localhost", "-m", "contraforce.platform.webhook_info",
           "-a", "workspace_id=%s status=Paused" % WORKSPACE]
    proc = subprocess.run(cmd, env=cf_env, capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "localhost | SUCCESS" in proc.stdout
    result = json.loads(proc.stdout[proc.stdout.index("{"):])
    assert result["changed"] is False
    assert [w["name"] for w in result["webhooks"]] == ["legacy"]


def test_check_mode_reads_the_same_and_never_changes(sim, seeded, ansible_run):
    normal = ansible_run("webhook_info", {"workspace_id": WORKSPACE})
    check = ansible_run("webhook_info", {"workspace_id": WORKSPACE}, check=True, diff=True)
    assert check.rc == 0, check
    assert check.result["changed"] is False
    assert check.result["webhooks"] == normal.result["webhooks"]
    assert "diff" not in check.result
    assert len(list_calls(sim)) == 2 and sim.writes() == []


def test_playbook_with_module_defaults_group_and_register(sim, seeded, playbook_run):
    playbook = """
- hosts: localhost
  gather_facts: false
  module_defaults:
    group/contraforce.platform.all:
      api_url: "%s"
  tasks:
    - name: List
      contraforce.platform.webhook_info:
        workspace_id: "%s"
        name: soc-ticketing
      register: hooks
    - name: Assert
      ansible.builtin.assert:
        that:
          - hooks.webhooks | length == 1
          - hooks.webhooks[0].status == 'Active'
          - hooks is not changed
""" % (sim.url, WORKSPACE)
    # The environment points at a closed port: only module_defaults can reach the simulator.
    run = playbook_run(playbook, env={"CONTRAFORCE_API_URL": "http://127.0.0.1:9"})
    assert run.rc == 0, run
    assert run.stats["changed"] == 0 and run.stats["failures"] == 0


def test_no_secret_in_output_even_at_high_verbosity(sim, ansible_run, playbook_run):
    token, signing = "tok-info-very-private-1", "sign-info-very-private-2"
    playbook = """
- hosts: localhost
  gather_facts: false
  tasks:
    - name: Create with credentials and keep the one-time secret
      contraforce.platform.webhook:
        workspace_id: "%s"
        name: siem-forwarder
        url: https://siem.example.com/ingest
        event_types: [incident.created.v1]
        authentication_type: bearer
        token: "%s"
        signing_token: "%s"
      register: created
      no_log: true
    - name: Keep the secret for the test
      ansible.builtin.copy:
        content: "{{ created.secret }}"
        dest: "{{ secret_file }}"
        mode: "0600"
      no_log: true
    - name: List
      contraforce.platform.webhook_info:
        workspace_id: "%s"
""" % (WORKSPACE, token, signing, WORKSPACE)
    import tempfile
    with tempfile.NamedTemporaryFile(suffix=".secret") as handle:
        run = playbook_run(playbook, verbosity=4, diff=True, extra_vars={"secret_file": handle.name})
        assert run.rc == 0, run
        secret = open(handle.name).read()
    assert len(secret) > 10
    [(_name, listed)] = [t for t in run.task_results() if t[0] == "List"]
    [webhook] = listed["webhooks"]
    assert webhook["authentication_type"] == "BearerToken" and webhook["has_signing_token"] is True
    assert not set(webhook) & {"secret", "token", "password", "signing_token"}
    for value in (secret, token, signing):
        assert value not in json.dumps(listed)
        assert value not in run.output
        assert value not in json.dumps(sim.journal())


@pytest.mark.parametrize("args, field", [
    ({"workspace_id": "not-a-uuid"}, "workspace_id"),
    ({"id": "12345"}, "id"),
    ({"workspace_id": WORKSPACE, "id": "6c1f0a52-3a8e-4a53-a3f4"}, "id"),
    ({"status": "Deleted"}, "status"),
], ids=["workspace_id", "id", "short-id", "status"])
def test_bad_input_fails_before_any_request(sim, ansible_run, args, field):
    run = ansible_run("webhook_info", args)
    assert run.rc != 0, run
    assert field in run.result["msg"], run.result["msg"]
    assert sim.journal() == [], "no request may be sent for bad input"


def test_forbidden_workspace_fails_with_the_api_reason(sim, seeded, ansible_run):
    sim.config(forbidden_workspaces=[WORKSPACE])
    run = ansible_run("webhook_info", {"workspace_id": WORKSPACE})
    assert run.rc != 0
    assert "403 INSUFFICIENT_WORKSPACE_ROLE" in run.result["msg"] and WORKSPACE in run.result["msg"]
    assert run.result["error"]["code"] == "INSUFFICIENT_WORKSPACE_ROLE"
    # Without a workspace filter the forbidden workspace is simply not visible.
    run = ansible_run("webhook_info", NO_FILTER)
    assert run.rc == 0, run
    assert set(w["workspace_id"] for w in run.result["webhooks"]) == {OTHER_WORKSPACE}


def test_transient_503_on_a_page_is_retried(sim, ansible_run):
    sim.seed_webhooks([hook(WORKSPACE, "hook-%02d" % i) for i in range(5)])
    sim.config(list_shape=2, page_size=2)
    sim.fault(kind="status", status=503, retry_after=0, method="GET", path_regex=r"^/api/v2/webhooks$", times=1)
    run = ansible_run("webhook_info", {"workspace_id": WORKSPACE})
    assert run.rc == 0, run
    assert len(run.result["webhooks"]) == 5
