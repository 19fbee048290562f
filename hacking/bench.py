# -*- coding: utf-8 -*-
# Copyright: ContraForce platform collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""``make bench``: the webhooks role against a per-item loop and a plain script, on the simulator.

Starts the ContraForce simulator with an injected latency (default 20 ms per API request), then
for W workspaces x M webhooks (default 100 x 5) measures a first run (nothing exists) and a re-run
(everything exists) of:

(a) the ``contraforce.platform.webhooks`` role through ``ansible-playbook`` (one ``webhook_bulk`` task);
(b) a per-item loop of ``contraforce.platform.webhook`` (W x M tasks). It costs one module execution
    per item, so it runs on the first ``--loop-workspaces`` workspaces only (default 10) and its
    time and requests are scaled linearly to W; the table shows the measured and the scaled figure;
(c) a plain Python script with ``requests`` making the minimal requests one after the other
    (one listing per workspace, all pages, plus one POST per missing webhook).

The simulator is reset between scenarios (state, journal; the latency stays). Times are the median
of ``--repeat`` runs (the loop runs once). Request counts come from the simulator's journal.

Exit status 1 when the role sends more requests than the minimum, when its re-run takes more than
1.5x the plain script's re-run, or when it is less than 10x faster than the loop (scaled) on the re-run.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid

HACKING_DIR = os.path.dirname(os.path.abspath(__file__))
REPO_ROOT = os.path.dirname(HACKING_DIR)
sys.path.insert(0, os.path.join(REPO_ROOT, "tests", "simulator"))
sys.path.insert(0, HACKING_DIR)

import layout  # noqa: E402  pylint: disable=wrong-import-position
from cfsim.harness import Simulator  # noqa: E402  pylint: disable=wrong-import-position

BIN = os.path.dirname(sys.executable)
NAMESPACE = uuid.UUID("0b9b6a52-5c1e-4d8f-9a3b-6c0e2f4a8d17")
EVENT_TYPES = ["incident.created.v1"]
# The page size the collection asks for (plugins/module_utils/_api.py, LIST_WEBHOOKS_PAGE_SIZE).
CLIENT_PAGE_SIZE = 100
MAX_RERUN_RATIO_TO_PLAIN = 1.5
MIN_SPEEDUP_OVER_LOOP = 10.0

PLAIN_SCRIPT = r'''
"""The minimal requests, one after the other: one listing per workspace (all pages), one POST per missing webhook."""
import json
import sys

import requests

base, client_id, client_secret, plan_path = sys.argv[1:5]
with open(plan_path) as handle:
    plan = json.load(handle)
session = requests.Session()
session.trust_env = False
session.auth = (client_id, client_secret)
for workspace in plan:
    names = set()
    params = {"workspaceId": workspace["id"], "pageSize": 100}
    while True:
        answer = session.get(base + "/api/v2/webhooks", params=params, timeout=30)
        answer.raise_for_status()
        body = answer.json()
        data = body["data"]
        if isinstance(data, dict):
            items, token, more = data["items"], data.get("continuationToken"), data.get("hasMore")
        else:
            paging = body.get("pagination") or {}
            items, token, more = data, paging.get("continuationToken"), paging.get("hasMore")
        names.update(item["name"] for item in items)
        if not token or more is False:
            break
        params["continuationToken"] = token
    for hook in workspace["webhooks"]:
        if hook["name"] not in names:
            body = {"workspaceId": workspace["id"], "name": hook["name"], "url": hook["url"], "eventTypes": hook["event_types"],
                    "monitoredAccountIds": [], "authenticationType": "None"}
            session.post(base + "/api/v2/webhooks", json=body, timeout=30).raise_for_status()
'''


def workspaces(count):
    return [{"id": str(uuid.uuid5(NAMESPACE, "workspace-%d" % i)), "name": "customer-%03d" % i} for i in range(count)]


def hook_names(count):
    return ["standard-hook-%d" % (j + 1) for j in range(count)]


