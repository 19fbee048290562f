# -*- coding: utf-8 -*-
# Copyright: ContraForce platform collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The action group ``contraforce.platform.all`` holds every module, and every module says so.

``module_defaults: {group/contraforce.platform.all: {...}}`` sets the connection once per play only
for modules listed in ``meta/runtime.yml``; a module left out silently ignores those defaults.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os

import pytest
import yaml

from .ansible_doc import COLLECTION, REPO_ROOT, module_docs, module_names

GROUP = "all"
GROUP_FQCN = "%s.%s" % (COLLECTION, GROUP)


def load_runtime():
    with open(os.path.join(REPO_ROOT, "meta", "runtime.yml")) as handle:
        return yaml.safe_load(handle)


def group_problems(modules, runtime):
    """Return the problems of ``runtime``'s action group ``all`` against the ``modules`` on disk."""
    entries = ((runtime or {}).get("action_groups") or {}).get(GROUP)
    if not isinstance(entries, list):
        return ["meta/runtime.yml has no list action_groups.%s" % GROUP]
    problems = []
    short = []
    for entry in entries:
        if not isinstance(entry, str):
            problems.append("action_groups.%s entry %r is not a module name (no metadata/include here)" % (GROUP, entry))
            continue
        name = entry[len(COLLECTION) + 1:] if entry.startswith(COLLECTION + ".") else entry
        if "." in name:
            problems.append("action_groups.%s entry %r names a module outside %s" % (GROUP, entry, COLLECTION))
        short.append(name)
    for name in sorted(set(short)):
        if short.count(name) > 1:
            problems.append("action_groups.%s lists %s %d times" % (GROUP, name, short.count(name)))
    for name in sorted(set(modules) - set(short)):
        problems.append("module %s is missing from action_groups.%s in meta/runtime.yml" % (name, GROUP))
    for name in sorted(set(short) - set(modules)):
        problems.append("action_groups.%s lists %s, which is not a module in plugins/modules" % (GROUP, name))
    return problems


def test_group_holds_every_module_and_nothing_else():
    assert group_problems(module_names(), load_runtime()) == []


def test_check_fails_for_a_module_missing_from_the_group():
    """The check above is not vacuous: leaving a module out (or listing a ghost) is reported."""
    runtime = {"action_groups": {GROUP: ["webhook", "%s.webhook_info" % COLLECTION, "ghost"]}}
    problems = group_problems(["webhook", "webhook_info", "webhook_bulk"], runtime)
    assert problems == [
        "module webhook_bulk is missing from action_groups.all in meta/runtime.yml",
        "action_groups.all lists ghost, which is not a module in plugins/modules",
    ]
    assert group_problems(["webhook"], {"requires_ansible": ">=2.16.0"}) == ["meta/runtime.yml has no list action_groups.all"]


@pytest.mark.parametrize("module", module_names())
def test_module_documents_action_group(module):
    """Each module documents ``attributes.action_group`` with membership ``contraforce.platform.all``."""
    attributes = module_docs()[module].get("attributes") or {}
    assert "action_group" in attributes, (
        "%s does not document the action_group attribute: add contraforce.platform.connection.actiongroup"
        " to extends_documentation_fragment" % module)
    action_group = attributes["action_group"]
    assert action_group.get("support") == "full"
    assert action_group.get("membership") == [GROUP_FQCN]
