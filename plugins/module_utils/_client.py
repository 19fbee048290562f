# -*- coding: utf-8 -*-
# Copyright: ContraForce platform collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The ContraForce API v2 client shared by every module of the collection."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import random
import sys
import threading
import time
import traceback

try:
    from urllib.parse import urlsplit
except ImportError:  # pragma: no cover - Python 2 is not supported, this keeps imports clean
    from urlparse import urlsplit  # type: ignore

REQUESTS_IMPORT_ERROR = None
try:
    import requests
    from requests.adapters import HTTPAdapter
    HAS_REQUESTS = True
except ImportError:  # pragma: no cover - exercised through missing_required_lib
    HAS_REQUESTS = False
    REQUESTS_IMPORT_ERROR = traceback.format_exc()

from ansible_collections.contraforce.platform.plugins.module_utils import _api as api
from ansible_collections.contraforce.platform.plugins.module_utils._errors import (
    ApiError,
    ConfigurationError,
    ResponseFormatError,
    TransportError,
)
from ansible_collections.contraforce.platform.plugins.module_utils._version import COLLECTION_VERSION


class RetryPolicy(object):
    """The collection's retry policy: the one place it is written down.

    * What is retried: reads (``GET``) and the idempotent-in-effect writes (``DELETE``,
      the credentials ``POST``, which sets the same values again) when the answer is
      429, 502, 503 or 504, when the connection fails or the read times out, and when a
      2xx answer is not valid JSON (a proxy's page). Other statuses, and TLS certificate
      failures, fail at once.
    * How long: at most ``max_attempts`` tries. Before try ``n`` (n >= 1) the client
      sleeps ``Retry-After`` when the answer had one (capped at ``retry_after_max``),
      otherwise a full-jitter exponential backoff: ``uniform(0, min(backoff_max,
      backoff_base * 2 ** n))``. Every try has the connection's ``timeout``, so a hung
      server costs at most ``max_attempts * timeout`` plus the sleeps.
    * A create (``POST /webhooks``) is never blindly re-sent. A 429 or a connection that
      never opened (the request was refused, not processed) is retried like a read. When
      the outcome is unknown the client lists the workspace again: if the webhook is there,
      the create landed and that webhook is the result (its one-time ``secret`` is lost,
      and a warning says so). When the server finished with the request (500, 502, 503, a
      connection it dropped, a 2xx whose body is unreadable) and the webhook is absent, the
      create is sent again. When the request may still be running (read timeout, 504) the
      client looks ``max_attempts - 1`` more times, waiting ``poll_delay`` (1, 2, 4 s), and if
      the webhook has still not appeared it fails without sending the create again: a late
      landing would otherwise make a duplicate. A re-run converges.
    * A ``DELETE`` retried after an unknown outcome that answers 404 counts as done.
    """

    RETRY_STATUSES = (429, 502, 503, 504)
    UNKNOWN_OUTCOME_STATUSES = (500, 502, 503, 504)

    def __init__(self, max_attempts=4, backoff_base=0.5, backoff_max=8.0, retry_after_max=30.0):
        self.max_attempts = max_attempts
        self.backoff_base = backoff_base
        self.backoff_max = backoff_max
        self.retry_after_max = retry_after_max

    def poll_delay(self, look):
        """Seconds to wait before look number ``look`` for a create that may still land."""
        return min(self.backoff_max, self.backoff_base * (2 ** look))

    def delay(self, attempt, retry_after=None):
        """Seconds to sleep before try number ``attempt`` (1 = the first retry)."""
        if retry_after is not None:
            return min(max(retry_after, 0.0), self.retry_after_max)
        return random.uniform(0, min(self.backoff_max, self.backoff_base * (2 ** attempt)))


def normalize_api_url(api_url):
    """Return the API root (``scheme://host[:port][/prefix]/api/v2``) of a user's URL."""
    if not api_url:
        raise ConfigurationError("api_url is empty; set it or CONTRAFORCE_API_URL, e.g. https://portal.contraforce.com")
    url = api_url.strip().rstrip("/")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConfigurationError("api_url must be an absolute http(s) URL such as https://portal.contraforce.com, got %r" % api_url)
    if parts.query or parts.fragment or "@" in parts.netloc:
        raise ConfigurationError("api_url must be a plain base URL without credentials, query or fragment")
    if url.endswith(api.API_PREFIX):
        url = url[:-len(api.API_PREFIX)]
    return url + api.API_PREFIX


