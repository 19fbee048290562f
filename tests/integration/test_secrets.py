# -*- coding: utf-8 -*-
# Copyright: ContraForce platform collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""No secret anywhere: every module and the role run at ``-vvvv`` with ``--diff``, on success and on
the failure paths (401, 403, 400, bad input), with distinctive values for the client secret, the
bearer API token, the webhook token, the receiver password and the signing token. Then all of
stdout / stderr, the simulator's journal (and its log), Ansible's log file and every file written
under the test's folders (which hold HOME, ANSIBLE_LOCAL_TEMP and ANSIBLE_REMOTE_TMP) are searched
for each value: zero hits.

The values reach Ansible only through ``lookup('env', ...)`` or the ``CONTRAFORCE_*`` environment,
so no playbook file holds them. Three runs: the client secret from ``CONTRAFORCE_CLIENT_SECRET``
(default callback, what a person reads); the client secret and the API token as module arguments
and in ``module_defaults``; the API token from ``CONTRAFORCE_API_TOKEN`` (both with the JSON
results callback, what AWX stores).

The one-time webhook ``secret`` is kept by a ``no_log`` + ``register`` task and written by a
``no_log`` ``copy`` to a 0600 file: that value must then appear nowhere else.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64
import json
import os
import stat

import pytest

from . import reliability_report as report
from .conftest import reliability_env, reliability_playbook

CLIENT_ID = "cf-secrets-suite-client"
SECRETS = {
    "client_secret": "cs-Zq8vN3xK-client-secret-7731",
    "api_token": "at-Kp4xR9wL-bearer-token-5519",
    "wrong_client_secret": "cs-Wr0ngQ2-client-secret-2208",
    "wrong_api_token": "at-Wr0ngT5-bearer-token-6642",
    "webhook_token": "wt-Hd6yL2mB-webhook-token-4410",
    "receiver_password": "pw-Mv5sT7cN-receiver-password-8823",
    "signing_token": "st-Jc3bQ1vG-signing-token-9964",
    "rotated_webhook_token": "wt-Rt8uE4pD-webhook-token-3357",
    "rotated_signing_token": "st-Rt2kF6hS-signing-token-1190",
}
ENV_OF = dict((name, "CFT_" + name.upper()) for name in SECRETS)
WS_A = "5ec2e700-0000-4000-8000-00000000000a"
WS_B = "5ec2e700-0000-4000-8000-00000000000b"
WS_FORBIDDEN = "5ec2e700-0000-4000-8000-0000000000ff"


def secret_env():
    return dict((ENV_OF[name], value) for name, value in SECRETS.items())


def needles(extra=None):
    """Every form of every secret that must never appear: the values, and the HTTP Basic header values."""
    found = dict(SECRETS)
    for name in ("client_secret", "wrong_client_secret"):
        pair = ("%s:%s" % (CLIENT_ID, SECRETS[name])).encode("utf-8")
        found[name + " (Basic header)"] = base64.b64encode(pair).decode("ascii")
    found.update(extra or {})
    return found


def E(name):  # pylint: disable=invalid-name
    """The Jinja expression that reads a secret from the environment of ansible-playbook."""
    return "{{ lookup('ansible.builtin.env', '%s') }}" % ENV_OF[name]


HOOK = "https://hooks.example.com/secrets"


