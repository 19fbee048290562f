# -*- coding: utf-8 -*-
# Copyright: ContraForce platform collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Test-only stdout callback: prints one JSON document with every task's host results.

ansible-core 2.19 no longer ships the ``json`` callback, and the tests run on 2.16 to 2.21, so the
integration tests bring this one. The results are what a user's callback gets (after ``no_log``
censoring), so tests that search them for secrets search what a user would see.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: results_json
type: stdout
short_description: One JSON document of all task results (tests only)
description:
  - Prints, at the end of the run, a JSON document with the plays, their tasks and each host's result, and the stats.
"""

import json

from ansible.plugins.callback import CallbackBase


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "stdout"
    CALLBACK_NAME = "results_json"

    def __init__(self, display=None):
        super(CallbackModule, self).__init__(display)
        self.plays = []
        self.tasks = {}

    def _play(self):
        if not self.plays:
            self.plays.append({"play": {"name": ""}, "tasks": []})
        return self.plays[-1]

    def v2_playbook_on_play_start(self, play):
        self.plays.append({"play": {"name": play.get_name()}, "tasks": []})

    def _task_entry(self, task):
        key = task._uuid
        if key not in self.tasks:
            entry = {"task": {"name": task.get_name(), "action": task.action}, "hosts": {}}
            self.tasks[key] = entry
            self._play()["tasks"].append(entry)
        return self.tasks[key]

    def v2_playbook_on_task_start(self, task, is_conditional):
        self._task_entry(task)

    def _record(self, result, **flags):
        data = dict(result._result)
        data.update(flags)
        self._task_entry(result._task)["hosts"][result._host.get_name()] = data

    def v2_runner_on_ok(self, result):
        self._record(result)

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._record(result, failed=True, ignore_errors=ignore_errors)

    def v2_runner_on_skipped(self, result):
        self._record(result, skipped=True)

    def v2_runner_on_unreachable(self, result):
        self._record(result, unreachable=True)

    def v2_playbook_on_stats(self, stats):
        summary = dict((host, stats.summarize(host)) for host in sorted(stats.processed))
        self._display.display(json.dumps({"plays": self.plays, "stats": summary}, indent=2, sort_keys=True, default=str))
