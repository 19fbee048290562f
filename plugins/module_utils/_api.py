# -*- coding: utf-8 -*-
# Copyright: ContraForce platform collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Every ContraForce API v2 call the collection makes, named in one place.

Each endpoint carries its provenance:

* ``seed``: the vendor's own OpenAPI text for "Create webhook" (our contract);
* ``documented``: shown in ContraForce's public API reference;
* ``assumed``: NOT shown publicly. Create-if-missing cannot work without listing
  webhooks, so the list, get and delete calls below are deliberate assumptions.
  If ContraForce documents them differently, this module is the only place to
  change: the paths, the workspace filter name and the paging parameter names.

Paths are relative to the API root ``<api_url>/api/v2``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from collections import namedtuple

API_PREFIX = "/api/v2"

Endpoint = namedtuple("Endpoint", ["method", "path", "provenance"])

CREATE_WEBHOOK = Endpoint("POST", "/webhooks", "seed")
UPDATE_WEBHOOK_CREDENTIALS = Endpoint("POST", "/webhooks/{id}/credentials", "documented")
LIST_DELIVERY_LOGS = Endpoint("GET", "/webhooks/{id}/delivery-logs", "documented")
GET_DELIVERY_LOG = Endpoint("GET", "/webhooks/{id}/delivery-logs/{log_id}", "documented")

# ASSUMED: not in the public reference (see the module docstring).
LIST_WEBHOOKS = Endpoint("GET", "/webhooks", "assumed")
GET_WEBHOOK = Endpoint("GET", "/webhooks/{id}", "assumed")
DELETE_WEBHOOK = Endpoint("DELETE", "/webhooks/{id}", "assumed")

# ASSUMED: the name of the workspace filter of LIST_WEBHOOKS.
LIST_WEBHOOKS_WORKSPACE_PARAM = "workspaceId"

# Documented for delivery logs; ASSUMED to be the same for LIST_WEBHOOKS.
PAGE_SIZE_PARAM = "pageSize"
CONTINUATION_TOKEN_PARAM = "continuationToken"
LIST_WEBHOOKS_PAGE_SIZE = 100

# Documented: delivery logs require pageSize.
DELIVERY_LOGS_FROM_PARAM = "from"
DELIVERY_LOGS_TO_PARAM = "to"
GET_DELIVERY_LOG_CREATED_AT_PARAM = "createdAt"

ASSUMED_ENDPOINTS = tuple(e for e in (LIST_WEBHOOKS, GET_WEBHOOK, DELETE_WEBHOOK) if e.provenance == "assumed")
