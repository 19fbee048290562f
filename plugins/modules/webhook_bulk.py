#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: ContraForce platform collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: webhook_bulk
short_description: Make sure many ContraForce webhooks exist across many workspaces, in one task
version_added: 1.0.0
description:
  - Reconciles many workspaces, each with many webhook definitions, in one module execution, with the same rules as
    M(contraforce.platform.webhook) for each definition (create-if-missing by workspace and name, drift reporting,
    credentials updates, O(workspaces[].webhooks[].state=absent)).
  - Costs the minimum of API work, one listing per workspace (all its pages) plus one write per webhook to create,
    delete or update credentials, and nothing else. A workspace without webhook definitions is not listed.
  - Workspaces are reconciled in parallel, at most O(concurrency) at a time, over one pool of HTTP connections.
  - Validates the whole input before sending any request; every problem is reported at once, named by its path, for
    example C(workspaces[3].webhooks[1].url).
  - A workspace that fails (for example C(403 INSUFFICIENT_WORKSPACE_ROLE) or C(404) on its listing) gets all its
    results marked failed with the reason; the other workspaces are still reconciled. The task then fails at the end
    and still returns RV(webhooks), RV(summary) and RV(secrets).
  - Listing, reading and deleting webhooks are calls that ContraForce's public reference does not show; the collection
    assumes C(GET /api/v2/webhooks?workspaceId=...) and C(DELETE /api/v2/webhooks/{id}).
author:
  - ContraForce platform collection maintainers (@contraforce)
extends_documentation_fragment:
  - contraforce.platform.connection
  - contraforce.platform.connection.actiongroup
  - contraforce.platform.connection.attributes
attributes:
  check_mode:
    support: full
    details: Lists each workspace's webhooks, sends no write and predicts C(changed), RV(webhooks) and RV(summary).
  diff_mode:
    support: full
    details: Returns one before/after entry per changed or drifted webhook; write-only credentials are shown as C(********).