def hook_url(workspace, name):
    """What the role renders from https://hooks.example.com/{{ workspace.name }}/<name>."""
    return "https://hooks.example.com/%s/%s" % (workspace["name"], name)


def role_playbook(wss, names, concurrency):
    lines = [
        "---",
        "- name: Bench - the contraforce.platform.webhooks role",
        "  hosts: localhost",
        "  connection: local",
        "  gather_facts: false",
        "  vars:",
        "    contraforce_concurrency: %d" % concurrency,
        "    contraforce_default_sets: [standard]",
        "    contraforce_webhook_sets:",
        "      standard:",
    ]
    for name in names:
        lines += [
            "        - name: %s" % name,
            "          url: !unsafe 'https://hooks.example.com/{{ workspace.name }}/%s'" % name,
            "          event_types: %s" % json.dumps(EVENT_TYPES),
        ]
    lines.append("    contraforce_workspaces:")
    for ws in wss:
        lines.append("      - {id: %s, name: %s}" % (ws["id"], ws["name"]))
    lines += ["  roles:", "    - role: contraforce.platform.webhooks", ""]
    return "\n".join(lines)


def loop_playbook(wss, names):
    items = [{"workspace_id": ws["id"], "name": name, "url": hook_url(ws, name)} for ws in wss for name in names]
    return "\n".join([
        "---",
        "- name: Bench - a per-item loop of contraforce.platform.webhook",
        "  hosts: localhost",
        "  connection: local",
        "  gather_facts: false",
        "  vars:",
        "    bench_items: %s" % json.dumps(items),
        "  tasks:",
        "    - name: One webhook per task",
        "      contraforce.platform.webhook:",
        "        workspace_id: \"{{ item.workspace_id }}\"",
        "        name: \"{{ item.name }}\"",
        "        url: \"{{ item.url }}\"",
        "        event_types: %s" % json.dumps(EVENT_TYPES),
        "      loop: \"{{ bench_items }}\"",
        "      loop_control:",
        "        label: \"{{ item.workspace_id }}/{{ item.name }}\"",
        "      no_log: true",
        "",
    ])


class Bench:
    def __init__(self, sim, workdir, args):
        self.sim = sim
        self.workdir = workdir
        self.args = args
        self.env = dict(os.environ)
        for key in list(self.env):
            if key.startswith("CONTRAFORCE_"):
                del self.env[key]
        self.env.update(sim.env())
        self.env.update({
            "ANSIBLE_COLLECTIONS_PATH": layout.collection_root(REPO_ROOT),
            "ANSIBLE_PYTHON_INTERPRETER": sys.executable,
            "ANSIBLE_LOCALHOST_WARNING": "0",
            "ANSIBLE_INVENTORY_UNPARSED_WARNING": "0",
            "ANSIBLE_NOCOLOR": "1",
            "ANSIBLE_LOCAL_TEMP": os.path.join(workdir, "ansible-local"),
            "ANSIBLE_REMOTE_TMP": os.path.join(workdir, "ansible-remote"),
            "CONTRAFORCE_TIMEOUT": "30",
        })

    def write(self, name, text):
        path = os.path.join(self.workdir, name)
        with open(path, "w") as handle:
            handle.write(text)
        return path

    def timed(self, argv, label):
        start = time.perf_counter()
        proc = subprocess.run(argv, env=self.env, cwd=self.workdir, stdin=subprocess.DEVNULL, capture_output=True, text=True, check=False)
        elapsed = time.perf_counter() - start
        if proc.returncode != 0:
            sys.stderr.write("%s failed (exit %d):\n%s\n%s\n" % (label, proc.returncode, proc.stdout[-4000:], proc.stderr[-4000:]))
            raise SystemExit(2)
        return elapsed

    def requests_by_method(self):
        counts = {}
        for entry in self.sim.journal():
            counts[entry["method"]] = counts.get(entry["method"], 0) + 1
        return counts

    def minimum(self, wss, names, existing):
        """Minimum requests: the pages of one listing per workspace plus one POST per missing webhook."""
        config = self.sim.config()
        if config.get("list_shape") == 1:
            pages = 1
        else:
            page = max(1, min(int(config.get("page_size") or CLIENT_PAGE_SIZE), CLIENT_PAGE_SIZE))
            pages = max(1, int(math.ceil(existing / float(page))))
        return {"GET": len(wss) * pages, "POST": 0 if existing else len(wss) * len(names)}

    def scenario(self, label, argv_first, argv_rerun, wss, names, repeat):
        """Median wall time and journal counts of a first run (from empty) and a re-run."""
        first_times, rerun_times = [], []
        first_counts = rerun_counts = None
        for _attempt in range(repeat):
            self.sim.reset()
            first_times.append(self.timed(argv_first, label + " first run"))
            first_counts = self.requests_by_method()
            if len(self.sim.webhooks()) != len(wss) * len(names):
                sys.stderr.write("%s: the first run left %d webhooks, expected %d\n" % (label, len(self.sim.webhooks()), len(wss) * len(names)))
                raise SystemExit(2)
            self.sim.clear_journal()
            rerun_times.append(self.timed(argv_rerun, label + " re-run"))
            rerun_counts = self.requests_by_method()
        return {
            "first": {"time": statistics.median(first_times), "times": first_times, "requests": first_counts,
                      "minimum": self.minimum(wss, names, 0)},
            "rerun": {"time": statistics.median(rerun_times), "times": rerun_times, "requests": rerun_counts,
                      "minimum": self.minimum(wss, names, len(names))},
        }