def env_client_secret_playbook(secret_file):
    """Run 1: credentials from CONTRAFORCE_CLIENT_ID / CONTRAFORCE_CLIENT_SECRET; every module, the role, every path."""
    sets = {
        "secure": [
            {"name": "role-bearer", "url": HOOK + "/role-bearer", "event_types": ["incident.created.v1"],
             "authentication_type": "bearer", "token": E("webhook_token"), "signing_token": E("signing_token")},
            {"name": "role-basic", "url": HOOK + "/role-basic", "event_types": ["incident.created.v1"],
             "authentication_type": "basic", "username": "svc-receiver", "password": E("receiver_password")},
        ],
    }
    ignore = {"ignore_errors": True}
    tasks = [
        # ---- success paths
        {"name": "webhook created with basic auth and a signing token (no no_log: the module must hide them)",
         "contraforce.platform.webhook": {"workspace_id": WS_A, "name": "basic-hook", "url": HOOK + "/basic", "event_types": ["incident.created.v1"],
                                          "authentication_type": "basic", "username": "svc-receiver", "password": E("receiver_password"),
                                          "signing_token": E("signing_token")}},
        {"name": "webhook created, one-time secret kept", "no_log": True, "register": "hook",
         "contraforce.platform.webhook": {"workspace_id": WS_A, "name": "secret-hook", "url": HOOK + "/secret", "event_types": ["incident.created.v1"],
                                          "authentication_type": "bearer", "token": E("webhook_token")}},
        {"name": "the one-time secret goes to a file only its owner reads", "no_log": True,
         "ansible.builtin.copy": {"content": "{{ hook.secret }}", "dest": secret_file, "mode": "0600"}},
        {"name": "webhook predicted in check mode with bearer auth", "check_mode": True,
         "contraforce.platform.webhook": {"workspace_id": WS_A, "name": "checked-hook", "url": HOOK + "/checked", "event_types": ["incident.created.v1"],
                                          "authentication_type": "bearer", "token": E("webhook_token"), "signing_token": E("signing_token")}},
        {"name": "credentials rotated on an existing webhook",
         "contraforce.platform.webhook": {"workspace_id": WS_A, "name": "basic-hook", "url": HOOK + "/basic", "event_types": ["incident.created.v1"],
                                          "authentication_type": "bearer", "token": E("rotated_webhook_token"),
                                          "signing_token": E("rotated_signing_token"), "update_credentials": "always"}},
        {"name": "webhook_info lists the workspace", "contraforce.platform.webhook_info": {"workspace_id": WS_A}},
        {"name": "webhook_delivery_info reads the deliveries", "contraforce.platform.webhook_delivery_info": {
            "workspace_id": WS_A, "name": "basic-hook", "since": "1h"}},
        {"name": "webhook_bulk creates webhooks with secrets (no no_log: the module must hide them)",
         "contraforce.platform.webhook_bulk": {"workspaces": [
             {"id": WS_B, "name": "bravo", "webhooks": [
                 {"name": "bulk-bearer", "url": HOOK + "/bulk-bearer", "event_types": ["incident.created.v1"],
                  "authentication_type": "bearer", "token": E("webhook_token"), "signing_token": E("signing_token")},
                 {"name": "bulk-basic", "url": HOOK + "/bulk-basic", "event_types": ["incident.created.v1"],
                  "authentication_type": "basic", "username": "svc-receiver", "password": E("receiver_password")}]}]}},
        {"name": "the webhooks role in check mode", "ansible.builtin.import_role": {"name": "contraforce.platform.webhooks"}, "check_mode": True,
         "vars": {"contraforce_webhook_sets": sets, "contraforce_workspaces": [{"id": WS_A, "name": "alpha", "sets": ["secure"]}]}},
        {"name": "the webhooks role", "ansible.builtin.import_role": {"name": "contraforce.platform.webhooks"},
         "vars": {"contraforce_webhook_sets": sets, "contraforce_workspaces": [{"id": WS_A, "name": "alpha", "sets": ["secure"]},
                                                                               {"id": WS_B, "name": "bravo", "sets": ["secure"]}]}},
        # ---- failure paths
        dict(ignore, name="401: the client secret is refused",
             **{"contraforce.platform.webhook": {"workspace_id": WS_A, "name": "refused", "url": HOOK + "/refused",
                                                 "event_types": ["incident.created.v1"], "client_secret": E("wrong_client_secret"),
                                                 "authentication_type": "bearer", "token": E("webhook_token")}}),
        dict(ignore, name="403: the workspace is forbidden",
             **{"contraforce.platform.webhook": {"workspace_id": WS_FORBIDDEN, "name": "forbidden", "url": HOOK + "/forbidden",
                                                 "event_types": ["incident.created.v1"], "authentication_type": "basic",
                                                 "username": "svc-receiver", "password": E("receiver_password"),
                                                 "signing_token": E("signing_token")}}),
        dict(ignore, name="400: the API rejects the event type",
             **{"contraforce.platform.webhook": {"workspace_id": WS_A, "name": "invalid", "url": HOOK + "/invalid",
                                                 "event_types": ["incident.createdNow.v1"], "authentication_type": "bearer",
                                                 "token": E("webhook_token"), "signing_token": E("signing_token")}}),
        dict(ignore, name="bad input: a token without bearer authentication",
             **{"contraforce.platform.webhook": {"workspace_id": WS_A, "name": "orphan", "url": HOOK + "/orphan",
                                                 "event_types": ["incident.created.v1"], "token": E("webhook_token"),
                                                 "password": E("receiver_password"), "signing_token": E("signing_token")}}),
        dict(ignore, name="bad input: a URL that is not absolute, with every secret set",
             **{"contraforce.platform.webhook": {"workspace_id": WS_A, "name": "relative", "url": "/relative",
                                                 "event_types": ["incident.created.v1"], "authentication_type": "bearer",
                                                 "token": E("webhook_token"), "password": E("receiver_password")}}),
        dict(ignore, name="401 on webhook_info", **{"contraforce.platform.webhook_info": {
            "workspace_id": WS_A, "client_secret": E("wrong_client_secret")}}),
        dict(ignore, name="403 on webhook_delivery_info", **{"contraforce.platform.webhook_delivery_info": {
            "workspace_id": WS_FORBIDDEN, "name": "x", "since": "1h"}}),
        dict(ignore, name="403 on one workspace of webhook_bulk",
             **{"contraforce.platform.webhook_bulk": {"workspaces": [
                 {"id": WS_FORBIDDEN, "webhooks": [{"name": "bulk-forbidden", "url": HOOK + "/bulk-forbidden", "event_types": ["incident.created.v1"],
                                                    "authentication_type": "bearer", "token": E("webhook_token")}]}]}}),
        dict(ignore, name="bad input on webhook_bulk",
             **{"contraforce.platform.webhook_bulk": {"workspaces": [
                 {"id": WS_B, "webhooks": [{"name": "bulk-bad", "url": "not-a-url", "event_types": ["incident.created.v1"],
                                            "token": E("webhook_token"), "password": E("receiver_password")}]}]}}),
        {"name": "the webhooks role with a forbidden workspace", "block": [
            {"ansible.builtin.import_role": {"name": "contraforce.platform.webhooks"},
             "vars": {"contraforce_webhook_sets": sets, "contraforce_workspaces": [{"id": WS_FORBIDDEN, "sets": ["secure"]}]}}],
         "rescue": [{"name": "role failure recorded", "ansible.builtin.debug": {"msg": "{{ ansible_failed_result.msg }}"}}]},
        {"name": "the webhooks role with an unknown set", "block": [
            {"ansible.builtin.import_role": {"name": "contraforce.platform.webhooks"},
             "vars": {"contraforce_webhook_sets": sets, "contraforce_workspaces": [{"id": WS_B, "sets": ["secure", "insecure"]}]}}],
         "rescue": [{"name": "role failure recorded", "ansible.builtin.debug": {"msg": "{{ ansible_failed_result.msg }}"}}]},
    ]
    return [{"name": "secrets from CONTRAFORCE_CLIENT_SECRET", "hosts": "localhost", "gather_facts": False, "tasks": tasks}]


