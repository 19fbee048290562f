# -*- coding: utf-8 -*-
# Copyright: ContraForce platform collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The contraforce.platform.webhooks role through real ansible-playbook runs against the simulator.

The simulator's journal proves the API work: one listing per workspace and one create per missing
webhook on the first run, no write on the re-run and in check mode, no request at all on bad input.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

import pytest

from .conftest import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, OTHER_WORKSPACE, WORKSPACE

THIRD_WORKSPACE = "0b9f1c2d-3e4f-4a5b-8c6d-7e8f9a0b1c2d"
TOKEN = "siem-bearer-token-5d1e88"

SETS = """
    contraforce_webhook_sets:
      soc:
        - name: soc-ticketing
          url: !unsafe "https://hooks.example.com/{{ workspace.name }}"
          event_types: [incident.created.v1]
        - name: !unsafe "siem-{{ workspace.name }}"
          url: !unsafe "https://siem.example.com/ingest/{{workspace.id}}"
          event_types: [incident.created.v1, agent.investigation.completed.v1]
          authentication_type: bearer
          token: %s
      audit:
        - name: audit-trail
          url: https://audit.example.com/cf
          event_types: [incident.created.v1]
""" % TOKEN

DEFAULT_SETS = """
    contraforce_default_sets: [soc]
"""

WORKSPACES = """
    contraforce_workspaces:
      - id: %s
        name: acme
      - id: %s
        name: globex
        sets: [soc, audit]
      - id: %s
        name: initech
        sets: []
""" % (WORKSPACE, OTHER_WORKSPACE, THIRD_WORKSPACE)


def playbook(extra_vars="", post_tasks="", module_defaults="", sets=SETS, workspaces=WORKSPACES, default_sets=DEFAULT_SETS):
    return """
- name: Standard webhooks
  hosts: localhost
  gather_facts: false
%s  vars:
%s%s%s%s
  roles:
    - role: contraforce.platform.webhooks
%s""" % (module_defaults, sets, default_sets, workspaces, extra_vars, post_tasks)


SECRETS_CHECK = """  post_tasks:
    - name: The secrets of the new webhooks are there for later tasks
      ansible.builtin.assert:
        that:
          - contraforce_webhook_secrets['%s'] | list == ['siem-acme']
          - contraforce_webhook_secrets['%s'] | list | sort == ['audit-trail', 'siem-globex', 'soc-ticketing']
          - contraforce_webhook_secrets['%s']['audit-trail'] is match('whsec_')
          - contraforce_webhook_summary.totals.created == 4
        quiet: true
""" % (WORKSPACE, OTHER_WORKSPACE, OTHER_WORKSPACE)


def by_method(sim):
    counts = {}
    for entry in sim.journal():
        counts[entry["method"]] = counts.get(entry["method"], 0) + 1
    return counts


def task_result(run, fragment):
    found = [res for name, res in run.task_results() if fragment in name]
    assert found, "no task named like %r in %s" % (fragment, [name for name, _res in run.task_results()])
    return found[-1]


def summary_lines(run):
    return task_result(run, "Show the summary per workspace")["msg"]


def assert_no_secret_printed(run):
    assert TOKEN not in run.output
    assert "whsec_" not in run.output
    assert DEMO_CLIENT_SECRET not in run.output


def test_first_run_creates_exactly_the_missing_webhooks_then_the_rerun_changes_nothing(sim, playbook_run):
    sim.seed_webhooks([{"workspaceId": WORKSPACE, "name": "soc-ticketing", "url": "https://hooks.example.com/acme",
                        "eventTypes": ["incident.created.v1"]}])
    first = playbook_run(playbook(post_tasks=SECRETS_CHECK), verbosity=2)
    assert first.rc == 0, first
    # initech has no sets: it is not even listed
    assert by_method(sim) == {"GET": 2, "POST": 4}
    created = sorted((e["body"]["workspaceId"], e["body"]["name"], e["body"]["url"]) for e in sim.writes())
    assert created == sorted([
        (WORKSPACE, "siem-acme", "https://siem.example.com/ingest/" + WORKSPACE),
        (OTHER_WORKSPACE, "soc-ticketing", "https://hooks.example.com/globex"),
        (OTHER_WORKSPACE, "siem-globex", "https://siem.example.com/ingest/" + OTHER_WORKSPACE),
        (OTHER_WORKSPACE, "audit-trail", "https://audit.example.com/cf"),
    ])
    siem = [e["body"] for e in sim.writes() if e["body"]["name"] == "siem-acme"][0]
    assert siem["authenticationType"] == "BearerToken" and siem["eventTypes"] == ["incident.created.v1", "agent.investigation.completed.v1"]
    assert first.stats["changed"] == 1 and first.stats["failures"] == 0
    assert summary_lines(first)[:3] == [
        "acme (%s): created 1, unchanged 1, drifted 0, failed 0" % WORKSPACE,
        "globex (%s): created 3, unchanged 0, drifted 0, failed 0" % OTHER_WORKSPACE,
        "initech (%s): created 0, unchanged 0, drifted 0, failed 0" % THIRD_WORKSPACE,
    ]
    assert_no_secret_printed(first)

    sim.clear_journal()
    rerun = playbook_run(playbook())
    assert rerun.rc == 0, rerun
    assert rerun.stats["changed"] == 0
    assert sim.writes() == []
    assert by_method(sim) == {"GET": 2}
    assert summary_lines(rerun)[1] == "globex (%s): created 0, unchanged 3, drifted 0, failed 0" % OTHER_WORKSPACE


