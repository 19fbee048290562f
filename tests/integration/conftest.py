# -*- coding: utf-8 -*-
# Copyright: ContraForce platform collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fixtures that run real ``ansible`` and ``ansible-playbook`` processes against the simulator.

* ``cf_env``: environment for a subprocess: the simulator's URL and demo credentials in
  ``CONTRAFORCE_*``, the collection path, no colour, a private temp dir.
* ``ansible_run(module, args, check=False, diff=False, verbosity=0, env=None)``: an ad-hoc
  ``ansible localhost -m contraforce.platform.<module>`` with the test-only ``results_json`` stdout callback (``callback_plugins/``);
  returns an ``AnsibleRun`` with ``rc``, ``out``, ``err``, ``result`` (the host's module result).
* ``playbook_run(text_or_path, check=False, diff=False, verbosity=0, env=None, extra_vars=None,
  json_output=True)``: ``ansible-playbook`` on a playbook text (written to a temp file) or path.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import subprocess
import sys

import pytest

BIN = os.path.dirname(sys.executable)
CALLBACK_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "callback_plugins")
DEMO_CLIENT_ID = "cf-demo-client"
DEMO_CLIENT_SECRET = "cf-demo-secret"
DEMO_API_TOKEN = "cf-demo-token"
WORKSPACE = "2f1b8c9e-0d4a-4c55-9a8e-3d2c1b0a9f87"
OTHER_WORKSPACE = "7d3e2a10-5b6c-4d8e-9f01-a2b3c4d5e6f7"


class AnsibleRun(object):
    def __init__(self, cmd, proc):
        self.cmd = cmd
        self.rc = proc.returncode
        self.out = proc.stdout
        self.err = proc.stderr
        self.json = None
        try:
            start = self.out.index("{")
            self.json = json.loads(self.out[start:])
        except ValueError:
            self.json = None

    @property
    def output(self):
        return self.out + self.err

    def task_results(self):
        """Every (task name, host result) in order, from the json callback."""
        found = []
        for play in (self.json or {}).get("plays", []):
            for task in play.get("tasks", []):
                for _host, res in task.get("hosts", {}).items():
                    found.append((task["task"]["name"], res))
        return found

    @property
    def result(self):
        results = self.task_results()
        return results[-1][1] if results else None

    @property
    def stats(self):
        return (self.json or {}).get("stats", {}).get("localhost", {})

    def __repr__(self):
        return "AnsibleRun(rc=%s)\nCMD: %s\nSTDOUT:\n%s\nSTDERR:\n%s" % (self.rc, " ".join(self.cmd), self.out[-6000:], self.err[-4000:])


@pytest.fixture
def cf_env(sim, tmp_path):
    env = dict(os.environ)
    for key in list(env):
        if key.startswith("CONTRAFORCE_"):
            del env[key]
    env.update({
        "CONTRAFORCE_API_URL": sim.url,
        "CONTRAFORCE_CLIENT_ID": DEMO_CLIENT_ID,
        "CONTRAFORCE_CLIENT_SECRET": DEMO_CLIENT_SECRET,
        "CONTRAFORCE_TIMEOUT": "5",
        "ANSIBLE_NOCOLOR": "1",
        "ANSIBLE_FORCE_COLOR": "0",
        "ANSIBLE_LOCALHOST_WARNING": "0",
        "ANSIBLE_INVENTORY_UNPARSED_WARNING": "0",
        "ANSIBLE_PYTHON_INTERPRETER": sys.executable,
        "ANSIBLE_LOCAL_TEMP": str(tmp_path / "ansible-local"),
        "ANSIBLE_REMOTE_TMP": str(tmp_path / "ansible-remote"),
    })
    return env


def _run(cmd, env, stdout_callback):
    env = dict(env)
    if stdout_callback:
        env["ANSIBLE_CALLBACK_PLUGINS"] = CALLBACK_DIR
        env["ANSIBLE_STDOUT_CALLBACK"] = stdout_callback
        env["ANSIBLE_LOAD_CALLBACK_PLUGINS"] = "1"
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL, check=False)
    return AnsibleRun(cmd, proc)


