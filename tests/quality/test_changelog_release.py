# -*- coding: utf-8 -*-
# Copyright: ContraForce platform collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Dry run of the release's changelog step (docs/docsite/rst/guide_release.rst, step 4).

antsibull-changelog writes ``CHANGELOG.rst`` only when it releases a version, so the work tree has
none before the first release. This test runs ``antsibull-changelog release`` on a copy of the
project and checks that the release notes it would publish hold every fragment, every module and
every role (antsibull-changelog finds new plugins and roles through their ``version_added``).
"""

from __future__ import annotations

import os
import re

import pytest
import yaml

pytestmark = pytest.mark.quality


@pytest.fixture(scope="module")
def released(tools, hacking, tmp_path_factory):
    """``(collection folder, CHANGELOG.rst text)`` after a release on a copy of the project."""
    root = tmp_path_factory.mktemp("release")
    collection_dir = hacking("layout").copy(str(root))
    env = tools.env(ANSIBLE_COLLECTIONS_PATH=str(root))
    tools.run([tools.path("antsibull-changelog"), "release", "--date", "2030-01-01"], cwd=collection_dir, env=env)
    with open(os.path.join(collection_dir, "CHANGELOG.rst")) as handle:
        return collection_dir, handle.read()


def _flat(text):
    return re.sub(r"\s+", " ", text)


def test_release_notes_hold_every_fragment(repo_root, released):
    _collection_dir, changelog = released
    fragments_dir = os.path.join(repo_root, "changelogs", "fragments")
    missing = []
    for name in sorted(os.listdir(fragments_dir)):
        if not name.endswith((".yml", ".yaml")):
            continue
        with open(os.path.join(fragments_dir, name)) as handle:
            fragment = yaml.safe_load(handle) or {}
        for section, entries in fragment.items():
            if section in ("trivial", "release_summary"):
                continue
            for entry in entries if isinstance(entries, list) else [entries]:
                if _flat(entry.strip()) not in _flat(changelog):
                    missing.append("%s: %s" % (name, entry[:80]))
    assert missing == []


def test_release_notes_name_the_version(repo_root, released):
    with open(os.path.join(repo_root, "galaxy.yml")) as handle:
        version = yaml.safe_load(handle)["version"]
    assert "\nv%s\n" % version in released[1]


def test_release_notes_list_every_module_and_role(repo_root, released):
    """A module or role without ``version_added`` would be missing from "New Modules" / "New Roles"."""
    changelog = released[1]
    modules = sorted(name[:-3] for name in os.listdir(os.path.join(repo_root, "plugins", "modules"))
                     if name.endswith(".py") and not name.startswith("_"))
    roles = sorted(name for name in os.listdir(os.path.join(repo_root, "roles"))
                   if os.path.isfile(os.path.join(repo_root, "roles", name, "meta", "argument_specs.yml")))
    listed = set(re.findall(r"^- contraforce\.platform\.([a-z0-9_]+) - ", changelog, re.M))
    assert [name for name in modules + roles if name not in listed] == []


def test_release_consumes_the_fragments(released):
    """``keep_fragments: false``: the release moves the fragments into changelog.yaml."""
    collection_dir = released[0]
    left = [name for name in os.listdir(os.path.join(collection_dir, "changelogs", "fragments")) if name.endswith(".yml")]
    assert left == []
