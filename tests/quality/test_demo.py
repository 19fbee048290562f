# -*- coding: utf-8 -*-
# Copyright: ContraForce platform collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Gate: ``make demo`` (``hacking/demo.py``) works: check writes nothing, apply creates, re-run changes nothing."""

from __future__ import annotations

import os
import re
import sys

import pytest

pytestmark = pytest.mark.quality


def test_make_demo(tools, repo_root):
    """The demo passes its own checks and says so in its three summary lines."""
    env = tools.env(**{key: None for key in os.environ if key.startswith("CONTRAFORCE_")})
    output = tools.run([sys.executable, os.path.join("hacking", "demo.py")], cwd=repo_root, env=env, timeout=600).stdout
    assert re.search(r"^check: 0 writes, changed", output, re.M), output
    assert re.search(r"^apply: [1-9]\d* creates", output, re.M), output
    assert re.search(r"^re-run: 0 writes, nothing changed", output, re.M), output