def arguments_playbook():
    """Run 2: no CONTRAFORCE_* credentials; the client secret, then the API token, as module arguments."""
    basic = {"client_id": CLIENT_ID, "client_secret": E("client_secret")}
    bearer = {"api_token": E("api_token")}
    ignore = {"ignore_errors": True}

    def args(auth, **kw):
        out = dict(auth)
        out.update(kw)
        return out

    tasks = [
        {"name": "webhook with client_secret argument", "contraforce.platform.webhook": args(
            basic, workspace_id=WS_A, name="arg-basic", url=HOOK + "/arg-basic", event_types=["incident.created.v1"],
            authentication_type="bearer", token=E("webhook_token"))},
        {"name": "webhook with api_token argument", "contraforce.platform.webhook": args(
            bearer, workspace_id=WS_A, name="arg-bearer", url=HOOK + "/arg-bearer", event_types=["incident.created.v1"],
            authentication_type="basic", username="svc-receiver", password=E("receiver_password"), signing_token=E("signing_token"))},
        {"name": "webhook_info with api_token argument", "contraforce.platform.webhook_info": args(bearer, workspace_id=WS_A)},
        {"name": "webhook_bulk with client_secret argument", "contraforce.platform.webhook_bulk": args(basic, workspaces=[
            {"id": WS_B, "webhooks": [{"name": "arg-bulk", "url": HOOK + "/arg-bulk", "event_types": ["incident.created.v1"],
                                       "authentication_type": "bearer", "token": E("webhook_token")}]}])},
        dict(ignore, name="401 with a wrong client_secret argument", **{"contraforce.platform.webhook": args(
            {"client_id": CLIENT_ID, "client_secret": E("wrong_client_secret")}, workspace_id=WS_A, name="arg-refused",
            url=HOOK + "/arg-refused", event_types=["incident.created.v1"])}),
        dict(ignore, name="401 with a wrong api_token argument", **{"contraforce.platform.webhook_delivery_info": args(
            {"api_token": E("wrong_api_token")}, workspace_id=WS_A, name="arg-basic", since="1h")}),
        dict(ignore, name="conflicting credentials as arguments", **{"contraforce.platform.webhook_info": args(
            dict(basic, **bearer), workspace_id=WS_A)}),
        dict(ignore, name="403 with api_token argument", **{"contraforce.platform.webhook": args(
            bearer, workspace_id=WS_FORBIDDEN, name="arg-forbidden", url=HOOK + "/arg-forbidden", event_types=["incident.created.v1"],
            authentication_type="bearer", token=E("webhook_token"))}),
    ]
    defaults_play = {
        "name": "client secret in module_defaults of the action group", "hosts": "localhost", "gather_facts": False,
        "module_defaults": {"group/contraforce.platform.all": basic},
        "tasks": [
            {"name": "webhook_info with module_defaults", "contraforce.platform.webhook_info": {"workspace_id": WS_A}},
            {"name": "webhook_bulk in check mode with module_defaults", "check_mode": True,
             "contraforce.platform.webhook_bulk": {"workspaces": [{"id": WS_B, "webhooks": [
                 {"name": "defaults-bulk", "url": HOOK + "/defaults-bulk", "event_types": ["incident.created.v1"],
                  "authentication_type": "basic", "username": "svc-receiver", "password": E("receiver_password"),
                  "signing_token": E("signing_token")}]}]}},
        ],
    }
    return [defaults_play, {"name": "secrets as module arguments", "hosts": "localhost", "gather_facts": False, "tasks": tasks}]


