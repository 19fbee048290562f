# -*- coding: utf-8 -*-
# Copyright: ContraForce platform collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one table of connection options shared by every module of the collection.

``CONNECTION_OPTIONS`` feeds three consumers, so they can never disagree:

* ``connection_argument_spec()``: merged into each module's ``argument_spec``
  (types, defaults, ``no_log`` and environment fallbacks);
* the ``contraforce.platform.connection`` doc fragment, rendered from this table
  by ``connection_doc_fragment()``;
* the AWX credential type and its test, which read ``ENV_VARS``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.module_utils.basic import env_fallback

DEFAULT_API_URL = "https://portal.contraforce.com"
DEFAULT_TIMEOUT = 30

# name -> dict(type, env, default, no_log, description[, aliases])
CONNECTION_OPTIONS = {
    "api_url": {
        "type": "str",
        "env": "CONTRAFORCE_API_URL",
        "default": DEFAULT_API_URL,
        "description": [
            "Base URL of the ContraForce platform, for example V(https://portal.contraforce.com)"
            " or V(https://prod.platform.contraforce.com).",
            "Accepted with or without a trailing C(/api/v2).",
        ],
    },
    "client_id": {
        "type": "str",
        "env": "CONTRAFORCE_CLIENT_ID",
        "description": [
            "Client ID of a ContraForce service account, sent with O(client_secret) as HTTP Basic"
            " authentication (the documented way to call API v2).",
            "Mutually exclusive with O(api_token).",
        ],
    },
    "client_secret": {
        "type": "str",
        "env": "CONTRAFORCE_CLIENT_SECRET",
        "no_log": True,
        "description": [
            "Client secret of the service account named by O(client_id).",
        ],
    },
    "api_token": {
        "type": "str",
        "env": "CONTRAFORCE_API_TOKEN",
        "no_log": True,
        "description": [
            "A bearer token, sent as C(Authorization: Bearer ...), instead of O(client_id) and"
            " O(client_secret).",
        ],
    },
    "validate_certs": {
        "type": "bool",
        "env": "CONTRAFORCE_VALIDATE_CERTS",
        "default": True,
        "description": [
            "Whether to verify the TLS certificate of the API. Set to V(false) only for tests;"
            " the module then warns.",
        ],
    },
    "ca_path": {
        "type": "path",
        "env": "CONTRAFORCE_CA_PATH",
        "description": [
            "PEM file of CA certificates to trust for the API, for example a corporate proxy's CA.",
        ],
    },
    "timeout": {
        "type": "float",
        "env": "CONTRAFORCE_TIMEOUT",
        "default": DEFAULT_TIMEOUT,
        "description": [
            "Seconds to wait for the API to connect and to answer each request.",
            "Retries of reads (see the collection's retry policy) each get this timeout.",
        ],
    },
}

ENV_VARS = dict((name, spec["env"]) for name, spec in CONNECTION_OPTIONS.items())

SECRET_OPTIONS = tuple(name for name, spec in CONNECTION_OPTIONS.items() if spec.get("no_log"))


def connection_argument_spec():
    """Return a fresh argument_spec fragment for the connection options."""
    spec = {}
    for name, opt in CONNECTION_OPTIONS.items():
        entry = {"type": opt["type"], "fallback": (env_fallback, [opt["env"]])}
        if "default" in opt:
            entry["default"] = opt["default"]
        if opt.get("no_log"):
            entry["no_log"] = True
        spec[name] = entry
    return spec


def _yaml_scalar(value):
    text = str(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return text
    return "'" + text.replace("'", "''") + "'"


def connection_doc_fragment():
    """Render the DOCUMENTATION of the connection doc fragment from the table."""
    lines = ["options:"]
    for name, opt in CONNECTION_OPTIONS.items():
        lines.append("  %s:" % name)
        lines.append("    description:")
        for sentence in opt["description"]:
            lines.append("      - %s" % _yaml_scalar(sentence))
        lines.append("      - If not set, the value of the E(%s) environment variable is used." % opt["env"])
        lines.append("    type: %s" % opt["type"])
        if "default" in opt:
            lines.append("    default: %s" % _yaml_scalar(opt["default"]))
    return "\n".join(lines) + "\n"
