# -*- coding: utf-8 -*-
# Copyright: ContraForce platform collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Webhook logic shared by ``webhook`` and ``webhook_bulk``: the one place for option
specs, input validation, identity matching, drift, diff, secret masking and reconcile."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re
import uuid

try:
    from urllib.parse import urlsplit
except ImportError:  # pragma: no cover
    from urlparse import urlsplit  # type: ignore

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict

from ansible_collections.contraforce.platform.plugins.module_utils._errors import ContraForceError

AUTH_TYPES = {"none": "None", "basic": "BasicAuth", "bearer": "BearerToken"}
API_AUTH_TYPES = dict((v, k) for k, v in AUTH_TYPES.items())

# Options whose values are write-only secrets: never returned, never shown.
SECRET_OPTIONS = ("token", "password", "signing_token")
MASK = "********"

EVENT_TYPE_PATTERN = re.compile(r"^[a-z][a-zA-Z0-9_]*(\.[a-z][a-zA-Z0-9_]*)+\.v[1-9][0-9]*$")


def webhook_argument_spec():
    """Options of one webhook definition (the module's own options, and the elements of
    the bulk module's ``webhooks``)."""
    return dict(
        name=dict(type="str", required=True),
        url=dict(type="str"),
        event_types=dict(type="list", elements="str"),
        monitored_account_ids=dict(type="list", elements="str"),
        authentication_type=dict(type="str", choices=list(AUTH_TYPES)),
        token=dict(type="str", no_log=True),
        username=dict(type="str"),
        password=dict(type="str", no_log=True),
        signing_token=dict(type="str", no_log=True),
        state=dict(type="str", choices=["present", "absent"], default="present"),
        update_credentials=dict(type="str", choices=["on_create", "always"], default="on_create"),
    )


class WebhookInputError(ContraForceError):
    """Invalid input, found before any request. ``problems`` maps field -> reason."""

    def __init__(self, problems):
        self.problems = problems
        text = "; ".join("%s: %s" % (field, why) for field, why in problems)
        super(WebhookInputError, self).__init__("Invalid input, nothing was sent to ContraForce. " + text)

    def to_result(self):
        return {"invalid_fields": dict(self.problems)}


def is_uuid(value):
    try:
        uuid.UUID(str(value))
    except (ValueError, TypeError, AttributeError):
        return False
    return len(str(value)) == 36


def check_uuid(field, value):
    if not is_uuid(value):
        return [(field, "%r is not a UUID such as 2f1b8c9e-0d4a-4c55-9a8e-3d2c1b0a9f87" % (value,))]
    return []


def validate_definition(d, workspace_id=None, prefix=""):
    """Return a list of ``(field, reason)`` for one webhook definition (module option names)."""
    problems = []
    p = prefix

    if workspace_id is not None:
        problems += check_uuid(p + "workspace_id", workspace_id)
    name = d.get("name")
    if not isinstance(name, str) or not name.strip():
        problems.append((p + "name", "must be a non-empty string"))
    elif name != name.strip():
        problems.append((p + "name", "must not start or end with white space"))
    if d.get("state", "present") == "absent":
        return problems

    url = d.get("url")
    if not url:
        problems.append((p + "url", "is required when state is present"))
    else:
        parts = urlsplit(str(url))
        if parts.scheme not in ("http", "https") or not parts.hostname:
            problems.append((p + "url", "must be an absolute http:// or https:// URL, got %r" % (url,)))
        elif "@" in parts.netloc:
            problems.append((p + "url", "must not carry user:password; use authentication_type basic instead"))

    event_types = d.get("event_types")
    if not event_types:
        problems.append((p + "event_types", "needs at least one event type such as incident.created.v1"))
    else:
        for item in event_types:
            if not isinstance(item, str) or not EVENT_TYPE_PATTERN.match(item):
                problems.append((p + "event_types", "%r does not have the shape resource.verb.vN (e.g. incident.created.v1)" % (item,)))

    for item in d.get("monitored_account_ids") or []:
        problems += check_uuid(p + "monitored_account_ids", item)

    auth = d.get("authentication_type")
    effective = auth or "none"
    if effective == "none":
        for field in ("token", "username", "password"):
            if d.get(field):
                problems.append((p + field, "is set but authentication_type is %s; set authentication_type to %s"
                                 % (auth or "not set (none)", "bearer" if field == "token" else "basic")))
    elif effective == "basic":
        for field in ("username", "password"):
            if not d.get(field):
                problems.append((p + field, "is required when authentication_type is basic"))
        if d.get("token"):
            problems.append((p + "token", "is only used with authentication_type bearer, not basic"))
    elif effective == "bearer":
        if not d.get("token"):
            problems.append((p + "token", "is required when authentication_type is bearer"))
        for field in ("username", "password"):
            if d.get(field):
                problems.append((p + field, "is only used with authentication_type basic, not bearer"))
    if d.get("update_credentials") == "always" and not auth:
        problems.append((p + "authentication_type", "is required when update_credentials is always"))
    return problems


