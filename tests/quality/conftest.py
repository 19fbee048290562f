# -*- coding: utf-8 -*-
# Copyright: ContraForce platform collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Helpers of the quality gates: find the tools of this virtual environment and run them."""

from __future__ import annotations

import importlib.util
import os
import re
import shlex
import shutil
import subprocess
import sys

import pytest

QUALITY_DIR = os.path.dirname(os.path.abspath(__file__))
REPO_ROOT = os.path.dirname(os.path.dirname(QUALITY_DIR))

# Lines worth repeating at the top of a failure message (the full output follows them):
# ERROR/FATAL lines, ansible-lint's `rule[tag]: ...`, `path:line[:col]: ...` findings, exceptions.
_PROBLEM_LINE = re.compile(
    r"^(ERROR|FATAL|CRITICAL)\b|^\[ERROR\]|^[a-z0-9-]+\[[a-z0-9-]+\]: |^[^\s:]+:\d+(:\d+)?: |^\w+(Error|Exception): "
)
# pip chatter caused by this machine's pip configuration (index folders that do not exist).
_NOISE_LINE = re.compile(r"^WARNING: Location '[^']*' is ignored: it is neither a file nor a directory\.$")


def load_hacking(name: str):
    """Import ``hacking/<name>.py`` (hacking/ is not a package)."""
    spec = importlib.util.spec_from_file_location("_cf_hacking_" + name, os.path.join(REPO_ROOT, "hacking", name + ".py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class Tools:
    """Locates the command line tools next to the running interpreter and runs them."""

    bin_dir = os.path.dirname(sys.executable)

    def path(self, name: str) -> str:
        """Return the path of tool ``name``: next to ``sys.executable``, else from ``PATH``."""
        candidate = os.path.join(self.bin_dir, name)
        if os.access(candidate, os.X_OK):
            return candidate
        found = shutil.which(name)
        if not found:
            pytest.fail("%s is neither next to %s nor on PATH: run `make venv`" % (name, sys.executable), pytrace=False)
        return found

    def env(self, **overrides: str | None) -> dict[str, str]:
        """Return ``os.environ`` with ``overrides`` applied (``None`` removes a variable)."""
        env = dict(os.environ)
        for key, value in overrides.items():
            if value is None:
                env.pop(key, None)
            else:
                env[key] = value
        return env

    def run(self, args: list[str], cwd: str, env: dict[str, str] | None = None, timeout: float = 600,
            merge_stderr: bool = True) -> subprocess.CompletedProcess:
        """Run ``args``; fail the test with the tool's output unless it exits 0."""
        try:
            result = subprocess.run(
                [str(arg) for arg in args],
                cwd=str(cwd),
                env=env if env is not None else dict(os.environ),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT if merge_stderr else subprocess.PIPE,
                text=True,
                timeout=timeout,
                check=False,
            )
        except subprocess.TimeoutExpired as exc:
            output = exc.stdout.decode("utf-8", "replace") if isinstance(exc.stdout, bytes) else exc.stdout or ""
            pytest.fail("`%s` (in %s) did not finish in %ss:\n%s" % (shlex.join(map(str, args)), cwd, timeout, output), pytrace=False)
        if result.returncode != 0:
            pytest.fail(self.failure_message(args, cwd, result), pytrace=False)
        return result

    @staticmethod
    def failure_message(args, cwd, result) -> str:
        """Describe a failed run: the command, its exit code, its problem lines, then all of its output."""
        output = "\n".join(line for line in (result.stdout or "").splitlines() if not _NOISE_LINE.match(line))
        if result.stderr:
            output += "\n--- stderr ---\n" + result.stderr
        problems = [line for line in output.splitlines() if _PROBLEM_LINE.search(line)]
        message = "`%s` (in %s) exited %d" % (shlex.join(map(str, args)), cwd, result.returncode)
        if problems:
            message += "\n--- problems ---\n" + "\n".join(problems[:200])
        return message + "\n--- output ---\n" + output


@pytest.fixture(scope="session")
def tools() -> Tools:
    """The :class:`Tools` of this virtual environment."""
    return Tools()


@pytest.fixture(scope="session")
def repo_root() -> str:
    """The work tree (= the collection root)."""
    return REPO_ROOT


@pytest.fixture(scope="session")
def hacking():
    """``hacking.<name>`` loader: ``hacking("layout").copy(...)``."""
    return load_hacking


@pytest.fixture
def project_copy(tmp_path):
    """A physical ``ansible_collections/contraforce/platform`` git work tree of the project's files.

    Returns ``(collections_root, collection_dir)``.
    """
    collection_dir = load_hacking("layout").copy(str(tmp_path))
    return str(tmp_path), collection_dir
