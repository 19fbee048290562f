# -*- coding: utf-8 -*-
# Copyright: ContraForce platform collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The connection doc fragment, the argument spec and the env fallbacks come from one table."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import yaml

from ansible_collections.contraforce.platform.plugins.doc_fragments.connection import ModuleDocFragment
from ansible_collections.contraforce.platform.plugins.module_utils._options import (
    CONNECTION_OPTIONS,
    connection_argument_spec,
    connection_doc_fragment,
)


def test_doc_fragment_is_rendered_from_the_table():
    assert ModuleDocFragment.DOCUMENTATION.lstrip("\n") == connection_doc_fragment(), (
        "plugins/doc_fragments/connection.py is stale: run python hacking/render_doc_fragment.py")


def test_doc_fragment_agrees_with_argument_spec():
    documented = yaml.safe_load(ModuleDocFragment.DOCUMENTATION)["options"]
    spec = connection_argument_spec()
    assert sorted(documented) == sorted(spec) == sorted(CONNECTION_OPTIONS)
    for name, opt in documented.items():
        assert opt["type"] == spec[name]["type"]
        assert opt.get("default") == spec[name].get("default")
        env = CONNECTION_OPTIONS[name]["env"]
        assert spec[name]["fallback"][1] == [env]
        assert any("E(%s)" % env in line for line in opt["description"])


def test_secrets_are_no_log():
    spec = connection_argument_spec()
    assert spec["client_secret"]["no_log"] and spec["api_token"]["no_log"]
    assert not spec["client_id"].get("no_log")
