# -*- coding: utf-8 -*-
# Copyright: ContraForce platform collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Gate: ``ansible-test sanity`` passes with no ignore file.

ansible-test needs a physical ``ansible_collections/contraforce/platform`` git work tree, so it runs
on ``hacking/layout.py copy`` of the project's files. Its pip bootstrap would download
``get-pip.py``; ``hacking/ansible_test_bootstrap.py`` puts a stand-in into its cache first. The
virtual environments of the sanity tests are kept under ``~/.ansible/test`` (about 100 s to build
once, about 10 s per run after that).
"""

from __future__ import annotations

import glob
import os
import sys

import pytest

pytestmark = pytest.mark.quality

PYTHON_VERSION = "%d.%d" % sys.version_info[:2]


def test_no_sanity_ignore_file(repo_root):
    """Sanity findings are fixed, never ignored."""
    ignore_files = sorted(glob.glob(os.path.join(repo_root, "tests", "sanity", "ignore-*.txt")))
    assert not ignore_files, "remove these ignore files and fix what they hide: %s" % ", ".join(ignore_files)


def test_ansible_test_sanity(tools, hacking, project_copy):
    """``ansible-test sanity --local --python <this interpreter's version>`` passes."""
    hacking("ansible_test_bootstrap").ensure()
    _collections_root, collection_dir = project_copy
    env = tools.env(ANSIBLE_COLLECTIONS_PATH=None, ANSIBLE_PYTHON_INTERPRETER=None)
    tools.run(
        [tools.path("ansible-test"), "sanity", "--local", "--python", PYTHON_VERSION, "--color", "no"],
        cwd=collection_dir,
        env=env,
        timeout=1800,
    )
