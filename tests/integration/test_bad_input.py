# -*- coding: utf-8 -*-
# Copyright: ContraForce platform collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Bad input across the modules and the role: each case fails before any request (the simulator's
journal stays empty) with a message that names the field.

All cases run as ONE ``ansible-playbook`` (module cases with ``ignore_errors``, role cases in a
``block`` whose ``rescue`` records the failure), then each case is checked by its own test. Every
case that could reach the API uses its own workspace UUID, so a request in the journal is pinned to
the case that sent it.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

import pytest

from . import reliability_report as report
from .conftest import reliability_env, reliability_playbook

WEBHOOK = "contraforce.platform.webhook"
INFO = "contraforce.platform.webhook_info"
DELIVERIES = "contraforce.platform.webhook_delivery_info"
BULK = "contraforce.platform.webhook_bulk"
ROLE = "contraforce.platform.webhooks"


class Bad(object):
    """One bad-input case: module (or ROLE), arguments (role: variables), words the message must hold."""

    def __init__(self, cid, module, args, words, env=None, number=None):
        self.id = cid
        self.module = module
        self.args = args
        self.words = (words,) if isinstance(words, str) else tuple(words)
        self.env = env
        self.workspace = None
        self.number = number


def ws(number):
    return "bad1ace0-0000-4000-8000-%012d" % number


def hook(number, **changes):
    args = {"workspace_id": ws(number), "name": "bad-input-%d" % number, "url": "https://hooks.example.com/cf",
            "event_types": ["incident.created.v1"]}
    for key, value in changes.items():
        if value is None:
            args.pop(key, None)
        else:
            args[key] = value
    return args


def role_vars(number, sets=None, workspaces=None, **extra):
    out = {
        "contraforce_webhook_sets": sets if sets is not None else {
            "soc": [{"name": "soc-ticketing", "url": "https://hooks.example.com/soc", "event_types": ["incident.created.v1"]}]},
        "contraforce_workspaces": workspaces if workspaces is not None else [{"id": ws(number), "name": "acme", "sets": ["soc"]}],
    }
    out.update(extra)
    return out


def bulk(number, definition=None, **extra):
    definition = definition or {"name": "bulk-hook", "url": "https://hooks.example.com/bulk", "event_types": ["incident.created.v1"]}
    out = {"workspaces": [{"id": ws(number), "name": "acme", "webhooks": [definition]}]}
    out.update(extra)
    return out