def _mode_flags(check, diff, verbosity):
    flags = []
    if check:
        flags.append("--check")
    if diff:
        flags.append("--diff")
    if verbosity:
        flags.append("-" + "v" * verbosity)
    return flags


@pytest.fixture
def ansible_run(cf_env):
    def run(module, args, check=False, diff=False, verbosity=0, env=None, json_output=True):
        fqcn = module if "." in module else "contraforce.platform." + module
        cmd = [os.path.join(BIN, "ansible"), "localhost", "-m", fqcn, "-a", json.dumps(args)] + _mode_flags(check, diff, verbosity)
        merged = dict(cf_env)
        merged.update(env or {})
        return _run(cmd, merged, "results_json" if json_output else None)
    return run


@pytest.fixture
def playbook_run(cf_env, tmp_path):
    counter = [0]

    def run(playbook, check=False, diff=False, verbosity=0, env=None, extra_vars=None, json_output=True):
        if "\n" in playbook or not os.path.exists(playbook):
            counter[0] += 1
            path = tmp_path / ("playbook-%d.yml" % counter[0])
            path.write_text(playbook)
            playbook = str(path)
        cmd = [os.path.join(BIN, "ansible-playbook"), "-i", "localhost,", "-c", "local", playbook] + _mode_flags(check, diff, verbosity)
        if extra_vars:
            cmd += ["-e", json.dumps(extra_vars)]
        merged = dict(cf_env)
        merged.update(env or {})
        return _run(cmd, merged, "results_json" if json_output else None)
    return run


# ---------------------------------------------------------------------------------------------
# Reliability suites (test_faults, test_secrets, test_bad_input, test_tls): helpers for runs that
# are not tied to the function-scoped ``sim`` fixture, and the one summary line of the run.

def reliability_env(server, tmp_dir, timeout=5, **overrides):
    """Like ``cf_env`` for any simulator and folder; ``overrides`` set (or, when None, drop) variables."""
    env = dict(os.environ)
    for key in list(env):
        if key.startswith("CONTRAFORCE_"):
            del env[key]
    env.update({
        "CONTRAFORCE_API_URL": server.url,
        "CONTRAFORCE_CLIENT_ID": server.client_id,
        "CONTRAFORCE_CLIENT_SECRET": server.client_secret,
        "CONTRAFORCE_TIMEOUT": str(timeout),
        "ANSIBLE_NOCOLOR": "1",
        "ANSIBLE_FORCE_COLOR": "0",
        "ANSIBLE_LOCALHOST_WARNING": "0",
        "ANSIBLE_INVENTORY_UNPARSED_WARNING": "0",
        "ANSIBLE_PYTHON_INTERPRETER": sys.executable,
        "ANSIBLE_LOCAL_TEMP": os.path.join(str(tmp_dir), "ansible-local"),
        "ANSIBLE_REMOTE_TMP": os.path.join(str(tmp_dir), "ansible-remote"),
    })
    for key, value in overrides.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = str(value)
    return env


def reliability_playbook(playbook, env, tmp_dir, name="playbook", check=False, diff=False, verbosity=0, json_output=True):
    """Run ``ansible-playbook`` on ``playbook`` (a list of plays, written as JSON, which is YAML) in ``tmp_dir``."""
    path = os.path.join(str(tmp_dir), name + ".yml")
    with open(path, "w") as handle:
        handle.write(playbook if isinstance(playbook, str) else json.dumps(playbook, indent=1))
    cmd = [os.path.join(BIN, "ansible-playbook"), "-i", "localhost,", "-c", "local", path] + _mode_flags(check, diff, verbosity)
    return _run(cmd, env, "results_json" if json_output else None)


def pytest_terminal_summary(terminalreporter):
    """``reliability: faults tried N / survived N, duplicates found N, bad inputs tried N / rejected ..., secret hits N``."""
    from . import reliability_report  # pylint: disable=import-outside-toplevel

    line = reliability_report.summary_line()
    if line:
        terminalreporter.write_line(line)
