# -*- coding: utf-8 -*-
# Copyright: ContraForce platform collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""contraforce.platform.webhook through real ansible / ansible-playbook processes against the simulator;
the simulator's request journal proves what was and was not written."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import subprocess
import sys

import pytest

from .conftest import DEMO_CLIENT_SECRET, OTHER_WORKSPACE, WORKSPACE

HOOK = {"workspace_id": WORKSPACE, "name": "soc-ticketing", "url": "https://hooks.example.com/cf", "event_types": ["incident.created.v1"]}
ACCOUNT = "0b9f1c2d-3e4f-4a5b-8c6d-7e8f9a0b1c2d"


def creates(sim):
    return [e for e in sim.writes() if e["method"] == "POST" and e["path"] == "/api/v2/webhooks"]


def test_check_then_apply_then_rerun(sim, ansible_run):
    check = ansible_run("webhook", HOOK, check=True)
    assert check.rc == 0, check
    assert check.result["changed"] is True
    assert check.result["action"] == "created" and check.result["webhook"]["id"] is None
    assert check.result["webhook"]["name"] == "soc-ticketing"
    assert sim.writes() == [], "check mode must not write"
    assert len(sim.journal()) == 1  # one listing

    apply = ansible_run("webhook", HOOK)
    assert apply.rc == 0, apply
    assert apply.result["changed"] is True and apply.result["webhook"]["id"]
    assert len(creates(sim)) == 1 and len(sim.writes()) == 1
    body = creates(sim)[0]["body"]
    assert body["workspaceId"] == WORKSPACE and body["eventTypes"] == ["incident.created.v1"] and body["authenticationType"] == "None"
    # the one-time secret is withheld without no_log, and the task says why
    assert "secret" not in apply.result and apply.result["secret_withheld"] is True
    assert any("no_log" in w for w in apply.result.get("warnings", []))

    sim_writes_before = len(sim.writes())
    rerun = ansible_run("webhook", HOOK)
    assert rerun.rc == 0, rerun
    assert rerun.result["changed"] is False and rerun.result["action"] == "unchanged"
    assert rerun.result["webhook"]["id"] == apply.result["webhook"]["id"]
    assert len(sim.writes()) == sim_writes_before


def test_adhoc_key_value_arguments_and_api_url_with_prefix(sim, cf_env):
    env = dict(cf_env, CONTRAFORCE_API_URL=sim.url.rstrip("/") + "/api/v2/")
    cmd = [os.path.join(os.path.dirname(sys.executable), "ansible"), "localhost", "-m", "contraforce.platform.webhook", "-a",
           "workspace_id=%s name=soc-ticketing url=https://hooks.example.com/cf event_types=incident.created.v1" % WORKSPACE]
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "CHANGED" in proc.stdout
    assert len(creates(sim)) == 1


def test_playbook_keeps_secret_for_later_tasks_without_printing_it(sim, playbook_run, tmp_path):
    playbook = """
- hosts: localhost
  gather_facts: false
  tasks:
    - name: Create with a one-time secret
      contraforce.platform.webhook: %s
      register: hook
      no_log: true
    - name: Later task uses it
      ansible.builtin.assert:
        that:
          - hook.secret is string
          - hook.secret | length > 10
        quiet: true
    - name: Keep it in a private file
      ansible.builtin.copy:
        content: "{{ hook.secret }}"
        dest: "{{ secret_file }}"
        mode: "0600"
      no_log: true
""" % json.dumps(HOOK)
    secret_file = tmp_path / "secret.txt"
    run = playbook_run(playbook, verbosity=4, json_output=False, extra_vars={"secret_file": str(secret_file)})
    assert run.rc == 0, run
    assert len(sim.state()["webhooks"]) == 1
    secret = secret_file.read_text()
    assert len(secret) > 10 and secret not in run.output
    assert secret not in json.dumps(sim.journal())


def test_diff_mode_shows_before_after_and_masks_credentials(sim, ansible_run):
    args = dict(HOOK, authentication_type="bearer", token="tok-very-private-1", signing_token="sign-very-private-2")
    run = ansible_run("webhook", args, check=True, diff=True, verbosity=3)
    assert run.rc == 0, run
    diff = run.result["diff"]
    assert diff["before"] == {}
    assert diff["after"]["name"] == "soc-ticketing" and diff["after"]["authentication_type"] == "BearerToken"
    assert diff["after"]["credentials"] == {"token": "********", "signing_token": "********"}
    assert "tok-very-private-1" not in run.output and "sign-very-private-2" not in run.output


def test_drift_is_reported_and_nothing_is_written(sim, ansible_run):
    sim.seed_webhooks([{"workspaceId": WORKSPACE, "name": "soc-ticketing", "url": "https://old.example.com/cf",
                        "eventTypes": ["incident.created.v1"], "monitoredAccountIds": []}])
    run = ansible_run("webhook", dict(HOOK, monitored_account_ids=[ACCOUNT]), diff=True)
    assert run.rc == 0, run
    res = run.result
    assert res["changed"] is False and res["action"] == "unchanged"
    assert res["drift"]["url"] == {"have": "https://old.example.com/cf", "want": "https://hooks.example.com/cf"}
    assert res["drift"]["monitored_account_ids"]["want"] == [ACCOUNT]
    assert res["diff"]["before"]["url"] == "https://old.example.com/cf" and res["diff"]["after"]["url"] == "https://hooks.example.com/cf"
    assert any("differs from the task" in w for w in res["warnings"])
    assert sim.writes() == []


