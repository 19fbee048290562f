# -*- coding: utf-8 -*-
# Copyright: ContraForce platform collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A requests transport adapter that answers from a script: HTTP faked at the requests layer."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

import requests
from requests.adapters import BaseAdapter


class FakeAdapter(BaseAdapter):
    """Answers each request with the next scripted step.

    A step is ``(status, body)``, ``(status, body, headers)``, or an exception instance to raise.
    ``body`` may be a dict (sent as JSON; ``application/problem+json`` for status >= 400) or str.
    """

    def __init__(self, steps):
        super(FakeAdapter, self).__init__()
        self.steps = list(steps)
        self.requests = []

    def send(self, request, **kwargs):
        self.requests.append(request)
        if not self.steps:
            raise AssertionError("unexpected request %s %s" % (request.method, request.url))
        step = self.steps.pop(0)
        if isinstance(step, Exception):
            raise step
        if callable(step):
            step = step(request)
        status, body = step[0], step[1]
        headers = step[2] if len(step) > 2 else {}
        response = requests.Response()
        response.status_code = status
        response.request = request
        response.url = request.url
        if isinstance(body, (dict, list)):
            response._content = json.dumps(body).encode()
            response.headers["Content-Type"] = "application/problem+json" if status >= 400 else "application/json"
        else:
            response._content = (body or "").encode()
            response.headers["Content-Type"] = "text/html" if body else "text/plain"
        response.headers.update(headers)
        return response

    def close(self):
        pass


def install(client, steps):
    adapter = FakeAdapter(steps)
    client.session.mount("http://", adapter)
    client.session.mount("https://", adapter)
    return adapter
