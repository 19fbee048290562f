# -*- coding: utf-8 -*-
# Copyright: ContraForce platform collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The AWX job of the AWX guide, against the simulator.

The job template's playbook (``docs/examples/awx_webhooks.yml``, the same as the guide's block)
runs with the environment AWX injects for a credential of the shipped credential type, and its
survey variable ``contraforce_mode`` decides between a check run and a real run.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import textwrap

import yaml

from ansible_collections.contraforce.platform.tests.unit.awx_credential import awx_inject, load_credential_type

from .conftest import DEMO_API_TOKEN, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, OTHER_WORKSPACE, WORKSPACE

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PLAYBOOK = os.path.join(REPO_ROOT, "docs", "examples", "awx_webhooks.yml")
GUIDE = os.path.join(REPO_ROOT, "docs", "docsite", "rst", "guide_awx.rst")

ROLE_VARS = {
    "contraforce_webhook_sets": {
        "soc": [{"name": "soc-ticketing", "url": "https://hooks.example.com/cf", "event_types": ["incident.created.v1"]}],
    },
    "contraforce_default_sets": ["soc"],
    "contraforce_workspaces": [{"id": WORKSPACE, "name": "acme"}, {"id": OTHER_WORKSPACE, "name": "globex"}],
}


def awx_env(tmp_path, **inputs):
    """The CONTRAFORCE_* environment of a job with a credential of the shipped type."""
    private = tmp_path / "awx-private"
    private.mkdir(exist_ok=True)
    env, _files = awx_inject(load_credential_type(), inputs, str(private))
    return env


def job(playbook_run, tmp_path, env, mode=None):
    extra = dict(ROLE_VARS)
    if mode is not None:
        extra["contraforce_mode"] = mode
    return playbook_run(PLAYBOOK, env=env, extra_vars=extra)


def test_playbook_is_the_guide_block():
    with open(GUIDE) as handle:
        text = handle.read()
    marker = ".. tested: awx-playbook\n\n.. code-block:: yaml\n\n"
    start = text.index(marker) + len(marker)
    block = []
    for line in text[start:].splitlines():
        if line and not line.startswith("    "):
            break
        block.append(line)
    with open(PLAYBOOK) as handle:
        assert yaml.safe_load(handle) == yaml.safe_load(textwrap.dedent("\n".join(block)))


def test_check_mode_is_the_default_and_writes_nothing(sim, playbook_run, tmp_path):
    env = awx_env(tmp_path, api_url=sim.url, client_id=DEMO_CLIENT_ID, client_secret=DEMO_CLIENT_SECRET)
    for mode in (None, "check"):
        result = job(playbook_run, tmp_path, env, mode)
        assert result.rc == 0, result
        assert sim.writes() == [], "a check run must not write (mode %r)" % mode
    assert sim.webhooks() == []
    assert sim.journal(), "the check run lists the workspaces"


def test_run_mode_applies_then_rerun_changes_nothing(sim, playbook_run, tmp_path):
    env = awx_env(tmp_path, api_url=sim.url, client_id=DEMO_CLIENT_ID, client_secret=DEMO_CLIENT_SECRET)
    first = job(playbook_run, tmp_path, env, "run")
    assert first.rc == 0, first
    hooks = sim.webhooks()
    assert sorted((h["workspaceId"], h["name"]) for h in hooks) == sorted([(WORKSPACE, "soc-ticketing"), (OTHER_WORKSPACE, "soc-ticketing")])
    writes = len(sim.writes())
    again = job(playbook_run, tmp_path, env, "run")
    assert again.rc == 0, again
    assert len(sim.writes()) == writes, "the re-run must not write"


def test_unknown_mode_is_refused_before_any_call(sim, playbook_run, tmp_path):
    env = awx_env(tmp_path, api_url=sim.url, api_token=DEMO_API_TOKEN)
    result = job(playbook_run, tmp_path, env, "apply")
    assert result.rc != 0
    assert "contraforce_mode must be check or run, not apply" in result.output
    assert sim.journal() == []


def test_bearer_token_and_custom_ca_over_tls(simulator_tls, playbook_run, tmp_path):
    """The credential's PEM text becomes the CA file the modules trust (no system trust for the simulator's CA)."""
    simulator_tls.reset()
    with open(simulator_tls.ca_path) as handle:
        pem = handle.read()
    env = awx_env(tmp_path, api_url=simulator_tls.url, api_token=DEMO_API_TOKEN, ca_cert=pem)
    assert env["CONTRAFORCE_CA_PATH"] and env["CONTRAFORCE_VALIDATE_CERTS"] == "true"
    result = job(playbook_run, tmp_path, env, "run")
    assert result.rc == 0, result
    assert len(simulator_tls.webhooks()) == 2
    untrusted = awx_env(tmp_path, api_url=simulator_tls.url, api_token=DEMO_API_TOKEN)
    failed = job(playbook_run, tmp_path, untrusted, "check")
    assert failed.rc != 0
    assert "TLS certificate verification failed" in failed.output, json.dumps(failed.task_results())[:2000]