def _dedupe(items):
    seen = []
    for item in items or []:
        if item not in seen:
            seen.append(item)
    return seen


def create_body(workspace_id, d):
    """The seed's ``POST /api/v2/webhooks`` body for a definition."""
    body = {
        "workspaceId": workspace_id,
        "name": d["name"],
        "url": d["url"],
        "eventTypes": _dedupe(d.get("event_types")),
        "monitoredAccountIds": [str(i).lower() for i in _dedupe(d.get("monitored_account_ids"))],
        "authenticationType": AUTH_TYPES[d.get("authentication_type") or "none"],
    }
    body.update(_credential_fields(d))
    return body


def _credential_fields(d):
    fields = {}
    for option, key in (("token", "token"), ("username", "username"), ("password", "password"), ("signing_token", "signingToken")):
        if d.get(option):
            fields[key] = d[option]
    return fields


def credentials_body(d, existing):
    body = {"authenticationType": AUTH_TYPES[d["authentication_type"]] if d.get("authentication_type") else existing.get("authenticationType")}
    body.update(_credential_fields(d))
    return body


# Keys that never leave a module, even if an API version starts returning them: the one-time
# secret and the write-only credentials.
WRITE_ONLY_KEYS = ("secret", "token", "password", "signingToken", "clientSecret")


def to_snake(obj):
    """An API object with snake_case keys and without any of ``WRITE_ONLY_KEYS``."""
    if not obj:
        return {}
    return camel_dict_to_snake_dict(dict((k, v) for k, v in obj.items() if k not in WRITE_ONLY_KEYS))


def find_matches(webhooks, name):
    return [w for w in webhooks if w.get("name") == name]


def drift_of(existing, d):
    """Fields where an existing webhook differs from the task and the API has no update call."""
    drift = {}
    if d.get("url") and existing.get("url") != d["url"]:
        drift["url"] = {"have": existing.get("url"), "want": d["url"]}
    if d.get("event_types") is not None and set(existing.get("eventTypes") or []) != set(d["event_types"]):
        drift["event_types"] = {"have": existing.get("eventTypes") or [], "want": _dedupe(d["event_types"])}
    if d.get("monitored_account_ids") is not None:
        have = set(str(i).lower() for i in existing.get("monitoredAccountIds") or [])
        want = set(str(i).lower() for i in d["monitored_account_ids"])
        if have != want:
            drift["monitored_account_ids"] = {"have": existing.get("monitoredAccountIds") or [],
                                              "want": [str(i).lower() for i in _dedupe(d["monitored_account_ids"])]}
    return drift


def credentials_reason(existing, d):
    """Why the credentials call is needed for an existing webhook, or None."""
    if d.get("update_credentials") == "always":
        return "update_credentials is always"
    want = d.get("authentication_type")
    if want and existing.get("authenticationType") != AUTH_TYPES[want]:
        return "authentication_type changes from %s to %s" % (API_AUTH_TYPES.get(existing.get("authenticationType"), existing.get("authenticationType")), want)
    if d.get("signing_token") and not existing.get("hasSigningToken"):
        return "a signing_token is set and the webhook has none"
    return None


def _masked_credentials(d):
    shown = {}
    for option in ("token", "username", "password", "signing_token"):
        if d.get(option):
            shown[option] = MASK if option in SECRET_OPTIONS else d[option]
    return shown


def predicted_webhook(workspace_id, d, existing=None):
    """What the webhook will look like after the task (no write is needed to know it)."""
    if existing is None:
        body = create_body(workspace_id, d)
        for key in ("token", "username", "password", "signingToken"):
            body.pop(key, None)
        body.update({"id": None, "status": "Active", "hasSigningToken": bool(d.get("signing_token"))})
        return to_snake(body)
    # The credentials call sets all credentials at once: a webhook keeps a signing token
    # only when the task sends one.
    after = dict(existing)
    after["authenticationType"] = credentials_body(d, existing)["authenticationType"]
    after["hasSigningToken"] = bool(d.get("signing_token"))
    return to_snake(after)


