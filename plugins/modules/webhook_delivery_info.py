#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: ContraForce platform collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: webhook_delivery_info
short_description: Read the delivery logs of a ContraForce webhook and summarize them
version_added: 1.0.0
description:
  - Reads the delivery logs of one webhook through the documented C(GET /api/v2/webhooks/{id}/delivery-logs) call,
    within a time window, page by page, and returns them with a summary (counts per outcome, per status and per HTTP
    status code, the last success and the last failure) so that a playbook can assert that a webhook delivers.
  - The webhook is chosen by O(id), or by O(workspace_id) and O(name); the latter lists the workspace's webhooks once
    (an assumed call, see M(contraforce.platform.webhook_info)) and fails, listing their ids, when several webhooks of
    the workspace share the name.
  - Never changes anything.
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
  id:
    description:
      - ID (UUID) of the webhook.
      - Mutually exclusive with O(workspace_id) and O(name).
    type: str
  workspace_id:
    description:
      - ID (UUID) of the workspace that owns the webhook named O(name).
    type: str
  name:
    description:
      - Name of the webhook in O(workspace_id).
    type: str
  since:
    description:
      - Only the deliveries of this recent period, a duration such as V(30m), V(1h), V(2d), V(1w) or V(1h30m)
        (units C(s), C(m), C(h), C(d), C(w)); ISO-8601 durations such as V(PT1H) work too.
      - Sent to the API as C(from), counted back from the time the module runs.
      - Mutually exclusive with O(from) and O(to). When none of them is set, the API's default window applies.
    type: str
  from:
    description:
      - Only the deliveries from this time on, ISO-8601 such as V(2024-05-01T12:00:00Z) or V(2024-05-01T14:00:00+02:00).
      - A time without an offset is UTC. Sent to the API in UTC.
    type: str
  to:
    description:
      - Only the deliveries up to this time, ISO-8601. A time without an offset is UTC.
    type: str
  page_size:
    description:
      - Number of deliveries asked for in each request (the API's C(pageSize)).
    type: int
    default: 100
  max_deliveries:
    description:
      - The most deliveries to read. The module follows the API's continuation tokens until the last page or until it
        has read this many, then stops and sets RV(truncated) when more were left.
      - The summary covers only the deliveries read.
    type: int
    default: 1000
  include_payloads:
    description:
      - Whether to return each delivery's C(event_payload) (the delivered JSON body as text), which can be large.
    type: bool
    default: false
notes:
  - ContraForce documents only the delivery status C(Pending). The module counts a delivery as a success when its status
    is one of C(Succeeded), C(Success), C(Delivered), C(Sent), C(Completed), as a failure when it is one of C(Failed),
    C(Error), C(TimedOut), C(Rejected), C(Abandoned), C(Cancelled) (and similar), as pending when it is C(Pending),
    C(Queued), C(Retrying) or C(InProgress); any other status is judged by its HTTP status code (2xx is a success).
seealso:
  - module: contraforce.platform.webhook
  - module: contraforce.platform.webhook_info
"""

EXAMPLES = r"""
- name: Read the last hour of deliveries of the SOC ticketing webhook
  contraforce.platform.webhook_delivery_info:
    workspace_id: 2f1b8c9e-0d4a-4c55-9a8e-3d2c1b0a9f87
    name: soc-ticketing
    since: 1h
  register: deliveries

- name: Assert that the webhook delivered in the last hour
  ansible.builtin.assert:
    that:
      - deliveries.summary.succeeded > 0
      - deliveries.summary.success_rate >= 0.95
    fail_msg: >-
      soc-ticketing delivered {{ deliveries.summary.succeeded }} of {{ deliveries.summary.total }} events;
      last failure {{ deliveries.summary.last_failure }} (HTTP {{ deliveries.summary.last_failure_http_status }})

- name: Read the deliveries of a day, by webhook id, 50 per request, at most 500
  contraforce.platform.webhook_delivery_info:
    api_url: https://portal.contraforce.com
    client_id: "{{ contraforce_client_id }}"
    client_secret: "{{ contraforce_client_secret }}"
    id: 6c1f0a52-3a8e-4a53-a3f4-5b7b1fd0c2a1
    from: "2024-05-01T00:00:00Z"
    to: "2024-05-02T00:00:00Z"
    page_size: 50
    max_deliveries: 500
  register: day

- name: Show the errors of the deliveries that did not get HTTP 200
  ansible.builtin.debug:
    msg: "{{ day.deliveries | selectattr('http_status_code', 'ne', 200) | map(attribute='error_message') | list }}"
"""

RETURN = r"""
webhook_id:
  description: ID of the webhook whose deliveries were read.
  returned: success
  type: str
  sample: 6c1f0a52-3a8e-4a53-a3f4-5b7b1fd0c2a1
window:
  description: The time window sent to the API, in UTC; a bound is null when it was not set.
  returned: success
  type: dict
  contains:
    from:
      description: Start of the window.
      type: str
      returned: always
    to:
      description: End of the window.
      type: str
      returned: always
  sample: {from: "2024-05-01T11:00:00Z", to: null}
deliveries:
  description:
    - The delivery logs read, in the order the API returned them, with snake_case keys.
    - C(event_subject_attributes) keeps the keys the API gave it. C(event_payload) only with O(include_payloads=true).
  returned: success
  type: list
  elements: dict
  contains:
    id:
      description: ID of the delivery log.
      type: str
      returned: always
    event_id:
      description: ID of the event, reused by retries of the same event.
      type: str
      returned: always
    event_type:
      description: Event type, for example C(incident.created.v1).
      type: str
      returned: always
    status:
      description: Delivery status as the API reports it, for example C(Pending).
      type: str
      returned: always
    http_status_code:
      description: HTTP status code the receiver answered; null when there was no answer.
      type: int
      returned: always
    error_message:
      description: Why the delivery failed.
      type: str
      returned: always
    attempt_number:
      description: Attempt number of this delivery.
      type: int
      returned: always
    is_test:
      description: Whether it was a test delivery.
      type: bool
      returned: always
    latency_ms:
      description: Milliseconds the receiver took to answer.
      type: int
      returned: always
    created_at:
      description: When the delivery was created.
      type: str
      returned: always
    completed_at:
      description: When the delivery completed.
      type: str
      returned: always
  sample:
    - id: 0b6f4c1e-2d3a-4e5f-8a9b-0c1d2e3f4a5b
      event_id: 9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d
      event_type: incident.created.v1
      status: Succeeded
      http_status_code: 200
      error_message: null
      attempt_number: 1
      is_test: false
      latency_ms: 182
      webhook_configuration_id: 6c1f0a52-3a8e-4a53-a3f4-5b7b1fd0c2a1
      created_at: "2024-05-01T11:59:58Z"
      completed_at: "2024-05-01T11:59:59Z"
summary:
  description: Summary of the deliveries read.
  returned: success
  type: dict
  contains:
    total:
      description: Number of deliveries read.
      type: int
      returned: always
    succeeded:
      description: Deliveries that succeeded (see the notes).
      type: int
      returned: always
    failed:
      description: Deliveries that failed.
      type: int
      returned: always
    pending:
      description: Deliveries not finished yet.
      type: int
      returned: always
    unknown:
      description: Deliveries with a status the module does not know and no HTTP status code.
      type: int
      returned: always
    test_deliveries:
      description: Deliveries marked as tests (they are counted in the other numbers too).
      type: int
      returned: always
    by_status:
      description: Number of deliveries per status as the API names it (C(Unknown) when a delivery has none).
      type: dict
      returned: always
    by_http_status:
      description: Number of deliveries per HTTP status code, as text (C(none) when the receiver did not answer).
      type: dict
      returned: always
    last_success:
      description: When the latest successful delivery completed (or was created), as the API wrote it; null if none.
      type: str
      returned: always
    last_success_http_status:
      description: HTTP status code of the latest successful delivery.
      type: int
      returned: always
    last_failure:
      description: When the latest failed delivery completed (or was created); null if none.
      type: str
      returned: always
    last_failure_http_status:
      description: HTTP status code of the latest failed delivery; null when the receiver did not answer.
      type: int
      returned: always
    last_failure_error:
      description: Error message of the latest failed delivery.
      type: str
      returned: always
    success_rate:
      description: Succeeded divided by succeeded plus failed, rounded to four places; null when none finished.
      type: float
      returned: always
  sample:
    total: 3
    succeeded: 2
    failed: 1
    pending: 0
    unknown: 0
    test_deliveries: 0
    by_status: {Succeeded: 2, Failed: 1}
    by_http_status: {"200": 2, "500": 1}
    last_success: "2024-05-01T11:59:59Z"
    last_success_http_status: 200
    last_failure: "2024-05-01T11:30:02Z"
    last_failure_http_status: 500
    last_failure_error: Receiver answered 500
    success_rate: 0.6667
truncated:
  description: Whether more deliveries were left unread because of O(max_deliveries).
  returned: success
  type: bool
pages:
  description: Number of pages requested.
  returned: success
  type: int
"""

from ansible_collections.contraforce.platform.plugins.module_utils._delivery import (
    fetch_deliveries,
    resolve_window,
    summarize,
    to_snake,
)
from ansible_collections.contraforce.platform.plugins.module_utils._errors import ContraForceError
from ansible_collections.contraforce.platform.plugins.module_utils._module import ContraForceModule
from ansible_collections.contraforce.platform.plugins.module_utils._webhook import (
    WebhookInputError,
    check_uuid,
    find_matches,
)


class WebhookNotFound(ContraForceError):
    """The workspace has no (or more than one) webhook of the name."""

    def __init__(self, message, ids=None):
        super(WebhookNotFound, self).__init__(message)
        self.ids = ids

    def to_result(self):
        return {"ids": self.ids} if self.ids else {}


def resolve_webhook_id(client, workspace_id, name):
    """The id of the one webhook named ``name`` in the workspace (one listing)."""
    matches = find_matches(client.list_webhooks(workspace_id), name)
    if not matches:
        raise WebhookNotFound("No webhook named %r exists in workspace %s." % (name, workspace_id))
    if len(matches) > 1:
        ids = [m.get("id") for m in matches]
        raise WebhookNotFound("%d webhooks named %r exist in workspace %s (ids %s); the name must identify one webhook. "
                              "Set id to choose one." % (len(matches), name, workspace_id, ", ".join(str(i) for i in ids)), ids)
    return matches[0]["id"]


def validate(params, now=None):
    """``(from, to, problems)`` of the module's options, before any request."""
    problems = []
    for field in ("id", "workspace_id"):
        if params.get(field) is not None:
            problems += check_uuid(field, params[field])
    if params.get("name") is not None and not params["name"].strip():
        problems.append(("name", "must be a non-empty string"))
    for field in ("page_size", "max_deliveries"):
        if params.get(field) is not None and params[field] < 1:
            problems.append((field, "must be 1 or more, got %s" % params[field]))
    date_from, date_to, window_problems = resolve_window(params.get("since"), params.get("from"), params.get("to"), now=now)
    return date_from, date_to, problems + window_problems


def run(module, client, date_from, date_to):
    p = module.params
    webhook_id = p["id"] or resolve_webhook_id(client, p["workspace_id"], p["name"])
    raw, pages, truncated = fetch_deliveries(client, webhook_id, p["page_size"], date_from, date_to, p["max_deliveries"])
    return dict(
        changed=False,
        webhook_id=webhook_id,
        window={"from": date_from, "to": date_to},
        deliveries=[to_snake(d, include_payload=p["include_payloads"]) for d in raw if isinstance(d, dict)],
        summary=summarize([d for d in raw if isinstance(d, dict)]),
        truncated=truncated,
        pages=pages,
    )


def main():
    module = ContraForceModule(
        argument_spec={
            "id": dict(type="str"),
            "workspace_id": dict(type="str"),
            "name": dict(type="str"),
            "since": dict(type="str"),
            "from": dict(type="str"),
            "to": dict(type="str"),
            "page_size": dict(type="int", default=100),
            "max_deliveries": dict(type="int", default=1000),
            "include_payloads": dict(type="bool", default=False),
        },
        supports_check_mode=True,
        required_one_of=[("id", "name")],
        mutually_exclusive=[("id", "name"), ("id", "workspace_id"), ("since", "from"), ("since", "to")],
        required_together=[("workspace_id", "name")],
    )
    date_from, date_to, problems = validate(module.params)
    if problems:
        module.fail_error(WebhookInputError(problems))
    module.run(lambda m, client: run(m, client, date_from, date_to))


if __name__ == "__main__":
    main()