def _retry_after_seconds(response):
    value = response.headers.get("Retry-After")
    if value is None:
        return None
    try:
        return float(value)
    except ValueError:
        return None


class ContraForceClient(object):
    """Talks to ContraForce API v2 over ``requests``.

    ``warnings`` collects what the modules should surface (for example a create whose
    answer was lost). Thread-safe for the concurrent use of the bulk module.
    """

    def __init__(self, api_url, client_id=None, client_secret=None, api_token=None, validate_certs=True,
                 ca_path=None, timeout=30, retry=None, pool_size=10, sleep=time.sleep, ansible_version=None):
        if not HAS_REQUESTS:
            raise ConfigurationError("the Python library requests is required")
        self.base_url = normalize_api_url(api_url)
        self.timeout = float(timeout)
        if self.timeout <= 0:
            raise ConfigurationError("timeout must be a positive number of seconds, got %s" % timeout)
        if api_token and (client_id or client_secret):
            raise ConfigurationError(
                "Conflicting credentials: set either client_id and client_secret (CONTRAFORCE_CLIENT_ID, "
                "CONTRAFORCE_CLIENT_SECRET) or api_token (CONTRAFORCE_API_TOKEN), not both")
        if not api_token and not (client_id and client_secret):
            if client_id:
                missing = "client_secret (or CONTRAFORCE_CLIENT_SECRET) is missing for client_id"
            elif client_secret:
                missing = "client_id (or CONTRAFORCE_CLIENT_ID) is missing for client_secret"
            else:
                missing = ("no credentials were given: set client_id and client_secret (CONTRAFORCE_CLIENT_ID, "
                           "CONTRAFORCE_CLIENT_SECRET) or api_token (CONTRAFORCE_API_TOKEN)")
            raise ConfigurationError("ContraForce credentials are incomplete: " + missing)
        self.retry = retry or RetryPolicy()
        self.sleep = sleep
        self.warnings = []
        self.request_count = 0
        self._count_lock = threading.Lock()

        session = requests.Session()
        session.trust_env = False  # never route API traffic through proxies from the environment
        adapter = HTTPAdapter(pool_connections=pool_size, pool_maxsize=pool_size, max_retries=0)
        session.mount("https://", adapter)
        session.mount("http://", adapter)
        if api_token:
            session.headers["Authorization"] = "Bearer " + api_token
        else:
            session.auth = (client_id, client_secret)
        if not validate_certs:
            session.verify = False  # as everywhere in Ansible, even when ca_path is also set; the module warns
        elif ca_path:
            if not os.path.isfile(ca_path) or not os.access(ca_path, os.R_OK):
                raise ConfigurationError("ca_path %s is not a readable file of PEM CA certificates" % ca_path)
            session.verify = ca_path
        else:
            session.verify = True
        session.headers["Accept"] = "application/json, application/problem+json"
        session.headers["User-Agent"] = "contraforce.platform/%s (ansible-core %s; python %d.%d)" % (
            COLLECTION_VERSION, ansible_version or "unknown", sys.version_info[0], sys.version_info[1])
        self.session = session

    # ------------------------------------------------------------------ transport
    def _send_once(self, method, path, params=None, body=None):
        url = self.base_url + path
        with self._count_lock:
            self.request_count += 1
        try:
            return self.session.request(method, url, params=params, json=body, timeout=self.timeout, allow_redirects=False)
        except requests.exceptions.SSLError as exc:
            raise TransportError(
                "TLS certificate verification failed for %s: %s. Set ca_path to the CA that signed the API's certificate"
                " (or validate_certs: false for tests only)" % (self.base_url, _cause(exc)), "tls", False)
        except requests.exceptions.ConnectTimeout:
            raise TransportError("could not connect to %s within %s s (connect timeout)" % (self.base_url, self.timeout), "connect_timeout", False)
        except requests.exceptions.ReadTimeout:
            raise TransportError("no answer from %s %s within %s s (read timeout)" % (method, path, self.timeout), "read_timeout", True)
        except requests.exceptions.ConnectionError as exc:
            cause = _cause(exc)
            refused = "NewConnectionError" in str(exc) or "Failed to resolve" in cause or "Name or service" in cause
            if refused:
                raise TransportError("could not connect to %s: %s" % (self.base_url, cause), "connect", False)
            raise TransportError("the connection to %s was dropped during %s %s: %s" % (self.base_url, method, path, cause), "connection_dropped", True)
        except requests.exceptions.RequestException as exc:
            raise TransportError("request %s %s failed: %s" % (method, path, _cause(exc)), "request", True)

    def _decode(self, response, method, path):
        if response.status_code == 204 or not response.content:
            return {}
        try:
            payload = response.json()
        except ValueError:
            payload = None
        if not isinstance(payload, dict):
            kind = response.headers.get("Content-Type", "no content type").split(";")[0]
            raise ResponseFormatError(
                "ContraForce answered %s %s with HTTP %s but the body is not the documented JSON envelope (%s)"
                % (method, path, response.status_code, kind), response.status_code, response.headers.get("X-Request-Id"))
        return payload

    def request(self, method, path, params=None, body=None, context=None, retry=True):
        """Send one API call with the retry policy; return the decoded JSON envelope.

        ``retry=False`` sends exactly once (used for creates, see ``RetryPolicy``).
        """
        attempts = self.retry.max_attempts if retry else 1
        attempt = 0
        while True:
            retry_after = None
            try:
                response = self._send_once(method, path, params=params, body=body)
                if 200 <= response.status_code < 300:
                    return self._decode(response, method, path)
                retry_after = _retry_after_seconds(response)
                error = ApiError.from_response(response, method, path, context=context, retry_after=retry_after)
                retriable = response.status_code in RetryPolicy.RETRY_STATUSES
            except TransportError as exc:
                error = exc
                retriable = exc.kind != "tls"
            except ResponseFormatError as exc:
                error = exc
                retriable = True
            attempt += 1
            if not retriable or attempt >= attempts:
                error.attempts = attempt
                raise error
            self.sleep(self.retry.delay(attempt, retry_after))

    # ------------------------------------------------------------------ paging
    def paginate(self, path, params=None, context=None, max_pages=10000):
        """Yield the items of every page of a list call, in any of the documented shapes:

        1. ``{"data": [...]}``; 2. ``{"data": [...], "pagination": {continuationToken, hasMore}}``;
        3. ``{"data": {"items": [...], "continuationToken", "hasMore"}}``.
        """
        params = dict(params or {})
        seen = set()
        for _page in range(max_pages):
            payload = self.request("GET", path, params=params, context=context)
            items, token, has_more = parse_list_page(payload, path)
            yield from items
            if not token or has_more is False:
                return
            if token in seen:
                raise ResponseFormatError("ContraForce repeated the continuation token of %s; stopped paging" % path, 200)
            seen.add(token)
            params[api.CONTINUATION_TOKEN_PARAM] = token
        raise ResponseFormatError("listing %s did not end after %d pages" % (path, max_pages), 200)

    # ------------------------------------------------------------------ webhooks
    def list_webhooks(self, workspace_id):
        """All webhooks of a workspace (ASSUMED call, see ``_api``)."""
        params = {api.LIST_WEBHOOKS_WORKSPACE_PARAM: workspace_id, api.PAGE_SIZE_PARAM: api.LIST_WEBHOOKS_PAGE_SIZE}
        return [w for w in self.paginate(api.LIST_WEBHOOKS.path, params, context="workspace %s" % workspace_id)
                if not w.get("workspaceId") or str(w.get("workspaceId")).lower() == str(workspace_id).lower()]

    def list_all_webhooks(self):
        """Every webhook the credentials can see (ASSUMED call without a workspace filter)."""
        return list(self.paginate(api.LIST_WEBHOOKS.path, {api.PAGE_SIZE_PARAM: api.LIST_WEBHOOKS_PAGE_SIZE}))

    def get_webhook(self, webhook_id):
        """One webhook by id (ASSUMED call); None when it does not exist."""
        try:
            return self.request("GET", api.GET_WEBHOOK.path.format(id=webhook_id), context="webhook %s" % webhook_id).get("data")
        except ApiError as exc:
            if exc.status == 404:
                return None
            raise

    def create_webhook(self, body):
        """Create a webhook without ever creating it twice; returns the API object.

        ``secret`` is in the result only when the create's answer was read. See ``RetryPolicy``.
        """
        workspace_id = body.get("workspaceId")
        attempt = 0
        while True:
            attempt += 1
            try:
                payload = self.request(api.CREATE_WEBHOOK.method, api.CREATE_WEBHOOK.path, body=body,
                                       context="workspace %s" % workspace_id, retry=False)
                data = payload.get("data")
                if isinstance(data, dict) and data.get("id"):
                    return data
                error = ResponseFormatError("ContraForce answered the create of webhook %r without the created webhook" % body.get("name"), 201)
            except ApiError as exc:
                if exc.status not in RetryPolicy.RETRY_STATUSES + RetryPolicy.UNKNOWN_OUTCOME_STATUSES:
                    raise
                error = exc
            except TransportError as exc:
                if exc.kind == "tls":
                    raise
                error = exc
            except ResponseFormatError as exc:
                error = exc
            refused = (isinstance(error, ApiError) and error.status == 429) or (isinstance(error, TransportError) and not error.outcome_unknown)
            if not refused:
                # The create may have landed, or may still be landing: look before sending it again.
                in_flight = (isinstance(error, TransportError) and error.kind == "read_timeout") or (isinstance(error, ApiError) and error.status == 504)
                found = self._find_created(workspace_id, body.get("name"), polls=self.retry.max_attempts - 1 if in_flight else 0)
                if found:
                    self.warnings.append(
                        "The answer to creating webhook %r in workspace %s was lost (%s); the webhook was found afterwards, "
                        "so it was not created again. Its one-time secret could not be read: set signing_token with "
                        "update_credentials: always to own the signing key." % (body.get("name"), workspace_id, error.message))
                    return found
                if in_flight:
                    error.message += (". The create may still complete on ContraForce's side, so it was not sent again (that could "
                                      "duplicate the webhook); it had not appeared after %d checks. Re-run the task: it creates the "
                                      "webhook only if it is still missing" % self.retry.max_attempts)
                    error.args = (error.message,)
                    raise error
            if attempt >= self.retry.max_attempts:
                raise error
            self.sleep(self.retry.delay(attempt, getattr(error, "retry_after", None)))

    def _find_created(self, workspace_id, name, polls=0):
        """The webhook ``name`` of a workspace after a create with an unknown outcome, or None;
        with ``polls``, look that many more times, waiting the backoff without jitter between looks."""
        for look in range(polls + 1):
            if look:
                self.sleep(self.retry.poll_delay(look))
            found = [w for w in self.list_webhooks(workspace_id) if w.get("name") == name]
            if found:
                return found[0]
        return None

    def delete_webhook(self, webhook_id):
        """Delete a webhook (ASSUMED call). A 404 after a retry counts as deleted."""
        path = api.DELETE_WEBHOOK.path.format(id=webhook_id)
        try:
            self.request(api.DELETE_WEBHOOK.method, path, context="webhook %s" % webhook_id)
        except ApiError as exc:
            if exc.status == 404 and getattr(exc, "attempts", 1) > 1:
                return
            raise

    def update_credentials(self, webhook_id, body):
        """Set a webhook's authentication and signing token (documented call)."""
        path = api.UPDATE_WEBHOOK_CREDENTIALS.path.format(id=webhook_id)
        return self.request(api.UPDATE_WEBHOOK_CREDENTIALS.method, path, body=body, context="webhook %s" % webhook_id).get("data") or {}

    def list_delivery_logs(self, webhook_id, page_size=100, date_from=None, date_to=None, max_items=None):
        """Delivery logs of a webhook (documented, shape 3), newest pages as the API orders them."""
        params = {api.PAGE_SIZE_PARAM: page_size}
        if date_from:
            params[api.DELIVERY_LOGS_FROM_PARAM] = date_from
        if date_to:
            params[api.DELIVERY_LOGS_TO_PARAM] = date_to
        path = api.LIST_DELIVERY_LOGS.path.format(id=webhook_id)
        items = []
        for item in self.paginate(path, params, context="webhook %s" % webhook_id):
            items.append(item)
            if max_items is not None and len(items) >= max_items:
                break
        return items


def parse_list_page(payload, path):
    """Return ``(items, continuation_token, has_more)`` of one list page."""
    data = payload.get("data")
    if isinstance(data, list):
        pagination = payload.get("pagination") or {}
        if not isinstance(pagination, dict):
            pagination = {}
        return data, pagination.get("continuationToken"), pagination.get("hasMore")
    if isinstance(data, dict) and isinstance(data.get("items"), list):
        return data["items"], data.get("continuationToken"), data.get("hasMore")
    raise ResponseFormatError("ContraForce answered GET %s with a list in no documented shape" % path, 200)


def _cause(exc):
    """The innermost reason of a requests/urllib3 exception, without URLs' query strings."""
    reason = exc
    for _level in range(5):
        inner = getattr(reason, "reason", None) or (reason.args[0] if getattr(reason, "args", None) else None)
        if inner is None or inner is reason or isinstance(inner, str):
            break
        reason = inner
    text = str(reason)
    return text[:300]
