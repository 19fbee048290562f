# -*- coding: utf-8 -*-
# Copyright: ContraForce platform collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests of webhook_info's filtering and secret stripping, over a fake client."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.contraforce.platform.plugins.modules import webhook_info as m

WS = "2f1b8c9e-0d4a-4c55-9a8e-3d2c1b0a9f87"
HOOK_ID = "6c1f0a52-3a8e-4a53-a3f4-5b7b1fd0c2a1"


class FakeModule(object):
    def __init__(self, **params):
        self.params = dict(workspace_id=None, name=None, id=None, status=None)
        self.params.update(params)


class FakeClient(object):
    def __init__(self, webhooks):
        self.webhooks = webhooks
        self.calls = []

    def list_webhooks(self, workspace_id):
        self.calls.append(("list", workspace_id))
        return [w for w in self.webhooks if w["workspaceId"] == workspace_id]

    def list_all_webhooks(self):
        self.calls.append(("list_all",))
        return list(self.webhooks)

    def get_webhook(self, webhook_id):
        self.calls.append(("get", webhook_id))
        found = [w for w in self.webhooks if w["id"] == webhook_id]
        return found[0] if found else None


def api_hook(**extra):
    hook = {"id": HOOK_ID, "workspaceId": WS, "name": "soc", "status": "Active", "authenticationType": "BearerToken",
            "hasSigningToken": True}
    hook.update(extra)
    return hook


def test_matches_each_filter():
    hook = api_hook()
    assert m.matches(hook)
    assert m.matches(hook, workspace_id=WS.upper(), name="soc", webhook_id=HOOK_ID.upper(), status="active")
    assert not m.matches(hook, workspace_id="7d3e2a10-5b6c-4d8e-9f01-a2b3c4d5e6f7")
    assert not m.matches(hook, name="SOC")
    assert not m.matches(hook, webhook_id="00000000-1111-4222-8333-444444444444")
    assert not m.matches(hook, status="Paused")


def test_secrets_are_stripped_even_if_the_api_returns_them():
    leaky = api_hook(secret="whsec_x", token="t", password="p", signingToken="s", clientSecret="c")
    result = m.run(FakeModule(workspace_id=WS), FakeClient([leaky]))
    assert result["changed"] is False
    [hook] = result["webhooks"]
    assert hook["authentication_type"] == "BearerToken" and hook["has_signing_token"] is True
    assert not set(hook) & {"secret", "token", "password", "signing_token", "client_secret"}


def test_which_call_is_used():
    client = FakeClient([api_hook()])
    assert len(m.run(FakeModule(id=HOOK_ID, workspace_id=WS), client)["webhooks"]) == 1
    assert m.run(FakeModule(id="00000000-1111-4222-8333-444444444444"), client)["webhooks"] == []
    m.run(FakeModule(workspace_id=WS), client)
    m.run(FakeModule(name="soc"), client)
    assert client.calls == [("get", HOOK_ID), ("get", "00000000-1111-4222-8333-444444444444"), ("list", WS), ("list_all",)]
