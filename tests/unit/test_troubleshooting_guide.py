# -*- coding: utf-8 -*-
# Copyright: ContraForce platform collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The troubleshooting guide quotes what the modules really say and do.

The guide tells users which message goes with which error code, how often reads are retried and
which ``error.kind`` values exist; these tests fail when the code and the guide drift apart.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import re

import pytest

from ansible_collections.contraforce.platform.plugins.module_utils import _client
from ansible_collections.contraforce.platform.plugins.module_utils._errors import ApiError
from ansible_collections.contraforce.platform.plugins.module_utils._options import DEFAULT_TIMEOUT

from .ansible_doc import REPO_ROOT

GUIDE = os.path.join(REPO_ROOT, "docs", "docsite", "rst", "guide_troubleshooting.rst")


@pytest.fixture(scope="module")
def guide():
    with open(GUIDE) as handle:
        return re.sub(r"\s+", " ", handle.read())


@pytest.mark.parametrize("status,code", [
    (401, "UNAUTHORIZED"), (403, "INSUFFICIENT_WORKSPACE_ROLE"), (404, "NOT_FOUND"), (400, "VALIDATION_ERROR"), (429, None),
    (500, None), (502, None), (503, None), (504, None),
])
def test_guide_quotes_the_message_of_each_status(guide, status, code):
    message = ApiError(status, "GET", "/api/v2/webhooks", code=code, context="workspace x").message
    head = message.split(" (HTTP ")[0]
    assert head in guide, "the guide does not quote %r for HTTP %s" % (head, status)
    assert ("%s ``%s``" % (status, code) if code else str(status)) in guide


def test_guide_states_the_retry_policy(guide):
    policy = _client.RetryPolicy()
    assert "up to %d tries in all" % policy.max_attempts in guide
    assert "at most %d seconds" % policy.retry_after_max in guide
    assert sorted(policy.RETRY_STATUSES) == [429, 502, 503, 504]
    assert "502, 503 and 504 are retried like a 429" in guide


def test_guide_quotes_the_timeout_messages(guide):
    assert "within %.1f s (connect timeout)" % DEFAULT_TIMEOUT in guide
    assert "within %.1f s (read timeout)" % DEFAULT_TIMEOUT in guide


def test_guide_names_every_error_kind(guide):
    with open(_client.__file__) as handle:
        source = handle.read()
    kinds = set(re.findall(r'TransportError\([^;]*?"([a-z_]+)", (?:True|False)\)', source, re.S))
    kinds.add("bad_response")
    assert {"connect", "read_timeout", "tls"} <= kinds
    assert sorted(kind for kind in kinds if "``%s``" % kind not in guide) == []