def env_api_token_playbook():
    """Run 3: the API token from CONTRAFORCE_API_TOKEN."""
    ignore = {"ignore_errors": True}
    tasks = [
        {"name": "webhook with CONTRAFORCE_API_TOKEN", "contraforce.platform.webhook": {
            "workspace_id": WS_B, "name": "env-bearer", "url": HOOK + "/env-bearer", "event_types": ["incident.created.v1"],
            "authentication_type": "bearer", "token": E("webhook_token"), "signing_token": E("signing_token")}},
        {"name": "webhook_delivery_info with CONTRAFORCE_API_TOKEN", "contraforce.platform.webhook_delivery_info": {
            "workspace_id": WS_B, "name": "env-bearer", "since": "1h"}},
        dict(ignore, name="400 with CONTRAFORCE_API_TOKEN", **{"contraforce.platform.webhook": {
            "workspace_id": WS_B, "name": "env-invalid", "url": HOOK + "/env-invalid", "event_types": ["incident.createdNow.v1"],
            "authentication_type": "basic", "username": "svc-receiver", "password": E("receiver_password")}}),
        dict(ignore, name="client_id next to CONTRAFORCE_API_TOKEN", **{"contraforce.platform.webhook_info": {
            "workspace_id": WS_B, "client_id": CLIENT_ID}}),
    ]
    return [{"name": "secrets from CONTRAFORCE_API_TOKEN", "hosts": "localhost", "gather_facts": False, "tasks": tasks}]


@pytest.fixture(scope="module")
def secret_sim():
    """A simulator of its own, whose credentials are the distinctive values."""
    from cfsim.harness import Simulator  # pylint: disable=import-outside-toplevel

    with Simulator.start(client_id=CLIENT_ID, client_secret=SECRETS["client_secret"], api_token=SECRETS["api_token"]) as server:
        yield server


def _files_under(root):
    for folder, _dirs, files in os.walk(str(root)):
        for name in files:
            path = os.path.join(folder, name)
            if os.path.isfile(path) and not os.path.islink(path):
                yield path


def _hits(texts, values):
    """``[(value name, where, count)]`` of every value found in every text."""
    found = []
    for where, text in texts:
        for name, value in values.items():
            count = text.count(value)
            if count:
                found.append((name, where, count))
    return found


