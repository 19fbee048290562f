# -*- coding: utf-8 -*-
# Copyright: ContraForce platform collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The lifecycle of contraforce.platform.webhook beyond creation, through real ansible processes against
the simulator: ``state: absent`` and credential rotation. The simulator's journal proves which writes
happened, and that no token, password or signing token ever shows in output, diff or journal."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

import pytest

WORKSPACE = "2f1b8c9e-0d4a-4c55-9a8e-3d2c1b0a9f87"
OTHER_WORKSPACE = "7d3e2a10-5b6c-4d8e-9f01-a2b3c4d5e6f7"
NAME = "soc-ticketing"
URL = "https://hooks.example.com/cf"
EVENTS = ["incident.created.v1"]
PRESENT = {"workspace_id": WORKSPACE, "name": NAME, "url": URL, "event_types": EVENTS}
ABSENT = {"workspace_id": WORKSPACE, "name": NAME, "state": "absent"}

TOKEN = "tok-rotation-very-private-1"
PASSWORD = "pw-rotation-very-private-2"
SIGNING = "sign-rotation-very-private-3"
NEW_TOKEN = "tok-rotation-very-private-4"
SECRETS = (TOKEN, PASSWORD, SIGNING, NEW_TOKEN)


def seed(sim, workspace=WORKSPACE, name=NAME, **extra):
    item = {"workspaceId": workspace, "name": name, "url": URL, "eventTypes": EVENTS}
    item.update(extra)
    return sim.seed_webhooks([item])[0]


def deletes(sim):
    return [e for e in sim.writes() if e["method"] == "DELETE"]


def credential_calls(sim):
    return [e for e in sim.writes() if e["method"] == "POST" and e["path"].endswith("/credentials")]


def stored(sim, webhook_id):
    found = [w for w in sim.webhooks() if w["id"] == webhook_id]
    return found[0] if found else None


def assert_no_secret(sim, run):
    text = run.output
    journal = json.dumps(sim.journal())
    for value in SECRETS:
        assert value not in text, "a secret value leaked into ansible's output"
        assert value not in journal, "a secret value reached the simulator journal unredacted"


# ---------------------------------------------------------------------------- state: absent

def test_absent_already_is_not_a_change_and_writes_nothing(sim, ansible_run):
    seed(sim, workspace=OTHER_WORKSPACE)  # same name elsewhere is not a match
    run = ansible_run("webhook", ABSENT, diff=True)
    assert run.rc == 0, run
    assert run.result["changed"] is False and run.result["action"] == "absent"
    assert run.result["webhook"] == {}
    assert sim.writes() == []
    assert [(e["method"], e["path"]) for e in sim.journal()] == [("GET", "/api/v2/webhooks")]
    assert len(sim.webhooks()) == 1


def test_absent_deletes_exactly_the_one_webhook(sim, ansible_run):
    target = seed(sim)
    keep_same_name = seed(sim, workspace=OTHER_WORKSPACE)
    keep_other_name = seed(sim, name="chatops")
    run = ansible_run("webhook", ABSENT, diff=True)
    assert run.rc == 0, run
    res = run.result
    assert res["changed"] is True and res["action"] == "deleted"
    assert res["webhook"]["id"] == target["id"] and res["webhook"]["name"] == NAME
    assert res["diff"]["before"]["id"] == target["id"] and res["diff"]["after"] == {}
    writes = sim.writes()
    assert [(e["method"], e["path"]) for e in writes] == [("DELETE", "/api/v2/webhooks/%s" % target["id"])]
    assert writes[0]["status"] == 204
    assert stored(sim, target["id"]) is None
    assert stored(sim, keep_same_name["id"]) and stored(sim, keep_other_name["id"])

    again = ansible_run("webhook", ABSENT)
    assert again.rc == 0, again
    assert again.result["changed"] is False and again.result["action"] == "absent"
    assert len(sim.writes()) == 1, "the second run must not write"


def test_absent_in_check_mode_predicts_and_writes_nothing(sim, ansible_run):
    target = seed(sim)
    run = ansible_run("webhook", ABSENT, check=True, diff=True)
    assert run.rc == 0, run
    assert run.result["changed"] is True and run.result["action"] == "deleted"
    assert run.result["diff"]["before"]["id"] == target["id"] and run.result["diff"]["after"] == {}
    assert sim.writes() == []
    assert stored(sim, target["id"]) is not None


def test_absent_with_several_matches_fails_lists_ids_and_deletes_nothing(sim, ansible_run):
    first = seed(sim, url="https://a.example.com/cf")
    second = seed(sim, url="https://b.example.com/cf")
    run = ansible_run("webhook", ABSENT)
    assert run.rc != 0, run
    msg = run.result["msg"]
    assert "2 webhooks named 'soc-ticketing'" in msg
    assert first["id"] in msg and second["id"] in msg
    assert sorted(run.result["ids"]) == sorted([first["id"], second["id"]])
    assert sim.writes() == []
    assert len(sim.webhooks()) == 2


