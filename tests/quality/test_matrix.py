# -*- coding: utf-8 -*-
# Copyright: ContraForce platform collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The version matrix: units and integration also pass on the oldest and the newest ansible-core.

The quality gates run on ansible-core 2.19 / Python 3.11 (``requirements-dev.txt``). For each other
row of ``MATRIX`` this module makes (once, cached under ``.cache/matrix/``) a virtual environment
with that ansible-core on that Python, plus the test libraries of ``requirements-dev.txt``, and runs
``pytest tests/unit tests/integration`` there as a subprocess. An interpreter that is missing (pyenv
has no such version) skips its row with the reason.

It also checks that ``meta/runtime.yml`` (``requires_ansible``), ``galaxy.yml`` and the README state
this matrix. Deselect with ``-m "not matrix"``.
"""

from __future__ import annotations

import fcntl
import glob
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

import pytest
import yaml

pytestmark = [pytest.mark.quality, pytest.mark.matrix]

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CACHE_DIR = os.path.join(REPO_ROOT, ".cache", "matrix")

# (ansible-core minor, Python minor, role); the gate row is the development environment itself.
GATE = ("2.19", "3.11")
OLDEST = ("2.16", "3.11")
NEWEST = ("2.21", "3.13")
MATRIX = [OLDEST, NEWEST]
SUPPORTED = [OLDEST, GATE, NEWEST]

# Tools of the quality gates that the unit and integration tests do not need (and whose own
# ansible-core requirement would fight the row's ansible-core).
NOT_FOR_TESTS = re.compile(r"^(ansible-core|ansible-lint|ansible-builder|antsibull|molecule|sphinx|ansible-pygments)", re.I)

INNER_TIMEOUT = 1800


def requirements_for_tests(path=os.path.join(REPO_ROOT, "requirements-dev.txt")):
    """The lines of ``requirements-dev.txt`` the tests need (the row adds its own ansible-core)."""
    wanted = []
    with open(path) as handle:
        for line in handle:
            requirement = line.split("#", 1)[0].strip()
            if requirement and not NOT_FOR_TESTS.match(requirement):
                wanted.append(requirement)
    return wanted


def find_python(version):
    """Return a Python ``version`` interpreter: pyenv's, else ``pythonX.Y`` on PATH, else None."""
    candidates = []
    pyenv = shutil.which("pyenv")
    roots = [os.environ.get("PYENV_ROOT"), os.path.expanduser("~/.pyenv")]
    if pyenv:
        proc = subprocess.run([pyenv, "root"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, check=False)
        roots.insert(0, proc.stdout.strip())
    for root in roots:
        if root:
            candidates += sorted(glob.glob(os.path.join(root, "versions", version + ".*", "bin", "python3")), reverse=True)
    if "%d.%d" % sys.version_info[:2] == version:
        candidates.append(sys.executable)
    candidates.append(shutil.which("python" + version))
    for candidate in candidates:
        if candidate and os.access(candidate, os.X_OK):
            proc = subprocess.run([candidate, "-c", "import sys, venv; print('%d.%d' % sys.version_info[:2])"],
                                  stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, check=False)
            if proc.returncode == 0 and proc.stdout.strip() == version:
                return candidate
    return None


def _read_file(path):
    try:
        with open(path) as handle:
            return handle.read()
    except OSError:
        return None


def _run(args, timeout, **kwargs):
    return subprocess.run([str(arg) for arg in args], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                          timeout=timeout, stdin=subprocess.DEVNULL, check=False, **kwargs)


def matrix_venv(core, python_version):
    """Create (or reuse) ``.cache/matrix/core<core>-py<python>``; return its interpreter."""
    python = find_python(python_version)
    if not python:
        pytest.skip("Python %s not found (pyenv root/versions/%s.*, python%s on PATH): the ansible-core %s row is not run"
                    % (python_version, python_version, python_version, core))
    requirements = ["ansible-core>=%s,<%s.%d" % (core, core.split(".")[0], int(core.split(".")[1]) + 1)] + requirements_for_tests()
    key = hashlib.sha256(("\n".join([python] + requirements)).encode("utf-8")).hexdigest()
    venv = os.path.join(CACHE_DIR, "core%s-py%s" % (core, python_version))
    venv_python = os.path.join(venv, "bin", "python")
    stamp = os.path.join(venv, ".installed")
    os.makedirs(CACHE_DIR, exist_ok=True)
    with open(os.path.join(CACHE_DIR, ".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # two pytest runs must not build the same venv at once
        if _read_file(stamp) == key and os.access(venv_python, os.X_OK):
            return venv_python
        started = time.monotonic()
        shutil.rmtree(venv, ignore_errors=True)
        steps = [
            [python, "-m", "venv", venv],
            [venv_python, "-m", "pip", "install", "--disable-pip-version-check", "--quiet"] + requirements,
        ]
        for step in steps:
            proc = _run(step, timeout=900)
            if proc.returncode != 0:
                pytest.fail("creating the ansible-core %s / Python %s venv failed: %s\n%s"
                            % (core, python_version, " ".join(map(str, step)), proc.stdout[-6000:]), pytrace=False)
        with open(stamp, "w") as out:
            out.write(key)
        print("created %s in %.0f s" % (venv, time.monotonic() - started))
    return venv_python


class RowRun(object):
    """One row's inner pytest run: started at once, awaited by the row's test."""

    def __init__(self, core, python_version):
        self.core = core
        self.python_version = python_version
        self.skip_reason = None
        self.proc = None
        self.log = None
        self.started = None
        self.seconds = None

    def start(self):
        venv_python = matrix_venv(self.core, self.python_version)
        bin_dir = os.path.dirname(venv_python)
        version = _run([os.path.join(bin_dir, "ansible"), "--version"], timeout=120)
        assert version.returncode == 0, version.stdout
        assert re.search(r"\[core %s\.\d+\]" % re.escape(self.core), version.stdout), version.stdout
        assert "python version = %s." % self.python_version in version.stdout, version.stdout
        env = dict(os.environ)
        for name in ("VIRTUAL_ENV", "PYTHONPATH", "ANSIBLE_COLLECTIONS_PATH", "ANSIBLE_PYTHON_INTERPRETER", "PYTEST_ADDOPTS"):
            env.pop(name, None)
        env["PATH"] = os.pathsep.join([bin_dir, env.get("PATH", os.defpath)])
        self.log = tempfile.TemporaryFile(mode="w+")
        self.started = time.monotonic()
        self.proc = subprocess.Popen(
            [venv_python, "-m", "pytest", "tests/unit", "tests/integration", "-q", "-p", "no:cacheprovider",
             "-m", "not matrix", "-o", "addopts=-ra"],
            cwd=REPO_ROOT, env=env, stdin=subprocess.DEVNULL, stdout=self.log, stderr=subprocess.STDOUT, text=True)

    def wait(self):
        """Return ``(exit code, output)`` of the inner run."""
        try:
            code = self.proc.wait(timeout=max(1, INNER_TIMEOUT - (time.monotonic() - self.started)))
        except subprocess.TimeoutExpired:
            self.proc.kill()
            code = self.proc.wait()
            self.log.seek(0)
            pytest.fail("pytest on ansible-core %s / Python %s did not finish in %s s:\n%s"
                        % (self.core, self.python_version, INNER_TIMEOUT, self.log.read()[-20000:]), pytrace=False)
        self.seconds = time.monotonic() - self.started
        self.log.seek(0)
        output = self.log.read()
        self.log.close()
        return code, output


@pytest.fixture(scope="module")
def row_runs():
    """Create the rows' venvs, then run every row's units and integration at the same time."""
    runs = {}
    for core, python_version in MATRIX:
        run = runs[(core, python_version)] = RowRun(core, python_version)
        try:
            run.start()
        except pytest.skip.Exception as exc:
            run.skip_reason = str(exc)
    yield runs
    for run in runs.values():
        if run.proc and run.proc.poll() is None:
            run.proc.kill()
            run.proc.wait()


@pytest.mark.parametrize("core,python_version", MATRIX, ids=["core%s-py%s" % row for row in MATRIX])
def test_units_and_integration(row_runs, core, python_version):
    run = row_runs[(core, python_version)]
    if run.skip_reason:
        pytest.skip(run.skip_reason)
    code, output = run.wait()
    summary = [line for line in output.splitlines() if re.search(r"\d+ (passed|failed|error)", line)]
    print("ansible-core %s / Python %s: %s (%.0f s)" % (core, python_version, summary[-1] if summary else "no summary", run.seconds))
    assert code == 0, "pytest on ansible-core %s / Python %s exited %d:\n%s" % (core, python_version, code, output[-20000:])
    assert summary and " passed" in summary[-1], output[-4000:]


# --------------------------------------------------------------------------- the matrix as stated


def _read(*parts):
    with open(os.path.join(REPO_ROOT, *parts)) as handle:
        return handle.read()


def test_requires_ansible_is_the_oldest_row():
    requires = yaml.safe_load(_read("meta", "runtime.yml"))["requires_ansible"]
    assert requires == ">=%s.0" % OLDEST[0], "meta/runtime.yml requires_ansible must be >=%s.0, is %r" % (OLDEST[0], requires)


def test_development_environment_is_the_gate_row():
    assert re.search(r"^ansible-core>=%s,<" % re.escape(GATE[0]), _read("requirements-dev.txt"), re.M)


def _stated_rows(text):
    return sorted(set(re.findall(r"ansible-core (2\.\d+)\s*(?:/|on)\s*Python (3\.\d+)", text)))


def test_galaxy_yml_states_the_matrix():
    """galaxy.yml has no field for it: a comment states the rows (tests/quality/test_matrix.py)."""
    assert _stated_rows(_read("galaxy.yml")) == sorted(SUPPORTED)


def test_readme_states_the_matrix():
    readme = _read("README.md")
    section = re.search(r"^## Support matrix\n(.*?)(?=^## |\Z)", readme, re.S | re.M)
    assert section, "README.md has no '## Support matrix' section"
    assert _stated_rows(section.group(1)) == sorted(SUPPORTED), section.group(1)
    assert 'requires_ansible: ">=%s.0"' % OLDEST[0] in section.group(1)