def test_no_secret_in_output_journal_or_files(secret_sim, tmp_path):
    sim = secret_sim
    sim.reset()
    sim.config(forbidden_workspaces=[WS_FORBIDDEN])
    secret_file = str(tmp_path / "kept" / "webhook-secret.txt")
    os.makedirs(os.path.dirname(secret_file))
    runs = []

    def env_for(name, **overrides):
        folder = tmp_path / name
        folder.mkdir()
        (folder / "home").mkdir()
        env = reliability_env(sim, folder, HOME=str(folder / "home"), ANSIBLE_LOG_PATH=str(folder / "ansible.log"), **overrides)
        env.update(secret_env())
        return folder, env

    folder, env = env_for("env-client-secret")
    run1 = reliability_playbook(env_client_secret_playbook(secret_file), env, folder, name="play", diff=True, verbosity=4, json_output=False)
    runs.append(("run 1 (CONTRAFORCE_CLIENT_SECRET)", run1))
    folder, env = env_for("arguments", CONTRAFORCE_CLIENT_ID=None, CONTRAFORCE_CLIENT_SECRET=None)
    run2 = reliability_playbook(arguments_playbook(), env, folder, name="play", diff=True, verbosity=4)
    runs.append(("run 2 (arguments)", run2))
    folder, env = env_for("env-api-token", CONTRAFORCE_CLIENT_ID=None, CONTRAFORCE_CLIENT_SECRET=None, CONTRAFORCE_API_TOKEN=SECRETS["api_token"])
    run3 = reliability_playbook(env_api_token_playbook(), env, folder, name="play", diff=True, verbosity=4)
    runs.append(("run 3 (CONTRAFORCE_API_TOKEN)", run3))

    journal = sim.journal()
    webhooks = sim.webhooks()

    # the one-time secret was kept, and only in its 0600 file
    with open(secret_file) as handle:
        generated = handle.read()
    mode = stat.S_IMODE(os.stat(secret_file).st_mode)

    values = needles({"generated webhook secret": generated} if generated else None)
    texts = []
    for label, run in runs:
        texts += [(label + " stdout", run.out), (label + " stderr", run.err)]
    texts.append(("simulator journal", json.dumps(journal)))
    texts.append(("simulator stderr", sim.stderr()))
    roots = [tmp_path] + [os.environ[key] for key in ("ANSIBLE_LOCAL_TEMP", "ANSIBLE_REMOTE_TMP") if os.environ.get(key)]
    scanned = 0
    for root in roots:
        for path in _files_under(root):
            if path == secret_file:
                continue
            with open(path, "rb") as handle:
                texts.append(("file " + os.path.relpath(path, str(tmp_path)), handle.read().decode("utf-8", "replace")))
            scanned += 1
    hits = _hits(texts, values)
    report.secret_scan(sum(count for _n, _w, count in hits))

    # the runs did walk the success and the failure paths (else zero hits would prove little)
    assert "Traceback" not in run1.output + run2.output + run3.output
    # positive controls: the places searched did show the module arguments (masked; ansible-core 2.21 no longer
    # returns them) and the principal
    for run in (run1, run2):
        assert '"module_args"' not in run.out or "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER" in run.out
    assert "********" in run1.out, "the diff of a webhook with credentials was not shown"
    assert CLIENT_ID in json.dumps(journal)
    assert "failed=0" in run1.out and "ignored=9" in run1.out and "rescued=2" in run1.out, run1.out[-3000:]
    for label, run, ok, failed in (("run 2", run2, 6, 4), ("run 3", run3, 2, 2)):
        results = run.task_results()
        assert [n for n, r in results if not r.get("failed")] == [n for n, r in results][:ok], (label, run)
        assert len([n for n, r in results if r.get("failed")]) == failed, (label, run)
    statuses = sorted(set(e["status"] for e in journal))
    assert {200, 201, 400, 401, 403} <= set(statuses), statuses
    names = sorted(w["name"] for w in webhooks)
    for expected in ("basic-hook", "secret-hook", "bulk-bearer", "bulk-basic", "role-bearer", "role-basic", "arg-basic", "arg-bearer",
                     "arg-bulk", "env-bearer"):
        assert expected in names, names
    assert report.duplicates(webhooks) == []
    assert generated.startswith("whsec_") and len(generated) > 20, "the no_log task did not return the one-time secret"
    assert mode == 0o600, oct(mode)
    assert os.path.exists(str(tmp_path / "env-client-secret" / "ansible.log")) and scanned > 3

    assert hits == [], "secrets found (value name, where, count): %s" % hits
