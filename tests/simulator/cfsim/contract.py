# -*- coding: utf-8 -*-
# Copyright: ContraForce platform collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The OpenAPI contract: every API request and every API response goes through here.

openapi-core does the validation; this module supplies its request / response protocol
adapters (plain objects, no web framework) and turns its errors into the simulator's
problem details (a field-keyed ``errors`` map) or a one-line contract violation.
"""

from __future__ import absolute_import, division, print_function

import json
import os
import threading

from openapi_core import Config, OpenAPI
from openapi_core.datatypes import RequestParameters
from openapi_core.deserializing.media_types.exceptions import MediaTypeDeserializeError
from openapi_core.deserializing.media_types.util import json_loads
from openapi_core.templating.media_types.exceptions import MediaTypeNotFound
from openapi_core.templating.paths.exceptions import OperationNotFound, PathError
from openapi_core.validation.request.exceptions import (
    MissingRequiredParameter,
    ParameterValidationError,
    RequestBodyValidationError,
    SecurityValidationError,
)
from werkzeug.datastructures import Headers, ImmutableMultiDict

SPEC_PATH = os.path.join(
    os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "openapi", "contraforce-v2.openapi.yaml"
)

PROBLEM_JSON = "application/problem+json"

_LOCK = threading.Lock()
_APP = []


def openapi_app():
    """Return the (lazily loaded, shared) openapi-core application for the contract."""
    with _LOCK:
        if not _APP:
            # The document itself is checked by the simulator's tests (openapi-spec-validator); skipping that
            # check here saves most of a second at every start.
            config = Config(extra_media_type_deserializers={PROBLEM_JSON: json_loads}, spec_validator_cls=None)
            _APP.append(OpenAPI.from_file_path(SPEC_PATH, config=config))
        return _APP[0]


class ContractRequest:
    """openapi-core ``Request`` protocol over a plain HTTP request."""

    def __init__(self, method, host_url, path, query_pairs, headers, body, content_type):
        self._method = method.lower()
        self._host_url = host_url
        self._path = path
        self._body = body or None
        self._content_type = (content_type or "application/octet-stream").lower()
        self.parameters = RequestParameters(
            query=ImmutableMultiDict(query_pairs),
            header=Headers(list(headers)),
            cookie=ImmutableMultiDict(),
        )

    @property
    def host_url(self):
        return self._host_url

    @property
    def path(self):
        return self._path

    @property
    def method(self):
        return self._method

    @property
    def body(self):
        return self._body

    @property
    def content_type(self):
        return self._content_type


class ContractResponse:
    """openapi-core ``Response`` protocol over a response the simulator is about to send."""

    def __init__(self, status_code, data, content_type, headers):
        self._status_code = status_code
        self._data = data
        self._content_type = content_type or ""
        self._headers = Headers(list(headers.items()))

    @property
    def status_code(self):
        return self._status_code

    @property
    def content_type(self):
        return self._content_type

    @property
    def headers(self):
        return self._headers

    @property
    def data(self):
        return self._data


class RequestVerdict:
    """Outcome of validating one request.

    ``kind`` is ``None`` (valid), ``"route"`` (no such path: 404), ``"method"`` (405),
    ``"security"`` (401), ``"binding"`` (400 BAD_REQUEST) or ``"validation"`` (400 VALIDATION_ERROR).
    """

    def __init__(self, kind=None, errors=None, detail=None):
        self.kind = kind
        self.errors = errors or {}
        self.detail = detail

    @property
    def ok(self):
        return self.kind is None


def _json_path(parts):
    text = ""
    for part in parts:
        if isinstance(part, int):
            text += "[%d]" % part
        else:
            text += ("." if text else "") + str(part)
    return text


def _schema_messages(exc, prefix=""):
    """Yield (field, message) for each JSON-schema error under an openapi-core exception."""
    cause = exc.__cause__ if exc.__cause__ is not None else exc
    schema_errors = getattr(cause, "schema_errors", None)
    if not schema_errors:
        yield prefix, str(cause)
        return
    for err in schema_errors:
        field = _json_path(list(err.absolute_path))
        if prefix:
            field = prefix + ("." + field if field and not field.startswith("[") else field)
        yield field, err.message


def _add(errors, field, message):
    errors.setdefault(field, [])
    if message not in errors[field]:
        errors[field].append(message)


def check_request(request):
    """Validate a ``ContractRequest``; return a ``RequestVerdict``."""
    found = list(openapi_app().iter_request_errors(request))
    if not found:
        return RequestVerdict()
    errors = {}
    binding_only = True
    for exc in found:
        if isinstance(exc, OperationNotFound):
            return RequestVerdict("method", detail="The method %s is not allowed here." % request.method.upper())
        if isinstance(exc, PathError):
            return RequestVerdict("route", detail="No API route matches %s." % request.path)
        if isinstance(exc, SecurityValidationError):
            return RequestVerdict("security", detail="Missing or invalid credentials.")
        cause = exc.__cause__
        if isinstance(exc, MissingRequiredParameter):
            binding_only = False
            _add(errors, exc.name, "The %s parameter is required." % exc.name)
        elif isinstance(exc, ParameterValidationError):
            if cause is not None and getattr(cause, "schema_errors", None):
                binding_only = False
                for dummy, message in _schema_messages(exc):
                    _add(errors, exc.name, message)
            else:
                _add(errors, exc.name, "The value of %s could not be read: %s" % (exc.name, cause or exc))
        elif isinstance(exc, RequestBodyValidationError):
            if isinstance(cause, MediaTypeNotFound):
                _add(errors, "", "Unsupported content type %s; send application/json." % request.content_type)
            elif isinstance(cause, MediaTypeDeserializeError):
                _add(errors, "", "The request body is not valid JSON.")
            else:
                binding_only = False
                for field, message in _schema_messages(exc):
                    _add(errors, field, message)
        else:
            binding_only = False
            _add(errors, "", str(exc))
    kind = "binding" if binding_only else "validation"
    return RequestVerdict(kind, errors=errors, detail="One or more validation errors occurred.")


def check_response(request, status, body, content_type, headers):
    """Validate a response; return ``None`` if it satisfies the contract, else a one-line text."""
    response = ContractResponse(status, body, content_type, headers)
    found = list(openapi_app().iter_response_errors(request, response))
    if not found:
        return None
    texts = []
    for exc in found:
        parts = [type(exc).__name__ + ": " + str(exc).split(" not valid for schema", 1)[0][:200]]
        cause = exc.__cause__
        for err in getattr(cause, "schema_errors", None) or ():
            where = _json_path(list(err.absolute_path)) or "<root>"
            parts.append("%s: %s" % (where, err.message[:300]))
            for sub in (err.context or ())[:6]:
                parts.append("  %s: %s" % (_json_path(list(sub.absolute_path)) or "<root>", sub.message[:200]))
        texts.append("; ".join(parts))
    return " | ".join(texts)


def check_object(method, path, status, document):
    """Check that ``document`` would be a valid JSON response of ``method path`` (used to vet seeds)."""
    request = ContractRequest(
        method, "http://127.0.0.1:8765", path, [], [("Authorization", "Basic eDp5")], None, None
    )
    return check_response(request, status, json.dumps(document).encode("utf-8"), "application/json", {})
