#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: ContraForce platform collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: webhook_info
short_description: List ContraForce webhooks
version_added: 1.0.0
description:
  - Lists the webhooks the service account can see, optionally only those of one workspace, of one name, of one id or
    of one status.
  - Follows every page of the list, whichever of the documented list shapes the API answers with.
  - Never changes anything and never returns a secret (the one-time C(secret), tokens and passwords are write-only or
    shown once by ContraForce and are never part of the result).
  - Listing and reading webhooks are calls that ContraForce's public reference does not show; the collection assumes
    C(GET /api/v2/webhooks?workspaceId=...) and C(GET /api/v2/webhooks/{id}). Without O(workspace_id) and O(id), the
    module assumes that C(GET /api/v2/webhooks) without a workspace filter lists every webhook the credentials can see.
author:
  - ContraForce platform collection maintainers (@contraforce)
extends_documentation_fragment:
  - contraforce.platform.connection
  - contraforce.platform.connection.actiongroup
  - contraforce.platform.connection.attributes
attributes:
  check_mode:
    support: full
    details: The module only reads; it behaves the same in check mode.
  diff_mode:
    support: N/A
    details: The module changes nothing, so there is no difference to show.
options:
  workspace_id:
    description:
      - ID (UUID) of a workspace; only its webhooks are listed.
      - When not set, every webhook the service account can see is listed.
    type: str
  name:
    description:
      - Only the webhooks of this exact name.
    type: str
  id:
    description:
      - ID (UUID) of one webhook. The webhook is read directly instead of listing.
      - The result is empty when no webhook has this id, or when it does not match the other filters.
    type: str
  status:
    description:
      - Only the webhooks in this status.
    type: str
    choices: [Active, Paused, Disabled]
notes:
  - Every filter is optional and they combine (all must match).
seealso:
  - module: contraforce.platform.webhook
  - module: contraforce.platform.webhook_delivery_info
"""

EXAMPLES = r"""
- name: List the webhooks of a workspace (credentials from CONTRAFORCE_* environment variables)
  contraforce.platform.webhook_info:
    workspace_id: 2f1b8c9e-0d4a-4c55-9a8e-3d2c1b0a9f87
  register: hooks

- name: Show their names and statuses
  ansible.builtin.debug:
    msg: "{{ hooks.webhooks | map(attribute='name') | zip(hooks.webhooks | map(attribute='status')) | list }}"

- name: Find the disabled webhooks of every workspace the service account can see
  contraforce.platform.webhook_info:
    status: Disabled
  register: disabled

- name: Fail when the SOC ticketing webhook is not active
  contraforce.platform.webhook_info:
    api_url: https://portal.contraforce.com
    client_id: "{{ contraforce_client_id }}"
    client_secret: "{{ contraforce_client_secret }}"
    workspace_id: 2f1b8c9e-0d4a-4c55-9a8e-3d2c1b0a9f87
    name: soc-ticketing
    status: Active
  register: active
  failed_when: active.webhooks | length != 1

- name: Read one webhook by id
  contraforce.platform.webhook_info:
    id: 6c1f0a52-3a8e-4a53-a3f4-5b7b1fd0c2a1
  register: one

# Ad hoc:
#   ansible localhost -m contraforce.platform.webhook_info -a workspace_id=2f1b8c9e-0d4a-4c55-9a8e-3d2c1b0a9f87
"""

RETURN = r"""
webhooks:
  description:
    - The webhooks that match every filter, in the order the API lists them, with snake_case keys.
    - Never holds a secret.
  returned: success
  type: list
  elements: dict
  contains:
    id:
      description: ID of the webhook.
      type: str
      returned: always
    workspace_id:
      description: ID of the owning workspace.
      type: str
      returned: always
    name:
      description: Name.
      type: str
      returned: always
    url:
      description: Receiver URL.
      type: str
      returned: always
    status:
      description: C(Active), C(Paused) or C(Disabled).
      type: str
      returned: always
    event_types:
      description: Subscribed event types.
      type: list
      elements: str
      returned: always
    monitored_account_ids:
      description: Accounts whose events feed the webhook.
      type: list
      elements: str
      returned: always
    authentication_type:
      description: C(None), C(BasicAuth) or C(BearerToken).
      type: str
      returned: always
    has_signing_token:
      description: Whether a signing token of yours replaces the generated secret.
      type: bool
      returned: always
    disable_reason:
      description: Why ContraForce disabled the webhook.
      type: str
      returned: when the API returns it
    disabled_at:
      description: When ContraForce disabled the webhook.
      type: str
      returned: when the API returns it
    created_at:
      description: When the webhook was created.
      type: str
      returned: when the API returns it
    last_modified_at:
      description: When the webhook last changed.
      type: str
      returned: when the API returns it
  sample:
    - id: 6c1f0a52-3a8e-4a53-a3f4-5b7b1fd0c2a1
      workspace_id: 2f1b8c9e-0d4a-4c55-9a8e-3d2c1b0a9f87
      name: soc-ticketing
      url: https://hooks.example.com/contraforce
      status: Active
      event_types: [incident.created.v1]
      monitored_account_ids: []
      authentication_type: BearerToken
      has_signing_token: false
      created_at: "2024-05-01T12:00:00Z"
"""

from ansible_collections.contraforce.platform.plugins.module_utils._module import ContraForceModule
from ansible_collections.contraforce.platform.plugins.module_utils._webhook import (
    WebhookInputError,
    check_uuid,
    to_snake,
)

STATUSES = ["Active", "Paused", "Disabled"]


def _same_id(a, b):
    return str(a or "").lower() == str(b or "").lower()


def matches(webhook, workspace_id=None, name=None, webhook_id=None, status=None):
    """Whether an API webhook passes every filter that is set."""
    if workspace_id and webhook.get("workspaceId") and not _same_id(webhook.get("workspaceId"), workspace_id):
        return False
    if webhook_id and not _same_id(webhook.get("id"), webhook_id):
        return False
    if name is not None and webhook.get("name") != name:
        return False
    if status and str(webhook.get("status") or "").lower() != status.lower():
        return False
    return True


def run(module, client):
    p = module.params
    if p["id"]:
        found = client.get_webhook(p["id"])
        candidates = [found] if found else []
    elif p["workspace_id"]:
        candidates = client.list_webhooks(p["workspace_id"])
    else:
        candidates = client.list_all_webhooks()
    webhooks = [to_snake(w) for w in candidates
                if isinstance(w, dict) and matches(w, p["workspace_id"], p["name"], p["id"], p["status"])]
    return dict(changed=False, webhooks=webhooks)


def main():
    module = ContraForceModule(
        argument_spec=dict(
            workspace_id=dict(type="str"),
            name=dict(type="str"),
            id=dict(type="str"),
            status=dict(type="str", choices=STATUSES),
        ),
        supports_check_mode=True,
    )
    problems = []
    for field in ("workspace_id", "id"):
        if module.params[field] is not None:
            problems += check_uuid(field, module.params[field])
    if problems:
        module.fail_error(WebhookInputError(problems))
    module.run(run)


if __name__ == "__main__":
    main()
