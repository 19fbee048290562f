# -*- coding: utf-8 -*-
# Copyright: ContraForce platform collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""contraforce.platform.webhook_bulk through real ansible / ansible-playbook processes against the simulator;
the simulator's journal proves the request count (one listing per workspace + one create per missing webhook)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

from .conftest import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, OTHER_WORKSPACE, WORKSPACE

THIRD_WORKSPACE = "0b9f1c2d-3e4f-4a5b-8c6d-7e8f9a0b1c2d"
TOKEN = "bearer-token-for-the-receiver-93f1"


def hook(name, **kw):
    d = {"name": name, "url": "https://hooks.example.com/" + name, "event_types": ["incident.created.v1"]}
    d.update(kw)
    return d


def bulk_args(**kw):
    args = {"workspaces": [
        {"id": WORKSPACE, "name": "acme", "webhooks": [hook("soc"), hook("siem", authentication_type="bearer", token=TOKEN)]},
        {"id": OTHER_WORKSPACE, "name": "globex", "webhooks": [hook("soc")]},
    ]}
    args.update(kw)
    return args


def by_method(sim):
    counts = {}
    for entry in sim.journal():
        counts[entry["method"]] = counts.get(entry["method"], 0) + 1
    return counts


def seed(sim, workspace_id, *names):
    return sim.seed_webhooks([{"workspaceId": workspace_id, "name": n, "url": "https://hooks.example.com/" + n,
                               "eventTypes": ["incident.created.v1"]} for n in names])


def test_first_run_creates_only_the_missing_webhooks_then_rerun_writes_nothing(sim, ansible_run):
    seed(sim, WORKSPACE, "soc")
    first = ansible_run("webhook_bulk", bulk_args())
    assert first.rc == 0, first
    result = first.result
    assert result["changed"] is True
    assert by_method(sim) == {"GET": 2, "POST": 2}  # one listing per workspace + one create per missing webhook
    created = sorted((e["body"]["workspaceId"], e["body"]["name"]) for e in sim.writes())
    assert created == sorted([(WORKSPACE, "siem"), (OTHER_WORKSPACE, "soc")])
    assert [(r["workspace_name"], r["name"], r["action"]) for r in result["webhooks"]] == [
        ("acme", "soc", "unchanged"), ("acme", "siem", "created"), ("globex", "soc", "created")]
    totals = result["summary"]["totals"]
    assert (totals["created"], totals["unchanged"], totals["failed"], totals["workspaces"]) == (2, 1, 0, 2)
    # without no_log the one-time secrets are withheld, and the task says why
    assert "secrets" not in result and all("secret" not in r for r in result["webhooks"])
    assert any("no_log" in w for w in result.get("warnings", []))
    assert TOKEN not in first.output and "whsec_" not in first.output

    sim.clear_journal()
    rerun = ansible_run("webhook_bulk", bulk_args())
    assert rerun.rc == 0, rerun
    assert rerun.result["changed"] is False
    assert by_method(sim) == {"GET": 2}
    assert sim.writes() == []


def test_check_mode_lists_and_writes_nothing(sim, ansible_run):
    run = ansible_run("webhook_bulk", bulk_args(), check=True)
    assert run.rc == 0, run
    assert run.result["changed"] is True
    assert run.result["summary"]["totals"]["created"] == 3
    assert all(r["webhook"]["id"] is None for r in run.result["webhooks"])
    assert by_method(sim) == {"GET": 2}


def test_diff_mode_returns_a_list_with_masked_credentials(sim, ansible_run):
    run = ansible_run("webhook_bulk", bulk_args(), diff=True, check=True)
    assert run.rc == 0, run
    diff = run.result["diff"]
    assert isinstance(diff, list) and len(diff) == 3
    siem = [d for d in diff if "siem" in d["after_header"]][0]
    assert siem["after"]["credentials"] == {"token": "********"}
    assert TOKEN not in run.output


def test_no_log_task_hands_the_secrets_to_later_tasks_without_printing_them(sim, playbook_run):
    playbook = """
- hosts: localhost
  gather_facts: false
  tasks:
    - name: Bulk create
      contraforce.platform.webhook_bulk: %s
      register: bulk
      no_log: true
    - name: Later task uses the secrets
      ansible.builtin.assert:
        that:
          - bulk.secrets | length == 2
          - bulk.secrets['%s'] | length == 2
          - bulk.secrets['%s'].soc is match('whsec_')
          - bulk.summary.totals.created == 3
        quiet: true
""" % (json.dumps(bulk_args()), WORKSPACE, OTHER_WORKSPACE)
    run = playbook_run(playbook, verbosity=2)
    assert run.rc == 0, run
    assert "whsec_" not in run.output and TOKEN not in run.output
    assert len(sim.writes()) == 3


