# -*- coding: utf-8 -*-
# Copyright: ContraForce platform collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""TLS against the simulator served over HTTPS with its own test CA (``trustme``):

* ``ca_path`` (argument or ``CONTRAFORCE_CA_PATH``) makes its certificate trusted;
* default validation fails with a message about the certificate, no traceback, no retry;
* a CA that did not sign the certificate, a CA file that is not PEM and a CA file that does not
  exist fail with a message that says so, before any request reaches the API;
* ``validate_certs: false`` (argument or ``CONTRAFORCE_VALIDATE_CERTS``) works and warns, also next to a
  ``ca_path``.

One playbook, every case a task with ``ignore_errors``; each case has its own workspace so the
journal tells which case reached the API.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

import pytest

from .conftest import reliability_env, reliability_playbook

WEBHOOK = "contraforce.platform.webhook"
INFO = "contraforce.platform.webhook_info"


def ws(number):
    return "71500000-0000-4000-8000-%012d" % number


def hook(number, **extra):
    args = {"workspace_id": ws(number), "name": "tls-%d" % number, "url": "https://hooks.example.com/tls", "event_types": ["incident.created.v1"]}
    args.update(extra)
    return args


class TlsCase(object):
    def __init__(self, cid, number, module, args, expect, words=(), env=None):
        self.id = cid
        self.workspace = ws(number)
        self.module = module
        self.args = args
        self.expect = expect  # "ok" or "failed"
        self.words = words
        self.env = env


def tls_cases(ca_path, wrong_ca, not_pem, missing):
    return [
        TlsCase("ca-path-argument", 1, WEBHOOK, hook(1, ca_path=ca_path), "ok"),
        TlsCase("ca-path-environment", 2, INFO, {"workspace_id": ws(2)}, "ok", env={"CONTRAFORCE_CA_PATH": ca_path}),
        TlsCase("untrusted-by-default", 3, WEBHOOK, hook(3), "failed", ("TLS certificate verification failed", "certificate", "ca_path")),
        TlsCase("untrusted-by-default-info", 4, INFO, {"workspace_id": ws(4)}, "failed", ("certificate", "ca_path")),
        TlsCase("ca-path-of-another-ca", 5, WEBHOOK, hook(5, ca_path=wrong_ca), "failed", ("certificate",)),
        TlsCase("ca-path-not-pem", 6, INFO, {"workspace_id": ws(6), "ca_path": not_pem}, "failed", ("ca_path",)),
        TlsCase("ca-path-missing-file", 7, WEBHOOK, hook(7, ca_path=missing), "failed", ("ca_path", missing)),
        TlsCase("validate-certs-false", 8, WEBHOOK, hook(8, validate_certs=False), "ok", ("validate_certs is false",)),
        TlsCase("validate-certs-false-environment", 9, INFO, {"workspace_id": ws(9)}, "ok", ("validate_certs is false",),
                env={"CONTRAFORCE_VALIDATE_CERTS": "false"}),
        # validate_certs: false means no verification, as everywhere in Ansible, even when a CA file is also set
        # (for example CONTRAFORCE_CA_PATH from an AWX credential); the warning says so, so it must be true
        TlsCase("validate-certs-false-beats-ca-path", 10, INFO, {"workspace_id": ws(10), "validate_certs": False, "ca_path": wrong_ca}, "ok",
                ("validate_certs is false",)),
    ]


CASE_IDS = [c.id for c in tls_cases("ca", "wrong", "not-pem", "missing")]


@pytest.fixture(scope="module")
def tls_run(simulator_tls, tmp_path_factory):
    sim = simulator_tls
    sim.reset()
    tmp = tmp_path_factory.mktemp("tls")
    import trustme  # pylint: disable=import-outside-toplevel

    wrong_ca = str(tmp / "other-ca.pem")
    trustme.CA(organization_name="not the simulator's CA").cert_pem.write_to_path(wrong_ca)
    not_pem = str(tmp / "not-a-ca.pem")
    with open(not_pem, "w") as handle:
        handle.write("this is not a certificate\n")
    missing = str(tmp / "no-such-ca.pem")
    cases = tls_cases(sim.ca_path, wrong_ca, not_pem, missing)
    tasks = []
    for case in cases:
        task = {"name": "case " + case.id, case.module: case.args, "ignore_errors": True}
        if case.env:
            task["environment"] = case.env
        tasks.append(task)
    playbook = [{"name": "tls", "hosts": "localhost", "gather_facts": False, "tasks": tasks}]
    run = reliability_playbook(playbook, reliability_env(sim, tmp, timeout=5), tmp, name="tls")
    journal = sim.journal()
    webhooks = sim.webhooks()
    sim.reset()
    results = dict((name[len("case "):], res) for name, res in run.task_results() if name.startswith("case "))
    return run, dict((c.id, c) for c in cases), results, journal, webhooks


def test_tls_playbook_ran_every_case(tls_run):
    run, cases, results, _journal, _webhooks = tls_run
    assert sorted(results) == sorted(cases), run
    assert run.json is not None, run


@pytest.mark.parametrize("cid", CASE_IDS)
def test_tls(tls_run, cid):
    run, cases, results, journal, webhooks = tls_run
    case = cases[cid]
    result = results[cid]
    reached = [e for e in journal if case.workspace in json.dumps([e.get("query"), e.get("body")])]
    text = json.dumps(result)
    assert "Traceback" not in text and "module_stderr" not in result, result
    if case.expect == "ok":
        assert not result.get("failed"), result
        assert reached, "the API was not reached"
        if case.module == WEBHOOK:
            assert result["changed"] is True
            assert len([w for w in webhooks if w["workspaceId"] == case.workspace]) == 1
        for word in case.words:
            assert any(word in w for w in result.get("warnings", [])), result.get("warnings")
    else:
        assert result.get("failed") is True, result
        msg = result["msg"]
        for word in case.words:
            assert word in msg, "%r not in %r" % (word, msg)
        assert reached == [], "a request reached the API in spite of the TLS failure: %s" % reached
        assert msg.count("\n") == 0 and len(msg) < 1500, msg
        assert "Module failed" not in msg, "the module crashed (an unhandled exception): %s" % msg


def test_untrusted_certificate_is_not_retried(tls_run):
    """A certificate failure is final: retrying it only makes the job slower."""
    _run, _cases, results, _journal, _webhooks = tls_run
    result = results["untrusted-by-default"]
    assert result.get("error", {}).get("kind") == "tls", result
