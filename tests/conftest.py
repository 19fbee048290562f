# -*- coding: utf-8 -*-
# Copyright: ContraForce platform collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Process-wide set-up for every test of the collection (units, simulator, integration, quality).

At import:

* ``<tmp>/cf-platform-<hash>`` (``hacking/layout.py``: its ``ansible_collections/contraforce/platform``
  is a symlink to this work tree) goes on ``sys.path``, so
  ``import ansible_collections.contraforce.platform.plugins...`` works, and into
  ``ANSIBLE_COLLECTIONS_PATH``, so ``ansible`` / ``ansible-playbook`` subprocesses find the collection;
* ``tests/simulator`` goes on ``sys.path``, so ``from cfsim.harness import Simulator`` works;
* the folder of the running interpreter goes first on ``PATH``, so ``ansible-playbook`` & co are the
  ones of the same virtual environment; ``ANSIBLE_PYTHON_INTERPRETER`` defaults to that interpreter
  (it has ``requests``), so even an explicit ``localhost`` inventory runs modules with it;
* Ansible's temporary folders go into a private temporary folder, and colour is switched off.

Fixtures: ``simulator`` (one ContraForce simulator process for the whole session), ``sim`` (that
simulator, reset before the test), ``simulator_tls`` (one HTTPS simulator for the session; its CA
is ``.ca_path``). ``cfsim`` is imported only inside those fixtures, so the unit tests run even when
the simulator is broken.
"""

from __future__ import annotations

import atexit
import importlib.util
import os
import shutil
import sys
import tempfile

import pytest

TESTS_DIR = os.path.dirname(os.path.abspath(__file__))
REPO_ROOT = os.path.dirname(TESTS_DIR)
SIMULATOR_DIR = os.path.join(TESTS_DIR, "simulator")


def _load_layout():
    spec = importlib.util.spec_from_file_location("_cf_hacking_layout", os.path.join(REPO_ROOT, "hacking", "layout.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


LAYOUT = _load_layout()
COLLECTION_ROOT = LAYOUT.collection_root(REPO_ROOT)

for _path in (SIMULATOR_DIR, COLLECTION_ROOT):
    if _path not in sys.path:
        sys.path.insert(0, _path)

_ANSIBLE_TMP = tempfile.mkdtemp(prefix="cf-platform-tests-")
atexit.register(shutil.rmtree, _ANSIBLE_TMP, ignore_errors=True)

os.environ["ANSIBLE_COLLECTIONS_PATH"] = COLLECTION_ROOT
os.environ["ANSIBLE_REMOTE_TMP"] = os.path.join(_ANSIBLE_TMP, "remote")
os.environ["ANSIBLE_LOCAL_TEMP"] = os.path.join(_ANSIBLE_TMP, "local")
os.environ["ANSIBLE_NOCOLOR"] = "1"
os.environ["ANSIBLE_FORCE_COLOR"] = "0"
os.environ.setdefault("ANSIBLE_PYTHON_INTERPRETER", sys.executable)
_BIN_DIR = os.path.dirname(sys.executable)
if os.environ.get("PATH", "").split(os.pathsep)[0] != _BIN_DIR:
    os.environ["PATH"] = os.pathsep.join([_BIN_DIR, os.environ.get("PATH", os.defpath)])


@pytest.fixture(scope="session")
def collection_root():
    """The folder above ``ansible_collections`` (symlink layout of this work tree)."""
    return COLLECTION_ROOT


@pytest.fixture(scope="session")
def simulator():
    """One ContraForce simulator (plain HTTP) for the whole session."""
    from cfsim.harness import Simulator  # pylint: disable=import-outside-toplevel

    with Simulator.start(tls=False, latency_ms=0) as server:
        yield server


@pytest.fixture
def sim(simulator):  # pylint: disable=redefined-outer-name
    """The session's simulator, reset (state, journal, faults, config) before the test."""
    simulator.reset()
    yield simulator


@pytest.fixture(scope="session")
def simulator_tls():
    """One ContraForce simulator serving HTTPS for the whole session (``.ca_path`` is its CA)."""
    from cfsim.harness import Simulator  # pylint: disable=import-outside-toplevel

    with Simulator.start(tls=True, latency_ms=0) as server:
        yield server