def test_a_forbidden_workspace_does_not_stop_the_others(sim, ansible_run):
    sim.config(forbidden_workspaces=[OTHER_WORKSPACE], missing_workspaces=[THIRD_WORKSPACE])
    args = bulk_args()
    args["workspaces"].append({"id": THIRD_WORKSPACE, "name": "initech", "webhooks": [hook("soc")]})
    run = ansible_run("webhook_bulk", args)
    assert run.rc != 0, run
    result = run.result
    assert result["failed"] is True and result["changed"] is True
    assert result["msg"].startswith("2 of 3 workspace(s) failed")
    rows = dict((row["name"], row) for row in result["summary"]["workspaces"])
    assert rows["acme"]["created"] == 2 and rows["acme"]["failed_workspace"] is False
    assert rows["globex"]["failed_workspace"] is True and "INSUFFICIENT_WORKSPACE_ROLE" in rows["globex"]["msg"]
    assert rows["initech"]["failed_workspace"] is True and "404" in rows["initech"]["msg"]
    failed = [r for r in result["webhooks"] if r.get("failed")]
    assert sorted(r["workspace_name"] for r in failed) == ["globex", "initech"]
    assert sorted((e["body"]["workspaceId"], e["body"]["name"]) for e in sim.writes()) == sorted([(WORKSPACE, "soc"), (WORKSPACE, "siem")])


def test_invalid_input_fails_before_any_request_with_paths(sim, ansible_run):
    args = {"workspaces": [
        {"id": WORKSPACE, "webhooks": [hook("soc"), hook("soc"), hook("bad-url", url="hooks.example.com/x")]},
        {"id": "not-a-uuid", "webhooks": [hook("x", event_types=["Incident Created"])]},
        {"id": WORKSPACE.upper(), "webhooks": [hook("y", authentication_type="basic", username="svc")]},
    ], "concurrency": 64}
    run = ansible_run("webhook_bulk", args)
    assert run.rc != 0, run
    msg = run.result["msg"]
    assert msg.startswith("Invalid input, nothing was sent to ContraForce.")
    for path in ("workspaces[0].webhooks[1].name", "workspaces[0].webhooks[2].url", "workspaces[1].id", "workspaces[1].webhooks[0].event_types",
                 "workspaces[2].id", "workspaces[2].webhooks[0].password", "concurrency"):
        assert path + ":" in msg, path
    assert sim.journal() == []


def test_every_page_of_a_listing_is_read(sim, ansible_run):
    sim.config(page_size=2, list_shape=3)
    seed(sim, WORKSPACE, "a", "b", "c", "d", "soc")
    run = ansible_run("webhook_bulk", {"workspaces": [{"id": WORKSPACE, "webhooks": [hook("soc"), hook("e")]}]})
    assert run.rc == 0, run
    assert by_method(sim) == {"GET": 3, "POST": 1}
    assert [e["body"]["name"] for e in sim.writes()] == ["e"]


def test_connection_through_module_defaults_of_the_action_group(sim, playbook_run):
    playbook = """
- hosts: localhost
  gather_facts: false
  module_defaults:
    group/contraforce.platform.all:
      api_url: %s
      client_id: %s
      client_secret: %s
  tasks:
    - name: Bulk check
      contraforce.platform.webhook_bulk:
        concurrency: 2
        workspaces:
          - id: %s
            webhooks:
              - {name: soc, url: "https://hooks.example.com/soc", event_types: [incident.created.v1]}
""" % (sim.url, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, WORKSPACE)
    # The environment points elsewhere with a wrong secret: only module_defaults can make this work.
    run = playbook_run(playbook, check=True, env={"CONTRAFORCE_API_URL": "http://127.0.0.1:9", "CONTRAFORCE_CLIENT_SECRET": "wrong"})
    assert run.rc == 0, run
    assert run.result["summary"]["totals"]["created"] == 1
    assert by_method(sim) == {"GET": 1}
