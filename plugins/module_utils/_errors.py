# -*- coding: utf-8 -*-
# Copyright: ContraForce platform collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Typed errors of the ContraForce client.

Every message is written for the person reading a failed task, and none ever holds a
credential: messages are built from the API's problem fields, the method and path, and
the cause of a transport failure, never from request headers or bodies.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re


class ContraForceError(Exception):
    """Base class; ``to_result()`` gives the extra keys a failed task returns."""

    def __init__(self, message):
        super(ContraForceError, self).__init__(message)
        self.message = message

    def to_result(self):
        return {}


class ConfigurationError(ContraForceError):
    """Bad or missing connection settings, found before any request."""


class TransportError(ContraForceError):
    """The request got no HTTP answer.

    ``outcome_unknown`` is True when the request may have reached the server (read timeout,
    connection reset after sending), False when it certainly did not (refused, DNS, TLS).
    """

    def __init__(self, message, kind, outcome_unknown):
        super(TransportError, self).__init__(message)
        self.kind = kind
        self.outcome_unknown = outcome_unknown

    def to_result(self):
        return {"error": {"kind": self.kind}}


class ResponseFormatError(ContraForceError):
    """A 2xx answer whose body is not the JSON envelope the API documents."""

    def __init__(self, message, status, request_id=None):
        super(ResponseFormatError, self).__init__(message)
        self.status = status
        self.request_id = request_id

    def to_result(self):
        return {"error": {"kind": "bad_response", "status": self.status, "request_id": self.request_id}}


_TAGS = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"\s+")

_STATUS_WORDS = {
    400: "ContraForce rejected the request as invalid",
    401: "ContraForce refused the credentials (check client_id and client_secret, or api_token)",
    403: "The service account is not allowed to do this",
    404: "ContraForce did not find the workspace or webhook",
    409: "ContraForce reported a conflict",
    429: "ContraForce is rate limiting the requests",
    500: "ContraForce failed with an internal error",
    502: "A gateway in front of ContraForce failed",
    503: "ContraForce is unavailable",
    504: "A gateway in front of ContraForce timed out",
}


class ApiError(ContraForceError):
    """An HTTP error answer, parsed from ``application/problem+json`` (or the older
    ``{"error": {code, message, target, details}}`` shape, or a non-JSON page)."""

    def __init__(self, status, method, path, code=None, title=None, detail=None, request_id=None,
                 errors=None, target=None, retry_after=None, context=None):
        self.status = status
        self.method = method
        self.path = path
        self.code = code
        self.title = title
        self.detail = detail
        self.request_id = request_id
        self.errors = errors or {}
        self.target = target
        self.retry_after = retry_after
        self.context = context
        super(ApiError, self).__init__(self._compose())

    @classmethod
    def from_response(cls, response, method, path, context=None, retry_after=None):
        status = response.status_code
        request_id = response.headers.get("X-Request-Id")
        fields = {}
        content_type = response.headers.get("Content-Type", "")
        body = None
        if "json" in content_type:
            try:
                body = response.json()
            except ValueError:
                body = None
        if isinstance(body, dict) and isinstance(body.get("error"), dict):
            legacy = body["error"]
            fields = dict(code=legacy.get("code"), detail=legacy.get("message"), target=legacy.get("target"))
            details = legacy.get("details")
            if isinstance(details, list):
                errors = {}
                for item in details:
                    if isinstance(item, dict):
                        errors.setdefault(str(item.get("target") or ""), []).append(str(item.get("message") or item.get("code") or ""))
                fields["errors"] = errors
        elif isinstance(body, dict):
            errors = body.get("errors")
            fields = dict(code=body.get("code"), title=body.get("title"), detail=body.get("detail"),
                          target=body.get("target"), errors=errors if isinstance(errors, dict) else None)
            request_id = body.get("requestId") or request_id
        else:
            text = _SPACE.sub(" ", _TAGS.sub(" ", response.text or "")).strip()
            kind = content_type.split(";")[0].strip() or "no content type"
            fields["detail"] = "the answer was not problem+json but %s%s" % (kind, (": " + text[:200]) if text else "")
        return cls(status, method, path, request_id=request_id, retry_after=retry_after, context=context, **fields)

    def _compose(self):
        words = _STATUS_WORDS.get(self.status, "ContraForce answered with an error")
        head = "%s (HTTP %s%s) on %s %s" % (words, self.status, (" " + self.code) if self.code else "", self.method, self.path)
        parts = [head]
        if self.context:
            parts.append("for %s" % self.context)
        text = "; ".join(p for p in [" ".join(parts), self.title, self.detail] if p)
        if self.errors:
            fields = []
            for field in sorted(self.errors):
                messages = self.errors[field]
                if not isinstance(messages, list):
                    messages = [messages]
                fields.append("%s: %s" % (field or "(request)", ", ".join(str(m) for m in messages)))
            text += ". Invalid fields: " + "; ".join(fields)
        elif self.target:
            text += " (target: %s)" % self.target
        if self.request_id:
            text += " [requestId %s]" % self.request_id
        return text

    def to_result(self):
        return {"error": {"status": self.status, "code": self.code, "title": self.title, "detail": self.detail,
                          "request_id": self.request_id, "errors": self.errors, "method": self.method, "path": self.path}}
