# -*- coding: utf-8 -*-
# Copyright: ContraForce platform collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The module template every module of the collection uses.

``ContraForceModule(argument_spec=..., ...)`` adds the shared connection options;
``module.run(fn)`` builds the client, calls ``fn(module, client)`` and turns every
``ContraForceError`` into one ``fail_json`` with a plain-words message and no traceback.
``fn`` returns the keyword arguments of ``exit_json``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.module_utils.ansible_release import __version__ as ANSIBLE_VERSION
from ansible.module_utils.basic import AnsibleModule, missing_required_lib

from ansible_collections.contraforce.platform.plugins.module_utils._client import (
    HAS_REQUESTS,
    REQUESTS_IMPORT_ERROR,
    ContraForceClient,
)
from ansible_collections.contraforce.platform.plugins.module_utils._errors import ContraForceError
from ansible_collections.contraforce.platform.plugins.module_utils._options import connection_argument_spec


class ContraForceModule(AnsibleModule):

    def __init__(self, argument_spec, **kwargs):
        spec = connection_argument_spec()
        spec.update(argument_spec)
        super(ContraForceModule, self).__init__(argument_spec=spec, **kwargs)

    def client(self, pool_size=10):
        if not HAS_REQUESTS:
            self.fail_json(msg=missing_required_lib("requests"), exception=REQUESTS_IMPORT_ERROR)
        p = self.params
        if not p["validate_certs"]:
            self.warn("validate_certs is false: the ContraForce API's TLS certificate is not verified; use it for tests only.")
        return ContraForceClient(
            api_url=p["api_url"], client_id=p["client_id"], client_secret=p["client_secret"], api_token=p["api_token"],
            validate_certs=p["validate_certs"], ca_path=p["ca_path"], timeout=p["timeout"], pool_size=pool_size,
            ansible_version=ANSIBLE_VERSION)

    def fail_error(self, exc, **extra):
        result = dict(exc.to_result())
        result.update(extra)
        self.fail_json(msg=exc.message, **result)

    def run(self, fn, pool_size=10):
        client = None
        try:
            client = self.client(pool_size=pool_size)
            result = fn(self, client)
        except ContraForceError as exc:
            for warning in (client.warnings if client else []):
                self.warn(warning)
            self.fail_error(exc)
        for warning in client.warnings:
            self.warn(warning)
        self.exit_json(**result)