def test_check_mode_writes_nothing_and_diff_mode_shows_the_changes_without_secrets(sim, playbook_run):
    run = playbook_run(playbook(), check=True, diff=True)
    assert run.rc == 0, run
    assert sim.writes() == []
    assert by_method(sim) == {"GET": 2}
    assert run.stats["changed"] == 1
    assert summary_lines(run)[0] == "acme (%s): created 2, unchanged 0, drifted 0, failed 0" % WORKSPACE
    assert "[check mode: nothing was changed]" in summary_lines(run)[-1]
    diff = task_result(run, "Show the webhook changes")["__contraforce_webhooks_result.diff"]
    assert len(diff) == 5
    siem = [d for d in diff if d["after"]["name"] == "siem-acme"][0]
    assert siem["after"]["credentials"] == {"token": "********"}
    assert siem["after"]["url"] == "https://siem.example.com/ingest/" + WORKSPACE
    assert_no_secret_printed(run)


def test_drift_is_reported_and_not_written(sim, playbook_run):
    sim.seed_webhooks([{"workspaceId": WORKSPACE, "name": "soc-ticketing", "url": "https://old.example.com/acme",
                        "eventTypes": ["incident.created.v1"]}])
    run = playbook_run(playbook(), check=True)
    assert run.rc == 0, run
    assert summary_lines(run)[0] == "acme (%s): created 1, unchanged 1, drifted 1, failed 0" % WORKSPACE


def test_a_forbidden_workspace_does_not_stop_the_others_and_shows_in_the_summary(sim, playbook_run):
    sim.config(forbidden_workspaces=[OTHER_WORKSPACE])
    text = """
- name: Standard webhooks, one workspace forbidden
  hosts: localhost
  gather_facts: false
  vars:
%s%s%s
  tasks:
    - name: Run the role and look at what it left
      block:
        - name: Run the role
          ansible.builtin.include_role:
            name: contraforce.platform.webhooks
            public: true
      rescue:
        - name: The secrets of what was created are kept although the role failed
          ansible.builtin.assert:
            that:
              - contraforce_webhook_secrets['%s'] | list | sort == ['siem-acme', 'soc-ticketing']
              - contraforce_webhook_summary.totals.failed_workspaces == 1
            quiet: true
        - name: Fail as the role did
          ansible.builtin.fail:
            msg: "{{ ansible_failed_result.msg }}"
""" % (SETS, DEFAULT_SETS, WORKSPACES, WORKSPACE)
    run = playbook_run(text)
    assert run.rc != 0, run
    lines = summary_lines(run)
    assert lines[0] == "acme (%s): created 2, unchanged 0, drifted 0, failed 0" % WORKSPACE
    assert lines[1].startswith("globex (%s): created 0, unchanged 0, drifted 0, failed 3 - FAILED: " % OTHER_WORKSPACE)
    assert "INSUFFICIENT_WORKSPACE_ROLE" in lines[1]
    assert "1 workspace(s) failed" in lines[-1]
    final = run.result
    assert final["failed"] is True and "1 of 3 workspace(s) failed" in final["msg"] and "globex" in final["msg"]
    assert sorted(e["body"]["name"] for e in sim.writes()) == ["siem-acme", "soc-ticketing"]
    assert by_method(sim) == {"GET": 2, "POST": 2}
    assert_no_secret_printed(run)


def validation_message(run):
    return task_result(run, "Check the workspaces, sets and webhook names")["msg"]


@pytest.mark.parametrize("override, expected", [
    (dict(default_sets="    contraforce_default_sets: [soc, sox]\n"), 'contraforce_default_sets: unknown set "sox" (known sets: audit, soc)'),
    (dict(workspaces="    contraforce_workspaces:\n      - {id: %s, name: acme, sets: [soc, nope]}\n" % WORKSPACE),
     'contraforce_workspaces[0] acme (%s): unknown set "nope" (known sets: audit, soc)' % WORKSPACE),
    (dict(workspaces="    contraforce_workspaces:\n      - {id: 2f1b8c9e-0d4a-4c55-9a8e, name: acme}\n"),
     'contraforce_workspaces[0].id: "2f1b8c9e-0d4a-4c55-9a8e" is not a UUID'),
    (dict(workspaces="    contraforce_workspaces:\n      - {id: %s, name: acme}\n      - {id: %s}\n" % (WORKSPACE, WORKSPACE.upper())),
     "contraforce_workspaces[1].id: %s is also contraforce_workspaces[0].id" % WORKSPACE.upper()),
    (dict(extra_vars="    contraforce_concurrency: 0\n"), "contraforce_concurrency: must be an integer from 1 to 32, got 0"),
], ids=["unknown-default-set", "unknown-set", "bad-uuid", "duplicate-workspace", "concurrency"])
def test_invalid_input_fails_before_any_request(sim, playbook_run, override, expected):
    run = playbook_run(playbook(**override))
    assert run.rc != 0, run
    message = validation_message(run)
    assert message.startswith("contraforce.platform.webhooks: invalid input, nothing was sent to ContraForce.")
    assert expected in message, message
    assert sim.journal() == []


