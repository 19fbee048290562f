# -*- coding: utf-8 -*-
# Copyright: ContraForce platform collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests of webhook_delivery_info's input validation and name resolution."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.contraforce.platform.plugins.modules import webhook_delivery_info as m

WS = "2f1b8c9e-0d4a-4c55-9a8e-3d2c1b0a9f87"
NOW = "2024-05-01T12:00:00Z"


def params(**extra):
    base = {"id": None, "workspace_id": WS, "name": "soc", "since": None, "from": None, "to": None,
            "page_size": 100, "max_deliveries": 1000, "include_payloads": False}
    base.update(extra)
    return base


def test_validate_good_input_gives_the_window():
    assert m.validate(params(since="30m"), now=NOW) == ("2024-05-01T11:30:00Z", None, [])
    assert m.validate(params(**{"from": "2024-05-01", "to": "2024-05-01T06:00:00+02:00"})) == (
        "2024-05-01T00:00:00Z", "2024-05-01T04:00:00Z", [])


@pytest.mark.parametrize("extra, field", [
    ({"workspace_id": "ws"}, "workspace_id"),
    ({"id": "x", "workspace_id": None, "name": None}, "id"),
    ({"name": "  "}, "name"),
    ({"page_size": 0}, "page_size"),
    ({"max_deliveries": 0}, "max_deliveries"),
    ({"since": "soon"}, "since"),
    ({"from": "tomorrow"}, "from"),
])
def test_validate_names_the_field(extra, field):
    _f, _t, problems = m.validate(params(**extra), now=NOW)
    assert [p[0] for p in problems] == [field]


class Lister(object):
    def __init__(self, hooks):
        self.hooks = hooks

    def list_webhooks(self, workspace_id):
        return self.hooks


def test_resolve_by_name():
    assert m.resolve_webhook_id(Lister([{"id": "a", "name": "soc"}, {"id": "b", "name": "other"}]), WS, "soc") == "a"
    with pytest.raises(m.WebhookNotFound) as err:
        m.resolve_webhook_id(Lister([{"id": "b", "name": "other"}]), WS, "soc")
    assert "No webhook named 'soc'" in err.value.message and err.value.to_result() == {}
    with pytest.raises(m.WebhookNotFound) as err:
        m.resolve_webhook_id(Lister([{"id": "a", "name": "soc"}, {"id": "c", "name": "soc"}]), WS, "soc")
    assert "ids a, c" in err.value.message and err.value.to_result() == {"ids": ["a", "c"]}
