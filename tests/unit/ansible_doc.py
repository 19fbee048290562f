# -*- coding: utf-8 -*-
# Copyright: ContraForce platform collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What ``ansible-doc --json`` says about the collection's modules, for the ecosystem tests.

The tests read the documentation the way Ansible renders it (doc fragments merged), not the
Python source, so a module that forgets a fragment is caught.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import re
import shutil
import subprocess
import sys

COLLECTION = "contraforce.platform"
REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MODULES_DIR = os.path.join(REPO_ROOT, "plugins", "modules")
ENV_MARKUP = re.compile(r"E\((CONTRAFORCE_[A-Z0-9_]+)\)")

_CACHE = {}


def module_names():
    """Short names of the modules in ``plugins/modules`` (files, not what any table says)."""
    names = []
    for entry in sorted(os.listdir(MODULES_DIR)):
        base, ext = os.path.splitext(entry)
        if ext == ".py" and not base.startswith("_"):
            names.append(base)
    return names


def ansible_doc_path():
    """``ansible-doc`` of the running interpreter's environment (else the one on PATH)."""
    candidate = os.path.join(os.path.dirname(sys.executable), "ansible-doc")
    if os.access(candidate, os.X_OK):
        return candidate
    return shutil.which("ansible-doc") or "ansible-doc"


def module_docs():
    """Return ``{short name: doc}`` from one ``ansible-doc --json -t module`` run over every module."""
    if "docs" not in _CACHE:
        fqcns = ["%s.%s" % (COLLECTION, name) for name in module_names()]
        proc = subprocess.run(
            [ansible_doc_path(), "--json", "-t", "module"] + fqcns,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True, check=False,
        )
        if proc.returncode != 0:
            raise AssertionError("ansible-doc failed (rc=%d):\n%s\n%s" % (proc.returncode, proc.stdout, proc.stderr))
        data = json.loads(proc.stdout)
        missing = sorted(set(fqcns) - set(data))
        if missing:
            raise AssertionError("ansible-doc returned no documentation for %s:\n%s" % (", ".join(missing), proc.stderr))
        _CACHE["docs"] = dict((fqcn.split(".")[-1], data[fqcn]["doc"]) for fqcn in fqcns)
    return _CACHE["docs"]


def _texts(value):
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [text for item in value for text in _texts(item)]
    return []


def documented_env_vars(doc):
    """``{option name: CONTRAFORCE_* variable}`` for each option whose description names one with E(...)."""
    found = {}
    for name, option in doc.get("options", {}).items():
        names = set()
        for text in _texts(option.get("description")):
            names.update(ENV_MARKUP.findall(text))
        if len(names) > 1:
            raise AssertionError("option %s documents several environment variables: %s" % (name, sorted(names)))
        if names:
            found[name] = names.pop()
    return found