options:
  workspaces:
    description:
      - The workspaces to reconcile, each with its webhook definitions.
      - Each workspace may appear once; webhook names must be unique within a workspace.
    type: list
    elements: dict
    required: true
    suboptions:
      id:
        description:
          - ID (UUID) of the workspace.
        type: str
        required: true
      name:
        description:
          - Name of the workspace, used only in messages, RV(webhooks) and RV(summary).
        type: str
      webhooks:
        description:
          - Webhook definitions of the workspace, with the options of M(contraforce.platform.webhook).
        type: list
        elements: dict
        default: []
        suboptions:
          name:
            description:
              - Name of the webhook; unique within the workspace.
            type: str
            required: true
          url:
            description:
              - Absolute C(http://) or C(https://) URL that receives the events.
              - Required when O(workspaces[].webhooks[].state=present).
            type: str
          event_types:
            description:
              - Event types to send, each shaped C(resource.verb.vN), for example V(incident.created.v1).
              - Required when O(workspaces[].webhooks[].state=present). Order and duplicates do not matter.
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
              - How ContraForce authenticates to the receiver; V(none), V(basic) or V(bearer).
              - When not set, a new webhook gets V(none) and an existing webhook's authentication is left as it is.
            type: str
            choices: [none, basic, bearer]
          token:
            description:
              - Bearer token ContraForce sends to the receiver, with O(workspaces[].webhooks[].authentication_type=bearer).
                Write-only.
            type: str
          username:
            description:
              - User name ContraForce sends to the receiver, with O(workspaces[].webhooks[].authentication_type=basic).
            type: str
          password:
            description:
              - Password ContraForce sends to the receiver, with O(workspaces[].webhooks[].authentication_type=basic).
                Write-only.
            type: str
          signing_token:
            description:
              - Your own signing key for the C(X-CF-Signature) header, instead of the one-time secret ContraForce
                generates. Write-only.
            type: str
          update_credentials:
            description:
              - V(on_create) sends the credentials only when the webhook is created (and when a change of
                O(workspaces[].webhooks[].authentication_type) or a missing signing token is detected).
              - V(always) sends them on every run through the credentials call and reports a change.
                O(workspaces[].webhooks[].authentication_type) is then required.
            type: str
            choices: [on_create, always]
            default: on_create
          state:
            description:
              - V(present) creates the webhook when it is missing; V(absent) deletes it when it exists.
            type: str
            choices: [present, absent]
            default: present
  concurrency:
    description:
      - How many workspaces are reconciled at the same time (and the size of the HTTP connection pool), from 1 to 32.
      - The requests of one workspace are always sent one after the other.
    type: int
    default: 8
notes:
  - The one-time secrets of new webhooks are returned (in RV(secrets) and in RV(webhooks)) only when the task runs with
    C(no_log) set to V(true); otherwise the module warns and marks those results with C(secret_withheld).
  - Because the task carries credentials and secrets, run it with C(no_log=true) and register its result; the
    C(contraforce.platform.webhooks) role of this collection builds the input from webhook sets and prints the summary
    and the diff without any secret.
seealso:
  - module: contraforce.platform.webhook
"""

EXAMPLES = r"""
- name: Make sure two customer workspaces have the SOC webhooks (credentials from CONTRAFORCE_* variables)
  contraforce.platform.webhook_bulk:
    concurrency: 8
    workspaces:
      - id: 2f1b8c9e-0d4a-4c55-9a8e-3d2c1b0a9f87
        name: acme
        webhooks:
          - name: soc-ticketing
            url: https://hooks.example.com/acme
            event_types: [incident.created.v1]
          - name: siem-forwarder
            url: https://siem.example.com/ingest
            event_types: [incident.created.v1, agent.investigation.completed.v1]
            authentication_type: bearer
            token: "{{ vault_siem_token }}"
      - id: 7d3e2a10-5b6c-4d8e-9f01-a2b3c4d5e6f7
        name: globex
        webhooks:
          - name: soc-ticketing
            url: https://hooks.example.com/globex
            event_types: [incident.created.v1]
  register: soc_hooks
  no_log: true

- name: Show what happened in each workspace (no secrets in the summary)
  ansible.builtin.debug:
    var: soc_hooks.summary.lines
"""

RETURN = r"""
webhooks:
  description:
    - One entry per workspace and webhook definition, in the order of the input.
    - The key is not C(results) on purpose, because Ansible treats a C(results) list as the results of a loop and would
      print its entries even when the task runs with C(no_log).
  returned: always
  type: list
  elements: dict
  contains:
    workspace_id:
      description: ID of the workspace.
      type: str
      returned: always
    workspace_name:
      description: O(workspaces[].name) of the workspace, when given.
      type: str
      returned: always
    name:
      description: Name of the webhook.
      type: str
      returned: always
    action:
      description: What was done (or, in check mode, would be done).
      type: str
      returned: always
      choices: [created, deleted, credentials_updated, unchanged, absent, failed]
    changed:
      description: Whether this webhook was (or would be) changed.
      type: bool
      returned: always
    failed:
      description: True when this webhook, or the listing of its workspace, failed.
      type: bool
      returned: when failed
    msg:
      description: Why it failed.
      type: str
      returned: when failed
    drifted:
      description: Whether the existing webhook differs from the definition in fields ContraForce cannot update.
      type: bool
      returned: always
    drift:
      description: The drifted fields, each with C(have) and C(want).
      type: dict
      returned: always
    webhook:
      description:
        - The webhook as the C(webhook) return value of M(contraforce.platform.webhook) shows it, with
          snake_case keys; predicted in check mode. Empty when absent or failed.
      type: dict
      returned: always
    secret:
      description: The one-time signing key of a webhook just created. Sensitive.
      type: str
      returned: when created, with no_log
    secret_withheld:
      description: True when a secret was generated but not returned because the task does not run with C(no_log=true).
      type: bool
      returned: when created without no_log
    warnings:
      description: Warnings about this webhook (for example drift); they are also shown as task warnings.
      type: list
      elements: str
      returned: always
  sample:
    - workspace_id: 2f1b8c9e-0d4a-4c55-9a8e-3d2c1b0a9f87
      workspace_name: acme
      name: soc-ticketing
      action: created
      changed: true
      drifted: false
      drift: {}
      warnings: []
      webhook:
        id: 6c1f0a52-3a8e-4a53-a3f4-5b7b1fd0c2a1
        name: soc-ticketing
        url: https://hooks.example.com/acme
summary:
  description: Counts per workspace and in total.
  returned: always
  type: dict
  contains:
    workspaces:
      description:
        - One entry per workspace with C(id), C(name), the counts C(created), C(unchanged), C(drifted), C(deleted),
          C(credentials_updated), C(absent), C(failed), C(total), C(failed_workspace) and C(msg) (the failure).
        - The actions count each webhook once; C(drifted) counts the webhooks left with drift, whatever their action.
      type: list
      elements: dict
    totals:
      description: The same counts over all workspaces, plus C(workspaces) and C(failed_workspaces).
      type: dict
    lines:
      description: One human-readable line per workspace, without secrets.
      type: list
      elements: str
  sample:
    workspaces:
      - id: 2f1b8c9e-0d4a-4c55-9a8e-3d2c1b0a9f87
        name: acme
        created: 1
        unchanged: 1
        drifted: 0
        deleted: 0
        credentials_updated: 0
        absent: 0
        failed: 0
        total: 2
        failed_workspace: false
        msg: null
    totals: {workspaces: 1, failed_workspaces: 0, created: 1, unchanged: 1, drifted: 0, deleted: 0,
             credentials_updated: 0, absent: 0, failed: 0, total: 2}
    lines: ["acme (2f1b8c9e-0d4a-4c55-9a8e-3d2c1b0a9f87): created 1, unchanged 1, drifted 0, failed 0"]
secrets:
  description:
    - The one-time secrets of the webhooks created by this run, by workspace ID and webhook name. Sensitive.
  returned: when the task runs with no_log
  type: dict
  sample: {2f1b8c9e-0d4a-4c55-9a8e-3d2c1b0a9f87: {soc-ticketing: whsec_example}}
"""

from ansible_collections.contraforce.platform.plugins.module_utils._bulk import (
    bulk_argument_spec,
    bulk_result,
    reconcile_workspaces,
    validate_workspaces,
)
from ansible_collections.contraforce.platform.plugins.module_utils._module import ContraForceModule
from ansible_collections.contraforce.platform.plugins.module_utils._webhook import WebhookInputError


def run(module, client):
    p = module.params
    outcomes = reconcile_workspaces(client, p["workspaces"], module.check_mode, p["concurrency"])
    result, warnings = bulk_result(outcomes, no_log=module.no_log, diff=module._diff)
    for warning in warnings:
        module.warn(warning)
    return result


def main():
    module = ContraForceModule(argument_spec=bulk_argument_spec(), supports_check_mode=True)
    problems = validate_workspaces(module.params["workspaces"], module.params["concurrency"])
    if problems:
        module.fail_error(WebhookInputError(problems))
    module.run(run, pool_size=module.params["concurrency"])


if __name__ == "__main__":
    main()