def _diff(workspace_id, name, before, after, credentials=None):
    header = "webhook %s in workspace %s" % (name, workspace_id)
    after = dict(after or {})
    if credentials:
        after["credentials"] = credentials
    return {"before": before or {}, "after": after, "before_header": header, "after_header": header}


def reconcile(client, workspace_id, definitions, check_mode, existing=None):
    """Bring one workspace to the definitions with one listing and the minimum of writes.

    Returns one result dict per definition: ``name``, ``workspace_id``, ``action``
    (``created``, ``deleted``, ``credentials_updated``, ``unchanged``, ``absent``, ``failed``),
    ``changed``, ``drifted``, ``drift``, ``webhook``, ``diff``, ``warnings``, ``msg`` and,
    only right after a create whose answer was read, ``secret``.
    """
    if existing is None:
        existing = client.list_webhooks(workspace_id)
    return [_reconcile_one(client, workspace_id, d, check_mode, existing) for d in definitions]


def _result(workspace_id, d, **kw):
    result = {"workspace_id": workspace_id, "name": d["name"], "changed": False, "drifted": False, "drift": {},
              "warnings": [], "webhook": {}}
    result.update(kw)
    return result


def _reconcile_one(client, workspace_id, d, check_mode, existing):
    name = d["name"]
    matches = find_matches(existing, name)
    if len(matches) > 1:
        ids = ", ".join(str(m.get("id")) for m in matches)
        return _result(workspace_id, d, action="failed", failed=True, ids=[m.get("id") for m in matches],
                       msg="%d webhooks named %r exist in workspace %s (ids %s); the name must identify one webhook, "
                           "so nothing was changed. Delete or rename the extras." % (len(matches), name, workspace_id, ids))
    current = matches[0] if matches else None
    state = d.get("state") or "present"
    try:
        if state == "absent":
            if current is None:
                return _result(workspace_id, d, action="absent", diff=_diff(workspace_id, name, {}, {}))
            if not check_mode:
                client.delete_webhook(current["id"])
                existing.remove(current)
            return _result(workspace_id, d, action="deleted", changed=True, webhook=to_snake(current),
                           diff=_diff(workspace_id, name, to_snake(current), {}))

        if current is None:
            secret = None
            if check_mode:
                webhook = predicted_webhook(workspace_id, d)
            else:
                created = client.create_webhook(create_body(workspace_id, d))
                secret = created.get("secret")
                existing.append(dict((k, v) for k, v in created.items() if k != "secret"))
                webhook = to_snake(created)
            result = _result(workspace_id, d, action="created", changed=True, webhook=webhook,
                             diff=_diff(workspace_id, name, {}, webhook, _masked_credentials(d)))
            if secret:
                result["secret"] = secret
            return result

        drift = drift_of(current, d)
        warnings = []
        if drift:
            warnings.append("Webhook %r in workspace %s differs from the task in %s; ContraForce documents no call to update "
                            "these fields, so they were left as they are (delete and re-create the webhook to apply them)."
                            % (name, workspace_id, ", ".join(sorted(drift))))
        before = to_snake(current)
        reason = credentials_reason(current, d)
        if reason:
            if current.get("hasSigningToken") and not d.get("signing_token"):
                warnings.append("Webhook %r in workspace %s has a signing token and the task sends none: the credentials call "
                                "replaces all credentials, so ContraForce signs with the webhook's generated secret again. Set "
                                "signing_token to keep your own signing key." % (name, workspace_id))
            if check_mode:
                webhook = predicted_webhook(workspace_id, d, current)
            else:
                answer = client.update_credentials(current["id"], credentials_body(d, current))
                updated = dict(current)
                for key in ("authenticationType", "hasSigningToken", "lastModifiedAt"):
                    if key in answer:
                        updated[key] = answer[key]
                existing[existing.index(current)] = updated
                webhook = to_snake(updated)
            after = dict(webhook)
            for field, values in drift.items():
                after[field] = values["want"]
            return _result(workspace_id, d, action="credentials_updated", changed=True, webhook=webhook, drifted=bool(drift),
                           drift=drift, warnings=warnings, credentials_reason=reason,
                           diff=_diff(workspace_id, name, before, after, _masked_credentials(d)))
        after = dict(before)
        for field, values in drift.items():
            after[field] = values["want"]
        return _result(workspace_id, d, action="unchanged", webhook=before, drifted=bool(drift), drift=drift,
                       warnings=warnings, diff=_diff(workspace_id, name, before, after))
    except ContraForceError as exc:
        failed = _result(workspace_id, d, action="failed", failed=True, msg=exc.message)
        failed.update(exc.to_result())
        return failed