_CASES = [
    # ---- webhook: identity, receiver URL, event types, accounts
    ("webhook-workspace-not-uuid", WEBHOOK, lambda n: hook(n, workspace_id="not-a-uuid"), "workspace_id"),
    ("webhook-workspace-uuid-without-dashes", WEBHOOK, lambda n: hook(n, workspace_id="2f1b8c9e0d4a4c559a8e3d2c1b0a9f87"), "workspace_id"),
    ("webhook-workspace-missing", WEBHOOK, lambda n: hook(n, workspace_id=None), "workspace_id"),
    ("webhook-name-empty", WEBHOOK, lambda n: hook(n, name=""), "name"),
    ("webhook-url-relative", WEBHOOK, lambda n: hook(n, url="/hooks/cf"), "url"),
    ("webhook-url-without-scheme", WEBHOOK, lambda n: hook(n, url="hooks.example.com/cf"), "url"),
    ("webhook-url-ftp", WEBHOOK, lambda n: hook(n, url="ftp://hooks.example.com/cf"), "url"),
    ("webhook-url-with-user-password", WEBHOOK, lambda n: hook(n, url="https://svc:pw@hooks.example.com/cf"), "url"),
    ("webhook-url-missing", WEBHOOK, lambda n: hook(n, url=None), "url"),
    ("webhook-event-without-version", WEBHOOK, lambda n: hook(n, event_types=["incident.created"]), "event_types"),
    ("webhook-event-with-dash", WEBHOOK, lambda n: hook(n, event_types=["incident.created.v1", "incident-closed"]), "event_types"),
    ("webhook-event-types-empty", WEBHOOK, lambda n: hook(n, event_types=[]), "event_types"),
    ("webhook-event-types-dict", WEBHOOK, lambda n: hook(n, event_types={"incident": "created"}), "event_types"),
    ("webhook-monitored-account-not-uuid", WEBHOOK, lambda n: hook(n, monitored_account_ids=["123"]), "monitored_account_ids"),
    # ---- webhook: receiver credentials against authentication_type
    ("webhook-authentication-type-unknown", WEBHOOK, lambda n: hook(n, authentication_type="digest"), "authentication_type"),
    ("webhook-bearer-without-token", WEBHOOK, lambda n: hook(n, authentication_type="bearer"), "token"),
    ("webhook-basic-without-password", WEBHOOK, lambda n: hook(n, authentication_type="basic", username="svc"), "password"),
    ("webhook-token-without-authentication-type", WEBHOOK, lambda n: hook(n, token="orphan-token"), "token"),
    ("webhook-password-with-bearer", WEBHOOK,
     lambda n: hook(n, authentication_type="bearer", token="a-receiver-token", password="a-receiver-password"), "password"),
    ("webhook-update-always-without-authentication-type", WEBHOOK, lambda n: hook(n, update_credentials="always"), "authentication_type"),
    ("webhook-state-unknown", WEBHOOK, lambda n: hook(n, state="gone"), "state"),
    ("webhook-unknown-option", WEBHOOK, lambda n: hook(n, colour="red"), "colour"),
    # ---- connection options (shared by every module)
    ("connection-timeout-zero", WEBHOOK, lambda n: hook(n, timeout=0), "timeout"),
    ("connection-timeout-not-a-number", WEBHOOK, hook, "timeout", {"CONTRAFORCE_TIMEOUT": "soon"}),
    ("connection-validate-certs-not-a-bool", INFO, lambda n: {"workspace_id": ws(n)}, "validate_certs", {"CONTRAFORCE_VALIDATE_CERTS": "maybe"}),
    ("connection-api-url-relative", WEBHOOK, lambda n: hook(n, api_url="portal.contraforce.com"), "api_url"),
    ("connection-api-url-with-credentials", INFO, lambda n: {"workspace_id": ws(n), "api_url": "https://svc:pw@portal.contraforce.com"}, "api_url"),
    ("connection-client-id-and-api-token", WEBHOOK, lambda n: hook(n, api_token="a-bearer-token"), ("client_id", "api_token", "not both")),
    ("connection-client-secret-missing", WEBHOOK, hook, "client_secret", {"CONTRAFORCE_CLIENT_SECRET": ""}),
    ("connection-no-credentials", INFO, lambda n: {"workspace_id": ws(n)}, ("client_id", "client_secret", "api_token"),
     {"CONTRAFORCE_CLIENT_SECRET": "", "CONTRAFORCE_CLIENT_ID": ""}),
    # ---- webhook_info
    ("info-workspace-not-uuid", INFO, lambda n: {"workspace_id": "ws-42"}, "workspace_id"),
    ("info-id-not-uuid", INFO, lambda n: {"id": "42"}, "id"),
    ("info-status-unknown", INFO, lambda n: {"workspace_id": ws(n), "status": "Broken"}, "status"),
    # ---- webhook_delivery_info
    ("deliveries-since-not-a-duration", DELIVERIES, lambda n: {"workspace_id": ws(n), "name": "x", "since": "yesterday"}, "since"),
    ("deliveries-to-before-from", DELIVERIES, lambda n: {"workspace_id": ws(n), "name": "x", "from": "2024-05-02T00:00:00Z",
                                                         "to": "2024-05-01T00:00:00Z"}, "to"),
    ("deliveries-id-and-name", DELIVERIES, lambda n: {"id": ws(n), "name": "x"}, ("id", "name")),
    ("deliveries-page-size-zero", DELIVERIES, lambda n: {"id": ws(n), "page_size": 0}, "page_size"),
    # ---- webhook_bulk
    ("bulk-webhook-url-relative", BULK, lambda n: bulk(n, {"name": "h", "url": "/relative", "event_types": ["incident.created.v1"]}),
     "workspaces[0].webhooks[0].url"),
    ("bulk-workspace-listed-twice", BULK, lambda n: {"workspaces": [{"id": ws(n)}, {"id": ws(n).upper()}]}, "workspaces[1].id"),
    ("bulk-concurrency-zero", BULK, lambda n: bulk(n, concurrency=0), "concurrency"),
    # ---- the webhooks role
    ("role-unknown-set", ROLE, lambda n: role_vars(n, workspaces=[{"id": ws(n), "sets": ["soc", "socc"]}]), ("unknown set", "socc", "soc")),
    ("role-workspace-not-uuid", ROLE, lambda n: role_vars(n, workspaces=[{"id": "acme", "sets": ["soc"]}]), "contraforce_workspaces[0].id"),
    ("role-set-webhook-url-relative", ROLE, lambda n: role_vars(n, sets={"soc": [{"name": "h", "url": "/x", "event_types": ["incident.created.v1"]}]}),
     "workspaces[0].webhooks[0].url"),
]

