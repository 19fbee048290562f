# -*- coding: utf-8 -*-
# Copyright: ContraForce platform collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Counters of the reliability suites (faults, secrets, bad input), in one pytest process.

The tests record what they tried and what held; ``pytest_terminal_summary`` in this folder's
``conftest.py`` prints ``summary_line()`` once at the end of the run, and nothing when none of
these suites ran (deselected, or another folder was tested).

* ``fault_case(name)``: a context manager; the case counts as tried on entry and as survived
  when its block ends without an exception (every assertion about the outcome held).
* ``duplicates(webhooks)``: counts webhooks sharing a workspace and a name, adds them to the
  duplicates found, and returns the offending ``(workspace, name)`` keys.
* ``bad_input(tried, rejected)``: bad-input cases tried, and those rejected before any request.
* ``secret_scan(hits)``: one scan of output, journal and files; ``hits`` is the number of hits.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import contextlib

COUNTERS = {
    "faults_tried": 0,
    "faults_survived": 0,
    "duplicate_checks": 0,
    "duplicates": 0,
    "bad_inputs_tried": 0,
    "bad_inputs_rejected": 0,
    "secret_scans": 0,
    "secret_hits": 0,
}

FAILED_FAULTS = []


def reset():
    for key in COUNTERS:
        COUNTERS[key] = 0
    del FAILED_FAULTS[:]


@contextlib.contextmanager
def fault_case(name):
    COUNTERS["faults_tried"] += 1
    try:
        yield
    except BaseException:
        FAILED_FAULTS.append(name)
        raise
    COUNTERS["faults_survived"] += 1


def duplicates(webhooks):
    """Record and return the ``(workspace_id, name)`` keys held by more than one webhook."""
    COUNTERS["duplicate_checks"] += 1
    counts = {}
    for hook in webhooks:
        key = (str(hook.get("workspaceId") or hook.get("workspace_id") or "").lower(), hook.get("name"))
        counts[key] = counts.get(key, 0) + 1
    dupes = sorted(key for key, count in counts.items() if count > 1)
    COUNTERS["duplicates"] += sum(counts[key] - 1 for key in dupes)
    return dupes


def bad_input(tried, rejected):
    COUNTERS["bad_inputs_tried"] += tried
    COUNTERS["bad_inputs_rejected"] += rejected


def secret_scan(hits):
    COUNTERS["secret_scans"] += 1
    COUNTERS["secret_hits"] += hits


def ran():
    """Whether any reliability suite recorded something in this process."""
    return bool(COUNTERS["faults_tried"] or COUNTERS["duplicate_checks"] or COUNTERS["bad_inputs_tried"] or COUNTERS["secret_scans"])


def summary_line():
    """One line, e.g. ``reliability: faults tried 17 / survived 17, duplicates found 0, ...``; None if nothing ran."""
    if not ran():
        return None
    parts = []
    c = COUNTERS
    if c["faults_tried"]:
        parts.append("faults tried %d / survived %d" % (c["faults_tried"], c["faults_survived"]))
    if c["duplicate_checks"]:
        parts.append("duplicates found %d" % c["duplicates"])
    if c["bad_inputs_tried"]:
        parts.append("bad inputs tried %d / rejected before any request %d" % (c["bad_inputs_tried"], c["bad_inputs_rejected"]))
    if c["secret_scans"]:
        parts.append("secret hits %d" % c["secret_hits"])
    line = "reliability: " + ", ".join(parts)
    if FAILED_FAULTS:
        line += " (not survived: %s)" % ", ".join(FAILED_FAULTS)
    return line