def test_absent_needs_no_url_or_event_types_and_ignores_them(sim, ansible_run):
    target = seed(sim)
    run = ansible_run("webhook", dict(ABSENT, url="https://something-else.example.com"))
    assert run.rc == 0, run
    assert run.result["action"] == "deleted"
    assert len(deletes(sim)) == 1 and stored(sim, target["id"]) is None


def test_absent_delete_answered_404_after_a_lost_answer_counts_as_done(sim, ansible_run):
    target = seed(sim)
    sim.fault(kind="drop_after_store", method="DELETE", path_regex=r"^/api/v2/webhooks/[^/]+$", times=1)
    run = ansible_run("webhook", ABSENT)
    assert run.rc == 0, run
    assert run.result["changed"] is True and run.result["action"] == "deleted"
    assert stored(sim, target["id"]) is None
    assert [e["status"] for e in deletes(sim)][-1] == 404


def test_present_after_absent_creates_again(sim, playbook_run):
    playbook = """
- hosts: localhost
  gather_facts: false
  tasks:
    - name: Create
      contraforce.platform.webhook: %s
    - name: Delete
      contraforce.platform.webhook: %s
    - name: Delete again
      contraforce.platform.webhook: %s
""" % (json.dumps(PRESENT), json.dumps(ABSENT), json.dumps(ABSENT))
    run = playbook_run(playbook)
    assert run.rc == 0, run
    results = dict(run.task_results())
    assert results["Create"]["changed"] is True
    assert results["Delete"]["changed"] is True and results["Delete again"]["changed"] is False
    assert [e["method"] for e in sim.writes()] == ["POST", "DELETE"]
    assert sim.webhooks() == []


# ---------------------------------------------------------------------------- credentials

def test_update_credentials_always_sends_one_credentials_call_and_reports_changed(sim, ansible_run):
    target = seed(sim, authenticationType="BearerToken")
    args = dict(PRESENT, authentication_type="bearer", token=TOKEN, signing_token=SIGNING, update_credentials="always")
    run = ansible_run("webhook", args, diff=True, verbosity=4)
    assert run.rc == 0, run
    res = run.result
    assert res["changed"] is True and res["action"] == "credentials_updated"
    assert res["webhook"]["has_signing_token"] is True and res["webhook"]["authentication_type"] == "BearerToken"
    assert res["diff"]["after"]["credentials"] == {"token": "********", "signing_token": "********"}
    calls = credential_calls(sim)
    assert len(calls) == 1 and len(sim.writes()) == 1
    assert calls[0]["path"] == "/api/v2/webhooks/%s/credentials" % target["id"]
    body = calls[0]["body"]
    assert body["authenticationType"] == "BearerToken"
    assert body["token"] == "***REDACTED***" and body["signingToken"] == "***REDACTED***"
    assert stored(sim, target["id"])["hasSigningToken"] is True
    assert_no_secret(sim, run)

    # Write-only values cannot be compared: "always" writes (and reports) on every run.
    again = ansible_run("webhook", args)
    assert again.rc == 0, again
    assert again.result["changed"] is True
    assert len(credential_calls(sim)) == 2 and len(sim.writes()) == 2


def test_update_credentials_on_create_leaves_an_existing_webhook_alone(sim, ansible_run):
    seed(sim, authenticationType="BearerToken")
    args = dict(PRESENT, authentication_type="bearer", token=NEW_TOKEN)
    run = ansible_run("webhook", args)
    assert run.rc == 0, run
    assert run.result["changed"] is False and run.result["action"] == "unchanged"
    assert sim.writes() == []
    assert_no_secret(sim, run)


def test_authentication_type_change_is_applied_with_on_create(sim, ansible_run):
    target = seed(sim, authenticationType="None")
    args = dict(PRESENT, authentication_type="basic", username="svc-contraforce", password=PASSWORD)
    check = ansible_run("webhook", args, check=True, diff=True)
    assert check.rc == 0, check
    assert check.result["changed"] is True and check.result["action"] == "credentials_updated"
    assert check.result["webhook"]["authentication_type"] == "BasicAuth"
    assert check.result["diff"]["before"]["authentication_type"] == "None"
    assert check.result["diff"]["after"]["authentication_type"] == "BasicAuth"
    assert check.result["diff"]["after"]["credentials"] == {"username": "svc-contraforce", "password": "********"}
    assert sim.writes() == [], "check mode must not write"

    run = ansible_run("webhook", args, diff=True, verbosity=4)
    assert run.rc == 0, run
    assert run.result["changed"] is True and run.result["action"] == "credentials_updated"
    assert run.result["webhook"]["authentication_type"] == "BasicAuth"
    [call] = credential_calls(sim)
    assert len(sim.writes()) == 1
    assert call["path"] == "/api/v2/webhooks/%s/credentials" % target["id"]
    assert call["body"]["authenticationType"] == "BasicAuth" and call["body"]["username"] == "svc-contraforce"
    assert call["body"]["password"] == "***REDACTED***"
    assert stored(sim, target["id"])["authenticationType"] == "BasicAuth"
    assert_no_secret(sim, run)

    rerun = ansible_run("webhook", args)
    assert rerun.rc == 0, rerun
    assert rerun.result["changed"] is False and rerun.result["action"] == "unchanged"
    assert len(sim.writes()) == 1, "once applied, the same authentication_type needs no write"


