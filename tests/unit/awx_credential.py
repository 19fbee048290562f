# -*- coding: utf-8 -*-
# Copyright: ContraForce platform collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The shipped AWX credential type, and what AWX injects for a credential of that type.

Used by the unit test of the credential type and by the integration test that runs a job's
playbook with the injected environment.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import tempfile

import yaml
from jinja2.sandbox import ImmutableSandboxedEnvironment

from .ansible_doc import REPO_ROOT

CREDENTIAL_TYPE = os.path.join("extensions", "awx", "credential_type.yml")


def load_credential_type():
    with open(os.path.join(REPO_ROOT, CREDENTIAL_TYPE)) as handle:
        return yaml.safe_load(handle)


class Tower(object):
    def __init__(self, filename=None):
        self.filename = filename


def awx_inject(credential_type, inputs, private_dir):
    """Render the injectors the way AWX does for a job: return ``(env, written files)``.

    Empty strings are left out of the namespace (undefined renders as ""), booleans never saved
    become false, a ``file.template`` is written to a file whose path is ``tower.filename``.
    """
    namespace = {}
    for name, value in inputs.items():
        if isinstance(value, bool) or value:
            namespace[name] = value
    for field in credential_type["inputs"]["fields"]:
        if field.get("type") == "boolean" and field["id"] not in inputs:
            namespace[field["id"]] = False
    sandbox = ImmutableSandboxedEnvironment()
    tower = Tower()
    files = {}
    for label, template in credential_type["injectors"].get("file", {}).items():
        handle, path = tempfile.mkstemp(dir=private_dir)
        with os.fdopen(handle, "w") as out:
            out.write(sandbox.from_string(template).render(**namespace))
        assert label == "template"
        tower.filename = path
        files[label] = path
    namespace["tower"] = tower
    env = dict((name, sandbox.from_string(template).render(**namespace))
               for name, template in credential_type["injectors"]["env"].items())
    return env, files
