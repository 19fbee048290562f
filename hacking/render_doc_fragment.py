#!/usr/bin/env python
# -*- coding: utf-8 -*-
# Copyright: ContraForce platform collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Rewrite the DOCUMENTATION literal of plugins/doc_fragments/connection.py from the one
connection options table (plugins/module_utils/_options.py).

ansible-test's yamllint sanity test reads doc fragments statically, so the fragment must hold a
literal string; tests/unit/test_doc_fragment.py fails whenever the literal and the table differ.
Run: python hacking/render_doc_fragment.py
"""

from __future__ import absolute_import, division, print_function

import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FRAGMENT = os.path.join(ROOT, "plugins", "doc_fragments", "connection.py")


def main():
    sys.path.insert(0, os.path.join(ROOT, "hacking"))
    import layout  # pylint: disable=import-outside-toplevel
    sys.path.insert(0, layout.collection_root(ROOT))
    from ansible_collections.contraforce.platform.plugins.module_utils._options import connection_doc_fragment  # pylint: disable=import-outside-toplevel

    with open(FRAGMENT) as handle:
        text = handle.read()
    new = re.sub(r'(    DOCUMENTATION = r""")\n.*?(""")', lambda m: m.group(1) + "\n" + connection_doc_fragment() + m.group(2), text, count=1, flags=re.S)
    if new != text:
        with open(FRAGMENT, "w") as handle:
            handle.write(new)
        print("rewrote %s" % FRAGMENT)
    else:
        print("%s is up to date" % FRAGMENT)


if __name__ == "__main__":
    main()
