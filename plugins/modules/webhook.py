#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: ContraForce platform collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: webhook
short_description: Make sure a ContraForce webhook exists (or does not)
version_added: 1.0.0
description:
  - Creates a webhook in a ContraForce workspace when no webhook of that O(name) exists there, and otherwise changes nothing.
  - The identity of a webhook is its workspace and its name. When several webhooks of a workspace share the name, the
    module fails, lists their ids and changes nothing.
  - ContraForce documents no call to update a webhook's O(url), O(event_types) or O(monitored_account_ids). When an
    existing webhook differs from the task in those, the module reports the difference as drift (in the diff, in
    RV(drift) and in a warning) and leaves the webhook as it is.
  - The authentication of an existing webhook is applied through the documented credentials call when
    O(authentication_type) differs from the webhook's, when O(signing_token) is set and the webhook has none, or
    always with O(update_credentials=always).
  - Listing, reading and deleting webhooks are calls that ContraForce's public reference does not show; the collection
    assumes C(GET /api/v2/webhooks?workspaceId=...), C(GET /api/v2/webhooks/{id}) and C(DELETE /api/v2/webhooks/{id}).
author:
  - ContraForce platform collection maintainers (@contraforce)
extends_documentation_fragment:
  - contraforce.platform.connection
  - contraforce.platform.connection.actiongroup
  - contraforce.platform.connection.attributes
attributes:
  check_mode:
    support: full
    details: Lists the workspace's webhooks, sends no write and predicts C(changed) and RV(webhook) truthfully.
  diff_mode:
    support: full
    details: Shows the webhook before and after; write-only credentials are shown as C(********).
