# -*- coding: utf-8 -*-
# Copyright: ContraForce platform collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Gate: the collection builds, its tarball is clean, and it documents itself once installed.

``ansible-galaxy collection build`` runs on the real work tree (with its ``.venv``, caches and test
output), so ``build_ignore`` in ``galaxy.yml`` is what keeps them out. The tarball is installed with
``--no-deps`` into an empty folder, and every plugin and role is rendered by ``ansible-doc`` from
there, with nothing else on the collections path.
"""

from __future__ import annotations

import fnmatch
import glob
import json
import os
import tarfile

import pytest

pytestmark = pytest.mark.quality

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FQCN_PREFIX = "contraforce.platform."

# plugins/<folder> -> ansible-doc type, for the plugin types documented in Python files.
PYTHON_PLUGIN_TYPES = {
    "modules": "module",
    "lookup": "lookup",
    "inventory": "inventory",
    "callback": "callback",
    "connection": "connection",
    "become": "become",
    "cache": "cache",
    "vars": "vars",
}
# Filter and test plugins are documented in YAML files beside their Python code.
YAML_PLUGIN_TYPES = {"filter": "filter", "test": "test"}

# Never shipped: (glob on the member path, why).
FORBIDDEN = [
    ("tests/output", "ansible-test output"),
    ("tests/output/*", "ansible-test output"),
    ("tests/integration/inventory", "generated inventory"),
    (".ci", "CI scripts"),
    (".ci/*", "CI scripts"),
    (".venv", "the development virtual environment"),
    (".venv/*", "the development virtual environment"),
    (".cache", "a cache"),
    (".cache/*", "a cache"),
    (".ansible", "ansible-lint's cache"),
    (".ansible/*", "ansible-lint's cache"),
    (".pytest_cache", "pytest's cache"),
    (".pytest_cache/*", "pytest's cache"),
    (".git", "git data"),
    (".git/*", "git data"),
    ("Makefile", "developer tooling"),
    ("hacking", "developer tooling"),
    ("hacking/*", "developer tooling"),
    ("requirements-dev.txt", "developer tooling"),
    ("changelogs/.plugin-cache.yaml", "antsibull-changelog's cache"),
    ("*__pycache__*", "bytecode"),
    ("*.pyc", "bytecode"),
    ("*.tar.gz", "an earlier build"),
]


def _plugins():
    found = []
    for folder, doc_type in PYTHON_PLUGIN_TYPES.items():
        for path in sorted(glob.glob(os.path.join(REPO_ROOT, "plugins", folder, "*.py"))):
            name = os.path.splitext(os.path.basename(path))[0]
            if name != "__init__":
                found.append((doc_type, name))
    for folder, doc_type in YAML_PLUGIN_TYPES.items():
        for pattern in ("*.yml", "*.yaml"):
            for path in sorted(glob.glob(os.path.join(REPO_ROOT, "plugins", folder, pattern))):
                found.append((doc_type, os.path.splitext(os.path.basename(path))[0]))
    return found


def _roles():
    return sorted(
        name for name in os.listdir(os.path.join(REPO_ROOT, "roles"))
        if os.path.isdir(os.path.join(REPO_ROOT, "roles", name))
    ) if os.path.isdir(os.path.join(REPO_ROOT, "roles")) else []


PLUGINS = _plugins()
MODULES = [name for doc_type, name in PLUGINS if doc_type == "module"]
ROLES = _roles()


@pytest.fixture(scope="module")
def tarball(tools, tmp_path_factory):
    """The tarball that ``ansible-galaxy collection build`` makes of the work tree."""
    output = tmp_path_factory.mktemp("build")
    tools.run([tools.path("ansible-galaxy"), "collection", "build", "--output-path", str(output), REPO_ROOT], cwd=REPO_ROOT)
    built = glob.glob(os.path.join(str(output), "contraforce-platform-*.tar.gz"))
    assert len(built) == 1, "expected one tarball in %s, found %s" % (output, os.listdir(str(output)))
    return built[0]


@pytest.fixture(scope="module")
def members(tarball):
    """The paths inside the tarball, without a leading ``./``."""
    with tarfile.open(tarball) as archive:
        return sorted(member.name[2:] if member.name.startswith("./") else member.name for member in archive.getmembers())


@pytest.fixture(scope="module")
def installed(tools, tarball, tmp_path_factory):
    """A folder holding only ``ansible_collections/contraforce/platform``, installed from the tarball."""
    root = str(tmp_path_factory.mktemp("installed"))
    env = tools.env(ANSIBLE_COLLECTIONS_PATH=root)
    tools.run([tools.path("ansible-galaxy"), "collection", "install", "--no-deps", "-p", root, tarball], cwd=root, env=env)
    assert os.path.isfile(os.path.join(root, "ansible_collections", "contraforce", "platform", "MANIFEST.json"))
    return root


def _doc_env(tools, installed_root):
    # Only the installed copy: no sys.path scan, no symlinked work tree from tests/conftest.py.
    return tools.env(ANSIBLE_COLLECTIONS_PATH=installed_root, ANSIBLE_COLLECTIONS_SCAN_SYS_PATH="false", PYTHONPATH=None)


def _ansible_doc(tools, installed_root, args):
    result = tools.run([tools.path("ansible-doc")] + args, cwd=installed_root, env=_doc_env(tools, installed_root), merge_stderr=False)
    problems = [line for line in result.stderr.splitlines() if "ERROR" in line or "not found" in line or "[WARNING]" in line]
    assert not problems, "ansible-doc %s complained:\n%s" % (" ".join(args), result.stderr)
    return result.stdout


def test_tarball_has_no_build_leftovers(members):
    """No test output, caches, CI files or developer tooling in the tarball (``build_ignore``)."""
    shipped = [
        "%s (%s)" % (member, why)
        for member in members
        for pattern, why in FORBIDDEN
        if fnmatch.fnmatch(member, pattern)
    ]
    assert not shipped, "galaxy.yml build_ignore lets these into the tarball:\n" + "\n".join(sorted(set(shipped)))


def test_tarball_has_the_collection(members):
    """The tarball holds the metadata, the runtime file and every module and role of the work tree."""
    expected = ["MANIFEST.json", "FILES.json", "meta/runtime.yml"]
    expected += ["plugins/modules/%s.py" % name for name in MODULES]
    expected += ["roles/%s" % name for name in ROLES]
    missing = [path for path in expected if path not in members]
    assert not missing, "missing from the tarball: %s" % ", ".join(missing)


def test_collection_has_modules():
    """The collection has modules at all (an empty plugins/modules would make the gates below vacuous)."""
    assert MODULES, "no module in plugins/modules"


def test_installed_module_list(tools, installed):
    """``ansible-doc -l`` on the installed copy lists exactly the modules of plugins/modules."""
    listed = json.loads(_ansible_doc(tools, installed, ["-t", "module", "-l", "contraforce.platform", "--json"]))
    expected = sorted(FQCN_PREFIX + name for name in MODULES)
    assert sorted(listed) == expected, "installed copy lists %s; plugins/modules has %s" % (sorted(listed), expected)


@pytest.mark.parametrize("doc_type,name", PLUGINS, ids=["%s:%s" % plugin for plugin in PLUGINS])
def test_plugin_doc_renders_from_installed_copy(tools, installed, doc_type, name):
    """``ansible-doc -t <type> contraforce.platform.<name>`` renders from the installed tarball."""
    fqcn = FQCN_PREFIX + name
    text = _ansible_doc(tools, installed, ["-t", doc_type, fqcn])
    assert fqcn in text, "ansible-doc rendered no page for %s:\n%s" % (fqcn, text)
    data = json.loads(_ansible_doc(tools, installed, ["-t", doc_type, "--json", fqcn]))
    filename = data[fqcn]["doc"]["filename"]
    assert filename.startswith(os.path.join(installed, "ansible_collections", "")), (
        "%s was documented from %s, not from the installed copy in %s" % (fqcn, filename, installed))


@pytest.mark.parametrize("role", ROLES)
def test_role_doc_renders_from_installed_copy(tools, installed, role):
    """``ansible-doc -t role contraforce.platform.<role>`` renders its argument specs from the installed tarball."""
    fqcn = FQCN_PREFIX + role
    text = _ansible_doc(tools, installed, ["-t", "role", fqcn])
    assert fqcn in text, "ansible-doc rendered no page for %s:\n%s" % (fqcn, text)
    data = json.loads(_ansible_doc(tools, installed, ["-t", "role", "--json", fqcn]))
    path = data[fqcn].get("path", "")
    assert path.startswith(os.path.join(installed, "ansible_collections", "")), (
        "%s was documented from %r, not from the installed copy in %s" % (fqcn, path, installed))
