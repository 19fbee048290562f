# -*- coding: utf-8 -*-
# Copyright: ContraForce platform collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.contraforce.platform.plugins.module_utils._options import (
    connection_doc_fragment,
)


class ModuleDocFragment(object):
    # Rendered from the one options table in module_utils/_options.py, which also
    # builds every module's argument_spec and environment fallbacks.
    DOCUMENTATION = connection_doc_fragment()

    # check_mode / diff_mode: each module states its support and details.
    ATTRIBUTES = r"""
attributes:
  check_mode:
    description: Can run in check mode and return changed status prediction without modifying ContraForce.
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check mode), when in diff mode.
"""

    # The attributes every module of the collection documents.
    ACTIONGROUP = r"""
attributes:
  action_group:
    description: Use C(group/contraforce.platform.all) in C(module_defaults) to set the connection options once per play.
    support: full
    membership:
      - contraforce.platform.all
"""
