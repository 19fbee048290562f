# -*- coding: utf-8 -*-
# Copyright: ContraForce platform collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""``python -m cfsim``: run the simulator (see ``python -m cfsim --help``)."""

from __future__ import absolute_import, division, print_function

import sys

from cfsim.cli import main

if __name__ == "__main__":
    sys.exit(main())
