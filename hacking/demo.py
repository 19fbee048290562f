# -*- coding: utf-8 -*-
# Copyright: ContraForce platform collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""``make demo``: the collection against a local ContraForce simulator, with no tenant.

Starts the simulator (``tests/simulator/cfsim``), points ``CONTRAFORCE_API_URL`` at it with the
demo credentials, then runs ``docs/examples/demo.yml`` three times and reads the simulator's
request journal after each run:

1. ``--check --diff``: no write request at all, and the play reports ``changed``;
2. apply with ``--diff``: the webhooks are created;
3. apply again: no write request, nothing changed.

Exits non-zero when a run fails, check mode writes, the apply creates nothing, or the re-run
writes or reports a change.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PLAYBOOK = os.path.join("docs", "examples", "demo.yml")
WRITE_METHODS = ("POST", "PUT", "PATCH", "DELETE")
CREATE_PATH = re.compile(r"^/api/v2/webhooks/?$")
RECAP_LINE = re.compile(r"^(\S+)\s+:\s+ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)", re.M)


def _load_layout():
    spec = importlib.util.spec_from_file_location("_cf_hacking_layout", os.path.join(REPO_ROOT, "hacking", "layout.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _tool(name: str) -> str:
    candidate = os.path.join(os.path.dirname(sys.executable), name)
    return candidate if os.access(candidate, os.X_OK) else (shutil.which(name) or name)


def _entries(journal) -> list[dict]:
    if isinstance(journal, dict):
        journal = journal.get("entries", [])
    return list(journal)


def _say(text: str = "") -> None:
    print(text, flush=True)


def run_playbook(label: str, args: list[str], env: dict[str, str]) -> tuple[int, int]:
    """Run the demo playbook with ``args``, echoing its output; return (exit code, tasks changed)."""
    command = [_tool("ansible-playbook"), PLAYBOOK] + args
    _say()
    _say("=" * 78)
    _say("%s: %s" % (label, " ".join(["ansible-playbook", PLAYBOOK] + args)))
    _say("=" * 78)
    with subprocess.Popen(command, cwd=REPO_ROOT, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True) as process:
        output = []
        for line in process.stdout:
            sys.stdout.write(line)
            output.append(line)
        sys.stdout.flush()
        returncode = process.wait()
    changed = sum(int(match.group(3)) for match in RECAP_LINE.finditer("".join(output)))
    return returncode, changed


def main() -> int:
    """Run the demo; return the exit code."""
    sys.path.insert(0, os.path.join(REPO_ROOT, "tests", "simulator"))
    from cfsim.harness import Simulator  # pylint: disable=import-outside-toplevel

    collections_root = _load_layout().collection_root(REPO_ROOT)
    problems = []
    with Simulator.start(tls=False, latency_ms=0) as sim:
        env = {key: value for key, value in os.environ.items() if not key.startswith("CONTRAFORCE_")}
        env.update(
            CONTRAFORCE_API_URL=sim.url,
            CONTRAFORCE_CLIENT_ID="cf-demo-client",
            CONTRAFORCE_CLIENT_SECRET="cf-demo-secret",
            ANSIBLE_COLLECTIONS_PATH=collections_root,
            ANSIBLE_LOCALHOST_WARNING="False",
            ANSIBLE_INVENTORY_UNPARSED_WARNING="False",
            PATH=os.pathsep.join([os.path.dirname(sys.executable), os.environ.get("PATH", os.defpath)]),
        )
        _say("ContraForce simulator at %s (client id cf-demo-client)" % sim.url)
        _say("ANSIBLE_COLLECTIONS_PATH=%s" % collections_root)

        summary = []
        for label, args in (("check", ["--check", "--diff"]), ("apply", ["--diff"]), ("re-run", [])):
            seen = len(_entries(sim.journal()))
            returncode, changed = run_playbook(label, args, env)
            new_entries = _entries(sim.journal())[seen:]
            writes = [entry for entry in new_entries if str(entry.get("method", "")).upper() in WRITE_METHODS]
            creates = [entry for entry in writes
                       if entry.get("method", "").upper() == "POST" and CREATE_PATH.match(entry.get("path", ""))
                       and 200 <= int(entry.get("status") or 0) < 300]
            state = "changed (%d tasks)" % changed if changed else "nothing changed"
            if label == "check":
                line = "check: %d writes, %s" % (len(writes), state)
                if writes:
                    problems.append("check mode sent %d write requests" % len(writes))
                if not changed:
                    problems.append("check mode predicted no change on an empty tenant")
            elif label == "apply":
                line = "apply: %d creates (%d writes), %s" % (len(creates), len(writes), state)
                if not creates:
                    problems.append("the apply created no webhook")
            else:
                line = "re-run: %d writes, %s" % (len(writes), state)
                if writes:
                    problems.append("the re-run sent %d write requests" % len(writes))
                if changed:
                    problems.append("the re-run reported %d changed tasks" % changed)
            if returncode:
                problems.append("%s: ansible-playbook exited %d" % (label, returncode))
                line += " (ansible-playbook exited %d)" % returncode
            for entry in writes:
                line += "\n    %s %s -> %s" % (entry.get("method"), entry.get("path"), entry.get("status"))
            summary.append(line)
            _say()
            _say(">>> " + line)

    _say()
    _say("=" * 78)
    for line in summary:
        _say(line)
    if problems:
        _say("DEMO FAILED: " + "; ".join(problems))
        return 1
    _say("demo OK: check mode wrote nothing, the apply created the webhooks, the re-run changed nothing")
    return 0


if __name__ == "__main__":
    sys.exit(main())
