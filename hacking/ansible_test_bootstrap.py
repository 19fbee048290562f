# -*- coding: utf-8 -*-
# Copyright: ContraForce platform collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Let ansible-test bootstrap pip without downloading ``get-pip.py``.

Every virtual environment that ansible-test creates (all sanity tests, even with ``--local``)
runs ``get-pip-<ver>.py``, downloaded from a host this machine kind cannot reach. ansible-test
looks in its cache first: ``~/.ansible/test/cache/get_pip_<ver with _>.py``, where ``<ver>`` is the
``pip='...'`` string in ``ansible_test/_internal/python_requirements.py``. This script writes a
stand-in there that runs ``python -m ensurepip`` in a subprocess (run in-process, ensurepip sets
``PIP_CONFIG_FILE=/dev/null`` and pip would lose the machine's certificate setting), then
``python -m pip install <the arguments ansible-test passed>`` from the package index.

Run it with the interpreter that runs ansible-test: ``.venv/bin/python hacking/ansible_test_bootstrap.py``.
It prints the path of the stand-in; running it again changes nothing.
"""

from __future__ import annotations

import importlib.util
import os
import re
import sys

STAND_IN = '''\
# Stand-in for get-pip.py, written by hacking/ansible_test_bootstrap.py of contraforce.platform.
# ansible-test runs it as: quiet_pip.py [pip options] pip==<ver> [--no-setuptools] [--no-wheel]
import subprocess
import sys


def main():
    args = sys.argv[1:]
    no_setuptools = "--no-setuptools" in args
    no_wheel = "--no-wheel" in args
    args = [arg for arg in args if arg not in ("--no-setuptools", "--no-wheel")]
    steps = [[sys.executable, "-m", "ensurepip", "--default-pip"], [sys.executable, "-m", "pip", "install"] + args]
    if no_setuptools:
        steps.append([sys.executable, "-m", "pip", "uninstall", "--yes", "--quiet", "setuptools"])
    if no_wheel:
        steps.append([sys.executable, "-m", "pip", "uninstall", "--yes", "--quiet", "wheel"])
    for step in steps:
        result = subprocess.run(step, check=False)
        if result.returncode and "uninstall" not in step:
            sys.exit(result.returncode)


if __name__ == "__main__":
    main()
'''


def pip_version() -> str:
    """Return the pip version that the installed ansible-test bootstraps."""
    spec = importlib.util.find_spec("ansible_test")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("ansible_test is not importable by %s: install ansible-core" % sys.executable)
    path = os.path.join(list(spec.submodule_search_locations)[0], "_internal", "python_requirements.py")
    with open(path, encoding="utf-8") as handle:
        match = re.search(r"""\bpip=['"]([0-9][^'"]*)['"]""", handle.read())
    if not match:
        raise RuntimeError("no pip='...' version found in %s" % path)
    return match.group(1)


def cache_path(version: str) -> str:
    """Return where ansible-test looks for the cached get-pip script of ``version``."""
    return os.path.expanduser("~/.ansible/test/cache/get_pip_%s.py" % version.replace(".", "_"))


def ensure() -> str:
    """Write the stand-in into ansible-test's cache unless it is already there; return its path."""
    path = cache_path(pip_version())
    try:
        with open(path, encoding="utf-8") as handle:
            if handle.read() == STAND_IN:
                return path
    except OSError:
        pass
    os.makedirs(os.path.dirname(path), exist_ok=True)
    temp_path = "%s.%d.tmp" % (path, os.getpid())
    with open(temp_path, "w", encoding="utf-8") as handle:
        handle.write(STAND_IN)
    os.replace(temp_path, path)
    return path


if __name__ == "__main__":
    print(ensure())