def test_duplicate_webhook_names_in_a_workspace_fail_before_any_request(sim, playbook_run):
    sets = """    contraforce_webhook_sets:
      soc:
        - {name: soc-ticketing, url: "https://hooks.example.com/a", event_types: [incident.created.v1]}
      audit:
        - {name: audit-trail, url: "https://audit.example.com/cf", event_types: [incident.created.v1]}
        - {name: soc-ticketing, url: "https://hooks.example.com/b", event_types: [incident.created.v1]}
      twice:
        - {name: same, url: "https://hooks.example.com/c", event_types: [incident.created.v1]}
        - {name: same, url: "https://hooks.example.com/d", event_types: [incident.created.v1]}
"""
    run = playbook_run(playbook(sets=sets))
    assert run.rc != 0, run
    message = validation_message(run)
    assert ('contraforce_workspaces[1] globex (%s): webhook name "soc-ticketing" comes from set "soc" and from set "audit"' % OTHER_WORKSPACE) in message
    assert 'contraforce_webhook_sets.twice[1].name: "same" is also contraforce_webhook_sets.twice[0].name' in message
    assert sim.journal() == []


def test_unfilled_templates_and_bad_definitions_fail_before_any_request(sim, playbook_run):
    sets = """    contraforce_webhook_sets:
      soc:
        - name: soc-ticketing
          url: !unsafe "https://hooks.example.com/{{ workspace.region }}"
          event_types: [incident.created.v1]
        - name: !unsafe "siem-{{ workspace.name }}"
          url: "hooks.example.com/no-scheme"
          event_types: [incident.created.v1]
"""
    workspaces = "    contraforce_workspaces:\n      - {id: %s}\n" % WORKSPACE
    run = playbook_run(playbook(sets=sets, workspaces=workspaces))
    assert run.rc != 0, run
    message = validation_message(run)
    assert 'webhook "soc-ticketing": its url holds a template the role does not fill in' in message
    assert "its name uses the workspace.name placeholder but the workspace has no name" in message
    assert sim.journal() == []

    # the role's own checks pass; the module's validation of each definition names the path, still before any request
    sets = sets.replace("{{ workspace.region }}", "x").replace("siem-{{ workspace.name }}", "siem")
    run = playbook_run(playbook(sets=sets, workspaces=workspaces))
    assert run.rc != 0, run
    message = task_result(run, "Stop when the webhooks could not be reconciled")["msg"]
    assert "workspaces[0].webhooks[1].url: must be an absolute http:// or https:// URL" in message, message
    assert sim.journal() == []


def test_plain_jinja_placeholder_is_stopped_by_the_argument_spec_before_any_request(sim, playbook_run):
    sets = """    contraforce_webhook_sets:
      soc:
        - name: soc-ticketing
          url: "https://hooks.example.com/{{ workspace.name }}"
          event_types: [incident.created.v1]
"""
    run = playbook_run(playbook(sets=sets))
    assert run.rc != 0, run
    assert "'workspace' is undefined" in run.output
    assert sim.journal() == []


def test_argument_spec_rejects_a_misspelled_workspace_key(sim, playbook_run):
    workspaces = "    contraforce_workspaces:\n      - {id: %s, set: [soc]}\n" % WORKSPACE
    run = playbook_run(playbook(workspaces=workspaces))
    assert run.rc != 0, run
    errors = " ".join(task_result(run, "Validating arguments against arg spec")["argument_errors"])
    assert "contraforce_workspaces" in errors and "Supported parameters include: id, name, sets" in errors, errors
    assert sim.journal() == []


def test_connection_from_module_defaults(sim, playbook_run):
    defaults = """  module_defaults:
    group/contraforce.platform.all:
      api_url: %s
      client_id: %s
      client_secret: %s
""" % (sim.url, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET)
    run = playbook_run(playbook(module_defaults=defaults), check=True,
                       env={"CONTRAFORCE_API_URL": "http://127.0.0.1:9", "CONTRAFORCE_CLIENT_SECRET": "wrong"})
    assert run.rc == 0, run
    assert by_method(sim) == {"GET": 2}


def test_example_playbook_runs_in_check_mode(sim, playbook_run, collection_root):
    import os  # pylint: disable=import-outside-toplevel
    example = os.path.join(collection_root, "ansible_collections", "contraforce", "platform", "docs", "examples", "webhooks-role.yml")
    run = playbook_run(example, check=True, env={"SIEM_TOKEN": TOKEN})
    assert run.rc == 0, run
    assert by_method(sim) == {"GET": 2}
    assert TOKEN not in run.output
    assert json.dumps(summary_lines(run))
