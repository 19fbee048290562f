# -*- coding: utf-8 -*-
# Copyright: ContraForce platform collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Sphinx configuration of the contraforce.platform docs site, built offline by ``docs/site/build.py``.

Started from ``antsibull-docs sphinx-init``. The generated pages link to two labels of the Ansible
documentation (``common_return_values`` and ``ansible_configuration_settings``). Instead of
downloading Ansible's intersphinx inventory, this file writes a stub inventory that defines them
and points them at docs.ansible.com, so the build needs no network and ``sphinx-build -W`` passes.
"""

from __future__ import annotations

import os
import tempfile
import zlib

project = "contraforce.platform"
copyright = "ContraForce platform collection maintainers"  # pylint: disable=redefined-builtin

title = "ContraForce platform collection"
html_short_title = "contraforce.platform"
html_title = "contraforce.platform documentation"

extensions = ["sphinx.ext.intersphinx", "sphinx_antsibull_ext"]

pygments_style = "ansible"
highlight_language = "YAML+Jinja"

html_theme = "sphinx_ansible_theme"
html_show_sphinx = False
html_use_smartypants = True
html_use_modindex = False
html_use_index = False
html_copy_source = False
display_version = False

default_role = "any"

ANSIBLE_DOCS = "https://docs.ansible.com/projects/ansible/devel/"

# (label, page and anchor under ANSIBLE_DOCS, title): the labels the generated pages use.
ANSIBLE_LABELS = (
    ("common_return_values", "reference_appendices/common_return_values.html#common-return-values", "Return Values"),
    ("ansible_configuration_settings", "reference_appendices/config.html#ansible-configuration-settings",
     "Ansible Configuration Settings"),
)


def write_stub_inventory(path):
    """Write a Sphinx (version 2) intersphinx inventory holding ``ANSIBLE_LABELS``."""
    header = "# Sphinx inventory version 2\n# Project: Ansible\n# Version: devel\n# The remainder of this file is compressed using zlib.\n"
    body = "".join("%s std:label -1 %s %s\n" % label for label in ANSIBLE_LABELS)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as handle:
        handle.write(header.encode("utf-8") + zlib.compress(body.encode("utf-8")))
    return path


_INVENTORY = write_stub_inventory(os.path.join(
    os.environ.get("CF_DOCS_INVENTORY_DIR") or os.path.join(tempfile.gettempdir(), "cf-platform-docs"), "ansible_devel.inv"))

intersphinx_mapping = {
    "ansible_devel": (ANSIBLE_DOCS, _INVENTORY),
}
intersphinx_timeout = 5