options:
  workspace_id:
    description:
      - ID (UUID) of the workspace that owns the webhook.
    type: str
    required: true
  name:
    description:
      - Name of the webhook; unique within the workspace for this module.
    type: str
    required: true
  url:
    description:
      - Absolute C(http://) or C(https://) URL that receives the events.
      - Required when O(state=present).
    type: str
  event_types:
    description:
      - Event types to send, each shaped C(resource.verb.vN), for example V(incident.created.v1) or
        V(agent.investigation.completed.v1). Names outside ContraForce's examples are accepted.
      - Required when O(state=present). Order and duplicates do not matter.
    type: list
    elements: str
  monitored_account_ids:
    description:
      - IDs (UUIDs) of the accounts whose events feed the webhook.
      - When not set, an existing webhook's accounts are not compared.
    type: list
    elements: str
  authentication_type:
    description:
      - How ContraForce authenticates to the receiver.
      - V(none), V(basic) (O(username) and O(password)) and V(bearer) (O(token)) map to the API's C(None),
        C(BasicAuth) and C(BearerToken).
      - When not set, a new webhook gets V(none) and an existing webhook's authentication is left as it is.
    type: str
    choices: [none, basic, bearer]
  token:
    description:
      - Bearer token ContraForce sends to the receiver, with O(authentication_type=bearer). Write-only.
    type: str
  username:
    description:
      - User name ContraForce sends to the receiver, with O(authentication_type=basic). Write-only.
    type: str
  password:
    description:
      - Password ContraForce sends to the receiver, with O(authentication_type=basic). Write-only.
    type: str
  signing_token:
    description:
      - Your own signing key for the C(X-CF-Signature) header, instead of the one-time RV(secret) ContraForce generates.
        Write-only.
    type: str
  update_credentials:
    description:
      - V(on_create) sends O(token), O(username), O(password) and O(signing_token) only when the webhook is created
        (and when a change of O(authentication_type) or a missing signing token is detected).
      - V(always) sends them on every run through the credentials call and reports a change, because write-only values
        cannot be compared. O(authentication_type) is then required.
    type: str
    choices: [on_create, always]
    default: on_create
  state:
    description:
      - V(present) creates the webhook when it is missing; V(absent) deletes it when it exists.
    type: str
    choices: [present, absent]
    default: present
notes:
  - The one-time RV(secret) is returned only when the task runs with C(no_log) set to V(true); otherwise the module warns
    and returns RV(secret_withheld). Register the result and store the secret in a vault, or set O(signing_token) so that
    you own the signing key from the start.
  - To apply standard webhook sets across many workspaces, use the role
    R(contraforce.platform.webhooks,ansible_collections.contraforce.platform.webhooks_role).
seealso:
  - module: contraforce.platform.webhook_info
  - module: contraforce.platform.webhook_bulk
"""

EXAMPLES = r"""
- name: Make sure the SOC ticketing webhook exists (credentials from CONTRAFORCE_* environment variables)
  contraforce.platform.webhook:
    workspace_id: 2f1b8c9e-0d4a-4c55-9a8e-3d2c1b0a9f87
    name: soc-ticketing
    url: https://hooks.example.com/contraforce
    event_types:
      - incident.created.v1

- name: Create a webhook with bearer authentication and keep its one-time secret
  contraforce.platform.webhook:
    api_url: https://portal.contraforce.com
    client_id: "{{ contraforce_client_id }}"
    client_secret: "{{ contraforce_client_secret }}"
    workspace_id: 2f1b8c9e-0d4a-4c55-9a8e-3d2c1b0a9f87
    name: siem-forwarder
    url: https://siem.example.com/ingest
    event_types:
      - incident.created.v1
      - agent.investigation.completed.v1
    authentication_type: bearer
    token: "{{ vault_siem_token }}"
  register: siem_hook
  no_log: true

- name: Remove a webhook
  contraforce.platform.webhook:
    workspace_id: 2f1b8c9e-0d4a-4c55-9a8e-3d2c1b0a9f87
    name: legacy-ticketing
    state: absent
"""

RETURN = r"""
webhook:
  description:
    - The webhook as the API returns it, with snake_case keys; in check mode, the predicted webhook (its RV(webhook.id)
      is null when it would be created). Empty when the webhook is absent.
  returned: always
  type: dict
  contains:
    id:
      description: ID of the webhook.
      type: str
      returned: when it exists
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
    status:
      description: C(Active), C(Paused) or C(Disabled).
      type: str
      returned: always
  sample:
    id: 6c1f0a52-3a8e-4a53-a3f4-5b7b1fd0c2a1
    workspace_id: 2f1b8c9e-0d4a-4c55-9a8e-3d2c1b0a9f87
    name: soc-ticketing
    url: https://hooks.example.com/contraforce
    event_types: [incident.created.v1]
    monitored_account_ids: []
    authentication_type: None
    has_signing_token: false
    status: Active
secret:
  description:
    - The signing key ContraForce generated for the new webhook. ContraForce shows it once and never again.
    - Sensitive. Returned only when the webhook was just created and the task runs with C(no_log=true).
  returned: when created, with no_log
  type: str
secret_withheld:
  description: True when a secret was generated but not returned because the task does not run with C(no_log=true).
  returned: when created without no_log
  type: bool
action:
  description: What the task did (or, in check mode, would do).
  returned: always
  type: str
  choices: [created, deleted, credentials_updated, unchanged, absent]
drift:
  description: Fields where the existing webhook differs from the task and was left as it is, each with C(have) and C(want).
  returned: always
  type: dict
  sample: {url: {have: https://old.example.com/hook, want: https://hooks.example.com/contraforce}}
"""

from ansible_collections.contraforce.platform.plugins.module_utils._module import ContraForceModule
from ansible_collections.contraforce.platform.plugins.module_utils._webhook import (
    WebhookInputError,
    reconcile,
    validate_definition,
    webhook_argument_spec,
)


def run(module, client):
    p = module.params
    result = reconcile(client, p["workspace_id"], [p], module.check_mode)[0]
    for warning in result["warnings"]:
        module.warn(warning)
    if result.get("failed"):
        extra = dict((k, v) for k, v in result.items() if k not in ("msg", "failed", "warnings", "diff"))
        module.fail_json(msg=result["msg"], **extra)
    out = dict(changed=result["changed"], webhook=result["webhook"], action=result["action"], drift=result["drift"])
    if module._diff:
        out["diff"] = result["diff"]
    if "secret" in result:
        if module.no_log:
            out["secret"] = result["secret"]
        else:
            out["secret_withheld"] = True
            module.warn("ContraForce generated a one-time secret for webhook %r; it is not returned because the task does not "
                        "run with no_log: true. Set no_log: true and register the result to keep it, or set signing_token "
                        "through update_credentials: always to replace it." % p["name"])
    return out


def main():
    spec = webhook_argument_spec()
    spec["workspace_id"] = dict(type="str", required=True)
    module = ContraForceModule(
        argument_spec=spec,
        supports_check_mode=True,
        required_if=[("state", "present", ("url", "event_types"))],
    )
    problems = validate_definition(module.params, workspace_id=module.params["workspace_id"])
    if problems:
        module.fail_error(WebhookInputError(problems))
    module.run(run)


if __name__ == "__main__":
    main()
