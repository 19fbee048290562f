# -*- coding: utf-8 -*-
# Copyright: ContraForce platform collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Smoke test of the execution environment: ``ansible-builder create`` on the example.

No container engine exists here, so ``ansible-builder build`` cannot run. Instead the test does
what the build's introspection stage does: it installs the built collection tarball and runs the
``introspect.py`` script of the generated context on it, which must find ``requests`` through the
collection's ``meta/execution-environment.yml``.
"""

from __future__ import annotations

import glob
import os
import sys

import pytest
import yaml

pytestmark = pytest.mark.quality

EXAMPLE = os.path.join("docs", "examples", "execution-environment.yml")


@pytest.fixture(scope="module")
def context(tools, repo_root, tmp_path_factory):
    """The build context ``ansible-builder create`` writes for the example."""
    path = tmp_path_factory.mktemp("ee") / "context"
    tools.run([tools.path("ansible-builder"), "create", "-f", os.path.join(repo_root, EXAMPLE), "--context", path],
              cwd=os.path.join(repo_root, "docs", "examples"))
    return path


@pytest.fixture(scope="module")
def installed_collection(tools, repo_root, tmp_path_factory):
    """A collections folder holding the collection installed from a freshly built tarball."""
    work = tmp_path_factory.mktemp("ee-collection")
    tools.run([tools.path("ansible-galaxy"), "collection", "build", "--force", "--output-path", work / "dist", repo_root], cwd=work)
    tarballs = glob.glob(str(work / "dist" / "contraforce-platform-*.tar.gz"))
    assert len(tarballs) == 1, tarballs
    tools.run([tools.path("ansible-galaxy"), "collection", "install", "--no-deps", "--force", "-p", work / "collections", tarballs[0]], cwd=work)
    return work / "collections"


def test_collection_declares_its_python_requirements(repo_root):
    with open(os.path.join(repo_root, "meta", "execution-environment.yml")) as handle:
        meta = yaml.safe_load(handle)
    assert meta["dependencies"] == {"python": "requirements.txt"}
    with open(os.path.join(repo_root, "requirements.txt")) as handle:
        requirements = [line.split("#")[0].strip() for line in handle]
    assert [line for line in requirements if line] == ["requests"], "requests, unpinned, and nothing else"


def test_create_writes_a_build_context(context):
    containerfiles = [name for name in ("Containerfile", "Dockerfile") if (context / name).is_file()]
    assert containerfiles, sorted(os.listdir(context))
    instructions = (context / containerfiles[0]).read_text()
    assert "ansible-galaxy collection install" in instructions
    assert "introspect" in instructions
    galaxy = yaml.safe_load((context / "_build" / "requirements.yml").read_text())
    assert [collection["name"] for collection in galaxy["collections"]] == ["contraforce.platform"]


def test_example_pins_a_supported_ansible_core(repo_root):
    """The example's ansible-core range lies inside the collection's requires_ansible."""
    with open(os.path.join(repo_root, EXAMPLE)) as handle:
        example = yaml.safe_load(handle)
    with open(os.path.join(repo_root, "meta", "runtime.yml")) as handle:
        requires = yaml.safe_load(handle)["requires_ansible"]
    core = example["dependencies"]["ansible_core"]["package_pip"]
    assert core.startswith("ansible-core>=2.16,"), core
    assert requires.startswith(">=2.16"), requires


def test_context_introspection_finds_requests(tools, context, installed_collection):
    """The context's own introspection (the build's ``builder`` stage) reads the installed collection."""
    written = context / "_build" / "collection-requirements.txt"
    tools.run([sys.executable, context / "_build" / "scripts" / "introspect.py",
               "introspect", "--write-pip", written, installed_collection], cwd=context)
    lines = [line.strip() for line in written.read_text().splitlines() if line.strip()]
    assert "requests  # from collection contraforce.platform" in lines, lines