CASES = []
for _number, _item in enumerate(_CASES, 1):
    _case = Bad(_item[0], _item[1], _item[2](_number), _item[3], _item[4] if len(_item) > 4 else None, number=_number)
    _case.workspace = ws(_number)
    CASES.append(_case)


def bad_input_playbook():
    tasks = []
    for case in CASES:
        if case.module == ROLE:
            tasks.append({
                "name": "role " + case.id,
                "block": [{"ansible.builtin.import_role": {"name": ROLE}, "vars": case.args}],
                "rescue": [{"name": "case " + case.id, "ansible.builtin.debug": {"var": "ansible_failed_result"}}],
            })
            continue
        task = {"name": "case " + case.id, case.module: case.args, "ignore_errors": True}
        if case.env:
            task["environment"] = case.env
        tasks.append(task)
    return [{"name": "bad input", "hosts": "localhost", "gather_facts": False, "tasks": tasks}]


def _mentions(entry):
    """Every UUID-ish text of a journal entry: its path, query and body."""
    return json.dumps([entry.get("path"), entry.get("query"), entry.get("body")]).lower()


@pytest.fixture(scope="module")
def bad_run(simulator, tmp_path_factory):
    simulator.reset()
    tmp = tmp_path_factory.mktemp("bad-input")
    run = reliability_playbook(bad_input_playbook(), reliability_env(simulator, tmp), tmp, name="bad-input")
    journal = simulator.journal()
    simulator.reset()
    results = {}
    for name, res in run.task_results():
        if name.startswith("case "):
            if "ansible_failed_result" in res:  # a role case, recorded by its rescue
                res = dict(res["ansible_failed_result"], failed=True)
            results[name[len("case "):]] = res
    unpinned = [e for e in journal if not any(c.workspace in _mentions(e) for c in CASES)]
    return run, results, journal, unpinned


def test_bad_input_playbook_ran_without_traceback(bad_run):
    run, results, journal, unpinned = bad_run
    assert run.json is not None, run
    assert "Traceback" not in run.output, run
    assert not unpinned, "requests that no case explains: %s" % unpinned
    assert len(CASES) >= 30


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input_is_rejected_before_any_request(bad_run, case):
    run, results, journal, unpinned = bad_run
    sent = [(e["method"], e["path"], e["status"]) for e in journal if case.workspace in _mentions(e)]
    result = results.get(case.id)
    rejected = bool(result and result.get("failed") and not sent and not unpinned
                    and all(w in (result.get("msg") or "") for w in case.words) and "Traceback" not in json.dumps(result)
                    and "Module failed" not in result["msg"])
    report.bad_input(1, 1 if rejected else 0)
    assert result is not None, "the case did not fail (its rescue did not run)\n%r" % run
    assert result.get("failed") is True, result
    assert not sent, "requests were sent for bad input: %s" % sent
    for word in case.words:
        assert word in result["msg"], "%r is not named in %r" % (word, result["msg"])
    assert "Traceback" not in json.dumps(result) and "Module failed" not in result["msg"], result
    assert rejected