def test_several_matches_fail_and_list_ids(sim, ansible_run):
    seeded = sim.seed_webhooks([dict(workspaceId=WORKSPACE, name="soc-ticketing", url="https://a.example.com", eventTypes=["incident.created.v1"]),
                                dict(workspaceId=WORKSPACE, name="soc-ticketing", url="https://b.example.com", eventTypes=["incident.created.v1"])])
    run = ansible_run("webhook", HOOK)
    assert run.rc != 0
    assert "2 webhooks named 'soc-ticketing'" in run.result["msg"]
    for hook in seeded:
        assert hook["id"] in run.result["msg"]
    assert sim.writes() == []


def test_same_name_in_another_workspace_is_not_a_match(sim, ansible_run):
    sim.seed_webhooks([dict(workspaceId=OTHER_WORKSPACE, name="soc-ticketing", url="https://hooks.example.com/cf",
                            eventTypes=["incident.created.v1"])])
    run = ansible_run("webhook", HOOK)
    assert run.rc == 0 and run.result["changed"] is True, run
    assert len(creates(sim)) == 1


BAD_INPUTS = [
    (dict(HOOK, workspace_id="not-a-uuid"), "workspace_id"),
    (dict(HOOK, url="hooks.example.com/cf"), "url"),
    (dict(HOOK, url="ftp://hooks.example.com/cf"), "url"),
    (dict(HOOK, event_types=["incident-created"]), "event_types"),
    (dict(HOOK, monitored_account_ids=["123"]), "monitored_account_ids"),
    (dict(HOOK, authentication_type="bearer"), "token"),
    (dict(HOOK, authentication_type="basic", username="svc"), "password"),
    (dict(HOOK, token="orphan-token-value"), "token"),
    (dict(HOOK, authentication_type="digest"), "authentication_type"),
    ({k: v for k, v in HOOK.items() if k != "url"}, "url"),
    (dict(HOOK, name=""), "name"),
]


@pytest.mark.parametrize("args, field", BAD_INPUTS, ids=[f + str(i) for i, (_a, f) in enumerate(BAD_INPUTS)])
def test_bad_input_fails_before_any_request(sim, ansible_run, args, field):
    run = ansible_run("webhook", args)
    assert run.rc != 0, run
    assert field in run.result["msg"], run.result["msg"]
    assert "orphan-token-value" not in run.output
    assert sim.journal() == [], "no request may be sent for bad input"


def test_missing_credentials_fail_with_one_sentence(sim, ansible_run):
    run = ansible_run("webhook", HOOK, env={"CONTRAFORCE_CLIENT_SECRET": ""})
    assert run.rc != 0
    assert "client_secret (or CONTRAFORCE_CLIENT_SECRET) is missing" in run.result["msg"]
    assert sim.journal() == []


def test_bearer_token_from_environment(sim, ansible_run):
    run = ansible_run("webhook", HOOK, env={"CONTRAFORCE_CLIENT_ID": "", "CONTRAFORCE_CLIENT_SECRET": "", "CONTRAFORCE_API_TOKEN": "cf-demo-token"})
    assert run.rc == 0, run
    assert run.result["changed"] is True


def test_401_says_credentials_were_refused(sim, ansible_run):
    run = ansible_run("webhook", HOOK, env={"CONTRAFORCE_CLIENT_SECRET": "wrong-secret-value"}, verbosity=4)
    assert run.rc != 0
    msg = run.result["msg"]
    assert "refused the credentials" in msg and "401" in msg and "requestId" in msg
    assert "wrong-secret-value" not in run.output and DEMO_CLIENT_SECRET not in run.output
    assert "Traceback" not in run.output


def test_403_names_the_workspace(sim, ansible_run):
    sim.config(forbidden_workspaces=[WORKSPACE])
    run = ansible_run("webhook", HOOK)
    assert run.rc != 0
    msg = run.result["msg"]
    assert "403 INSUFFICIENT_WORKSPACE_ROLE" in msg and WORKSPACE in msg
    assert run.result["error"]["code"] == "INSUFFICIENT_WORKSPACE_ROLE"
    assert sim.writes() == []


def test_400_names_the_fields(sim, ansible_run):
    sim.fault(method="POST", path_regex="^/api/v2/webhooks$", kind="status", status=400, code="VALIDATION_ERROR",
              errors={"url": ["The receiver URL is not reachable."]})
    run = ansible_run("webhook", HOOK)
    assert run.rc != 0
    msg = run.result["msg"]
    assert "HTTP 400 VALIDATION_ERROR" in msg and "url: The receiver URL is not reachable." in msg
    assert run.result["error"]["errors"] == {"url": ["The receiver URL is not reachable."]}
