# -*- coding: utf-8 -*-
# Copyright: ContraForce platform collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""cfsim: a local simulator of the ContraForce API v2 (webhooks), for tests only.

Start it with ``PYTHONPATH=tests/simulator python -m cfsim --port 0``; drive it from tests with
``cfsim.harness.Simulator``. See docs/simulator.md.
"""

from __future__ import absolute_import, division, print_function

__version__ = "1.0.0"