def test_switching_back_to_none_is_applied(sim, ansible_run):
    target = seed(sim, authenticationType="BearerToken")
    run = ansible_run("webhook", dict(PRESENT, authentication_type="none"))
    assert run.rc == 0, run
    assert run.result["changed"] is True
    [call] = credential_calls(sim)
    assert call["body"]["authenticationType"] == "None"
    assert stored(sim, target["id"])["authenticationType"] == "None"


def test_rotation_in_check_mode_writes_nothing(sim, ansible_run):
    target = seed(sim, authenticationType="BearerToken")
    args = dict(PRESENT, authentication_type="bearer", token=NEW_TOKEN, signing_token=SIGNING, update_credentials="always")
    run = ansible_run("webhook", args, check=True, diff=True, verbosity=4)
    assert run.rc == 0, run
    assert run.result["changed"] is True and run.result["action"] == "credentials_updated"
    assert run.result["webhook"]["id"] == target["id"] and run.result["webhook"]["has_signing_token"] is True
    assert sim.writes() == []
    assert stored(sim, target["id"])["hasSigningToken"] is False
    assert_no_secret(sim, run)


def test_update_credentials_always_needs_authentication_type(sim, ansible_run):
    seed(sim)
    run = ansible_run("webhook", dict(PRESENT, token=TOKEN, update_credentials="always"))
    assert run.rc != 0, run
    assert "authentication_type" in run.result["msg"]
    assert sim.journal() == []
    assert_no_secret(sim, run)


def test_rotation_rejected_by_the_api_shows_no_secret(sim, ansible_run):
    seed(sim, authenticationType="BearerToken")
    sim.fault(kind="status", status=400, code="VALIDATION_ERROR", method="POST", path_regex=r"/credentials$",
              detail="The token was rejected.")
    args = dict(PRESENT, authentication_type="bearer", token=TOKEN, update_credentials="always")
    run = ansible_run("webhook", args, diff=True, verbosity=4)
    assert run.rc != 0, run
    assert "400" in run.result["msg"] and "/credentials" in run.result["msg"]
    assert_no_secret(sim, run)


def test_secrets_never_leak_through_a_whole_lifecycle_playbook(sim, playbook_run):
    playbook = """
- hosts: localhost
  gather_facts: false
  vars:
    hook: %s
  tasks:
    - name: Create with bearer auth and a signing token
      contraforce.platform.webhook: "{{ hook | combine({'authentication_type': 'bearer', 'token': '%s', 'signing_token': '%s'}) }}"
    - name: Rotate the token
      contraforce.platform.webhook: "{{ hook | combine({'authentication_type': 'bearer', 'token': '%s', 'update_credentials': 'always'}) }}"
    - name: Switch to basic auth
      contraforce.platform.webhook: "{{ hook | combine({'authentication_type': 'basic', 'username': 'svc', 'password': '%s'}) }}"
    - name: List
      contraforce.platform.webhook_info:
        workspace_id: "%s"
    - name: Delete
      contraforce.platform.webhook: "{{ hook | combine({'state': 'absent'}) }}"
""" % (json.dumps(PRESENT), TOKEN, SIGNING, NEW_TOKEN, PASSWORD, WORKSPACE)
    run = playbook_run(playbook, verbosity=4, diff=True, json_output=False)
    assert run.rc == 0, run
    assert [e["method"] for e in sim.writes()] == ["POST", "POST", "POST", "DELETE"]
    assert [e["path"].rsplit("/", 1)[-1] for e in sim.writes()][1:3] == ["credentials", "credentials"]
    assert_no_secret(sim, run)
    assert "********" in run.output  # the diff shows that credentials were sent, masked
    for value in SECRETS:
        assert value not in sim.stderr()


@pytest.mark.parametrize("auth, extra", [
    ("bearer", {"token": TOKEN}),
    ("basic", {"username": "svc", "password": PASSWORD}),
], ids=["bearer", "basic"])
def test_create_sends_credentials_once_and_never_shows_them(sim, ansible_run, auth, extra):
    args = dict(PRESENT, authentication_type=auth, signing_token=SIGNING, **extra)
    run = ansible_run("webhook", args, diff=True, verbosity=4)
    assert run.rc == 0, run
    assert run.result["action"] == "created"
    [create] = sim.writes()
    assert create["path"] == "/api/v2/webhooks"
    assert create["body"]["signingToken"] == "***REDACTED***"
    assert_no_secret(sim, run)
    rerun = ansible_run("webhook", args)
    assert rerun.result["changed"] is False and len(sim.writes()) == 1