def _total(counts):
    return sum(counts.values())


def _fmt_counts(counts):
    return " ".join("%s %d" % (method, counts.get(method, 0)) for method in ("GET", "POST", "DELETE") if counts.get(method) or method != "DELETE")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", maxsplit=1)[0])
    parser.add_argument("--workspaces", type=int, default=100)
    parser.add_argument("--webhooks", type=int, default=5)
    parser.add_argument("--latency-ms", type=int, default=20)
    parser.add_argument("--concurrency", type=int, default=8, help="contraforce_concurrency of the role")
    parser.add_argument("--loop-workspaces", type=int, default=10, help="workspaces measured for the per-item loop (scaled to --workspaces)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of the role and of the plain script (median)")
    parser.add_argument("--json", help="also write the results to this file")
    args = parser.parse_args(argv)

    wss = workspaces(args.workspaces)
    names = hook_names(args.webhooks)
    loop_wss = wss[:max(1, min(args.loop_workspaces, args.workspaces))]
    scale = len(wss) / float(len(loop_wss))
    plan = [{"id": ws["id"], "webhooks": [{"name": n, "url": hook_url(ws, n), "event_types": EVENT_TYPES} for n in names]} for ws in wss]

    with tempfile.TemporaryDirectory(prefix="cf-bench-") as workdir, Simulator.start(latency_ms=args.latency_ms) as sim:
        if sim.config().get("latency_ms") != args.latency_ms:
            raise SystemExit("the simulator did not take latency_ms=%d" % args.latency_ms)
        bench = Bench(sim, workdir, args)
        playbook = [os.path.join(BIN, "ansible-playbook"), "-i", "localhost,", "-c", "local"]
        role_pb = bench.write("role.yml", role_playbook(wss, names, args.concurrency))
        loop_pb = bench.write("loop.yml", loop_playbook(loop_wss, names))
        plain_py = bench.write("plain.py", PLAIN_SCRIPT)
        plan_json = bench.write("plan.json", json.dumps(plan))
        plain = [sys.executable, plain_py, sim.url, sim.client_id, sim.client_secret, plan_json]

        print("contraforce.platform bench: %d workspaces x %d webhooks, simulator latency %d ms per request, role concurrency %d, "
              "median of %d run(s)" % (len(wss), len(names), args.latency_ms, args.concurrency, args.repeat), flush=True)
        results = {}
        print("  plain script ...", flush=True)
        results["plain"] = bench.scenario("plain script", plain, plain, wss, names, args.repeat)
        print("  role ...", flush=True)
        results["role"] = bench.scenario("role", playbook + [role_pb], playbook + [role_pb], wss, names, args.repeat)
        print("  per-item loop on %d workspaces ..." % len(loop_wss), flush=True)
        results["loop"] = bench.scenario("loop", playbook + [loop_pb], playbook + [loop_pb], loop_wss, names, 1)

    rows = []
    for run in ("first", "rerun"):
        base = results["plain"][run]["time"]
        for key, label in (("role", "role (webhook_bulk)"), ("loop", "loop of webhook"), ("plain", "plain requests")):
            data = results[key][run]
            measured = data["time"]
            shown_time = measured * scale if key == "loop" else measured
            counts = data["requests"]
            minimum = data["minimum"]
            if key == "loop":
                counts = dict((m, int(round(c * scale))) for m, c in counts.items())
                minimum = dict((m, int(round(c * scale))) for m, c in minimum.items())
            note = "measured %.1f s on %d ws, x%.0f" % (measured, len(loop_wss), scale) if key == "loop" and scale != 1 else ""
            rows.append((run if run == "first" else "re-run", label, shown_time, shown_time / base if base else float("nan"),
                         _fmt_counts(counts), _total(counts), _total(minimum), note))
    header = ("run", "scenario", "wall s", "x plain", "requests by method", "total", "minimum", "note")
    widths = [max(len(str(h)), max(len(_cell(r[i])) for r in rows)) for i, h in enumerate(header)]
    print()
    print("  ".join(str(h).ljust(w) for h, w in zip(header, widths)))
    print("  ".join("-" * w for w in widths))
    for row in rows:
        print("  ".join(_cell(c).ljust(w) for c, w in zip(row, widths)))
    print()

    failures = []
    for run in ("first", "rerun"):
        got, want = results["role"][run]["requests"], results["role"][run]["minimum"]
        if _total(got) > _total(want) or any(got.get(m, 0) > want.get(m, 0) for m in got):
            failures.append("role %s: %s requests, the minimum is %s" % (run, _fmt_counts(got), _fmt_counts(want)))
    role_rerun = results["role"]["rerun"]["time"]
    plain_rerun = results["plain"]["rerun"]["time"]
    loop_rerun = results["loop"]["rerun"]["time"] * scale
    ratio = role_rerun / plain_rerun
    speedup = loop_rerun / role_rerun
    print("target: role re-run <= %.1fx the plain script: %.2fx  %s" % (MAX_RERUN_RATIO_TO_PLAIN, ratio, _verdict(ratio <= MAX_RERUN_RATIO_TO_PLAIN)))
    print("target: role re-run >= %.0fx faster than the loop: %.1fx  %s" % (MIN_SPEEDUP_OVER_LOOP, speedup, _verdict(speedup >= MIN_SPEEDUP_OVER_LOOP)))
    print("target: role requests == minimum (first run and re-run): %s" % _verdict(not failures))
    if ratio > MAX_RERUN_RATIO_TO_PLAIN:
        failures.append("role re-run %.2f s is %.2fx the plain script's %.2f s (target <= %.1fx)" % (role_rerun, ratio, plain_rerun, MAX_RERUN_RATIO_TO_PLAIN))
    if speedup < MIN_SPEEDUP_OVER_LOOP:
        failures.append("role re-run is only %.1fx faster than the loop (target >= %.0fx)" % (speedup, MIN_SPEEDUP_OVER_LOOP))
    if args.json:
        with open(args.json, "w") as handle:
            json.dump({"args": vars(args), "loop_scale": scale, "results": results, "failures": failures}, handle, indent=2)
    for failure in failures:
        print("FAILED: " + failure)
    return 1 if failures else 0


def _verdict(ok):
    return "ok" if ok else "MISSED"


def _cell(value):
    if isinstance(value, float):
        return "%.2f" % value
    return str(value)


if __name__ == "__main__":
    sys.exit(main())
