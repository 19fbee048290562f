# -*- coding: utf-8 -*-
# Copyright: ContraForce platform collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The AWX / Automation Controller credential type injects exactly what the modules read.

* Every environment variable the credential type injects is one the modules document (read from
  ``ansible-doc --json``: the connection options name ``E(CONTRAFORCE_...)``) and one of
  ``_options.ENV_VARS``; every variable the modules read is injected, or listed in ``EXCLUDED``
  with the reason.
* The file is valid for AWX: the field and injector rules AWX applies when the type is saved,
  and its templates render the way AWX renders them when it saves the type and when it runs a job.
* What AWX injects for typical credentials (client id + secret, bearer token, custom CA, a
  boolean-free ``validate_certs``) yields the intended connection in the modules' argument spec
  and client.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import fnmatch
import json
import os
import re
import subprocess
import sys
import textwrap

import pytest
import yaml
from jinja2 import StrictUndefined, meta
from jinja2.exceptions import UndefinedError
from jinja2.sandbox import ImmutableSandboxedEnvironment

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

from ansible_collections.contraforce.platform.plugins.module_utils._client import ContraForceClient
from ansible_collections.contraforce.platform.plugins.module_utils._errors import ConfigurationError
from ansible_collections.contraforce.platform.plugins.module_utils._options import (
    CONNECTION_OPTIONS,
    DEFAULT_API_URL,
    ENV_VARS,
    SECRET_OPTIONS,
    connection_argument_spec,
)

from .ansible_doc import REPO_ROOT, documented_env_vars, module_docs
from .awx_credential import CREDENTIAL_TYPE, Tower, awx_inject, load_credential_type

GUIDE = os.path.join(REPO_ROOT, "docs", "docsite", "rst", "guide_awx.rst")

# Variables the modules read that the credential type deliberately does not inject.
EXCLUDED = {
    "CONTRAFORCE_TIMEOUT": "a timeout belongs to the job (module_defaults or a job template variable), not to a secret",
}

# Which input field feeds each injected variable; the option of the same name otherwise.
SPECIAL_SOURCES = {
    "CONTRAFORCE_CA_PATH": {"ca_cert", "tower"},  # the PEM text goes into a file AWX writes
}

# The rules AWX applies to a custom credential type when it is saved (as documented by AWX).
FIELD_KEYS = {"id", "type", "label", "help_text", "secret", "multiline", "choices", "format", "ask_at_runtime", "default"}
STRING_ONLY_KEYS = ("choices", "multiline", "format", "secret")
NAME = re.compile(r"^[a-zA-Z_]+[a-zA-Z0-9_]*$")
FILE_KEY = re.compile(r"^template(\.[a-zA-Z_]+[a-zA-Z0-9_]*)?$")

PEM = "-----BEGIN CERTIFICATE-----\nMIIBfake\n-----END CERTIFICATE-----\n"


@pytest.fixture(scope="module")
def credential_type():
    return load_credential_type()


@pytest.fixture(scope="module")
def injected(credential_type):
    return set(credential_type["injectors"]["env"])


@pytest.fixture(scope="module")
def read_by_modules():
    """``{CONTRAFORCE_* variable: [modules documenting it]}`` from ``ansible-doc --json``."""
    found = {}
    for module, doc in module_docs().items():
        for variable in documented_env_vars(doc).values():
            found.setdefault(variable, []).append(module)
    return found


def fields_by_id(credential_type):
    return dict((field["id"], field) for field in credential_type["inputs"]["fields"])


# --------------------------------------------------------------------------- both directions


def test_every_injected_variable_is_read_by_the_modules(injected, read_by_modules):
    assert sorted(injected - set(read_by_modules)) == [], "injected, but no module documents reading it"
    assert sorted(injected - set(ENV_VARS.values())) == [], "injected, but not in _options.ENV_VARS"


def test_every_variable_the_modules_read_is_injected_or_excluded(injected, read_by_modules):
    assert sorted(set(read_by_modules) - injected - set(EXCLUDED)) == [], "read by the modules, but not injected"
    assert sorted(set(ENV_VARS.values()) - injected - set(EXCLUDED)) == [], "in _options.ENV_VARS, but not injected"


def test_exclusions_are_real_and_not_injected(injected, read_by_modules):
    """An exclusion names a variable the modules read (no stale entries) that is indeed not injected."""
    assert sorted(set(EXCLUDED) - set(read_by_modules)) == []
    assert sorted(set(EXCLUDED) & injected) == []


def test_every_module_documents_every_connection_variable():
    """Each module's rendered docs name the variable ``_options`` reads for each connection option."""
    for module, doc in module_docs().items():
        documented = documented_env_vars(doc)
        expected = dict((name, env) for name, env in ENV_VARS.items())
        assert dict((name, documented.get(name)) for name in expected) == expected, module
        assert set(documented) == set(expected), "%s documents CONTRAFORCE_* on a non-connection option" % module


def test_argument_spec_reads_the_documented_variables():
    """The fallbacks of the argument spec are the documented variables (docs and behaviour agree)."""
    spec = connection_argument_spec()
    assert dict((name, spec[name]["fallback"][1]) for name in spec) == dict((name, [env]) for name, env in ENV_VARS.items())


# --------------------------------------------------------------------------- fields and injectors


def test_each_variable_comes_from_its_own_field(credential_type):
    env = ImmutableSandboxedEnvironment()
    option_of = dict((variable, name) for name, variable in ENV_VARS.items())
    for variable, template in credential_type["injectors"]["env"].items():
        used = meta.find_undeclared_variables(env.parse(template))
        assert used == SPECIAL_SOURCES.get(variable, {option_of[variable]}), variable


def test_secrets_are_secret_fields(credential_type):
    fields = fields_by_id(credential_type)
    for name in SECRET_OPTIONS:
        if ENV_VARS[name] not in EXCLUDED:
            assert fields[name].get("secret") is True, "%s holds a secret: mark the field secret" % name
    for name, field in fields.items():
        if field.get("secret"):
            assert CONNECTION_OPTIONS.get(name, {}).get("no_log"), "%s is secret in AWX but not no_log in the modules" % name


def test_field_defaults_match_the_modules(credential_type):
    fields = fields_by_id(credential_type)
    assert fields["api_url"]["default"] == CONNECTION_OPTIONS["api_url"]["default"] == DEFAULT_API_URL
    assert fields["validate_certs"]["default"] == "true"
    assert CONNECTION_OPTIONS["validate_certs"]["default"] is True


def test_fields_follow_awx_rules(credential_type):
    assert set(credential_type) == {"name", "description", "kind", "inputs", "injectors"}
    assert credential_type["kind"] == "cloud"
    ids = []
    for field in credential_type["inputs"]["fields"]:
        assert set(field) <= FIELD_KEYS, field
        assert {"id", "label"} <= set(field), field
        assert NAME.match(field["id"]) and field["id"] != "tower", field
        kind = field.get("type", "string")
        assert kind in ("string", "boolean"), field
        if "default" in field:
            assert isinstance(field["default"], bool if kind == "boolean" else str), field
        if kind != "string":
            assert not set(STRING_ONLY_KEYS) & set(field), field
        if "choices" in field:
            assert field["choices"] and all(isinstance(choice, str) for choice in field["choices"]), field
            assert len(set(field["choices"])) == len(field["choices"])
            assert field.get("default", field["choices"][0]) in field["choices"]
        ids.append(field["id"])
    assert len(ids) == len(set(ids)), "field ids must be unique"
    assert set(credential_type["inputs"].get("required", [])) <= set(ids)
    assert set(credential_type["inputs"]) <= {"fields", "required"}


def test_no_boolean_fields(credential_type):
    """AWX injects a boolean input that was never saved as false: a boolean validate_certs would
    silently switch TLS verification off for credentials created through the API."""
    assert [field["id"] for field in credential_type["inputs"]["fields"] if field.get("type") == "boolean"] == []


def test_injectors_follow_awx_rules(credential_type):
    injectors = credential_type["injectors"]
    assert set(injectors) <= {"file", "env", "extra_vars"}
    assert "extra_vars" not in injectors, "the modules read environment variables, not extra vars"
    assert all(FILE_KEY.match(key) for key in injectors.get("file", {}))
    for variable, template in injectors["env"].items():
        assert NAME.match(variable) and variable.startswith("CONTRAFORCE_"), variable
        assert isinstance(template, str) and template.isascii(), variable


def test_templates_render_when_awx_saves_the_type(credential_type):
    """AWX renders every template with StrictUndefined, each field set to EXAMPLE, when saving."""
    namespace = dict((field["id"], "EXAMPLE") for field in credential_type["inputs"]["fields"])
    namespace["tower"] = Tower("EXAMPLE_FILENAME")
    env = ImmutableSandboxedEnvironment(undefined=StrictUndefined)
    for kind in ("file", "env"):
        for key, template in credential_type["injectors"].get(kind, {}).items():
            try:
                env.from_string(template).render(**namespace)
            except UndefinedError as exc:  # pragma: no cover - the failure message is the point
                pytest.fail("%s.%s uses an undefined field: %s" % (kind, key, exc))


# --------------------------------------------------------------------------- what a job receives


def module_params(monkeypatch, env):
    """The connection parameters a module gets with ``env`` and no task options."""
    for name in list(os.environ):
        if name.startswith("CONTRAFORCE_"):
            monkeypatch.delenv(name)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    result = ArgumentSpecValidator(connection_argument_spec()).validate({})
    assert not result.error_messages, result.error_messages
    return result.validated_parameters


def client_for(params):
    return ContraForceClient(
        api_url=params["api_url"], client_id=params["client_id"], client_secret=params["client_secret"],
        api_token=params["api_token"], validate_certs=params["validate_certs"], ca_path=params["ca_path"],
        timeout=params["timeout"])


def test_service_account_credential(credential_type, monkeypatch, tmp_path):
    env, _files = awx_inject(credential_type, {"api_url": DEFAULT_API_URL, "client_id": "svc", "client_secret": "s3"}, str(tmp_path))
    assert env["CONTRAFORCE_VALIDATE_CERTS"] == "true" and env["CONTRAFORCE_API_TOKEN"] == "" and env["CONTRAFORCE_CA_PATH"] == ""
    params = module_params(monkeypatch, env)
    assert params["validate_certs"] is True and params["timeout"] == CONNECTION_OPTIONS["timeout"]["default"]
    client = client_for(params)
    assert client.session.auth == ("svc", "s3")
    assert "Authorization" not in client.session.headers
    assert client.session.verify is True
    assert client.base_url.startswith(DEFAULT_API_URL)


def test_bearer_token_credential_without_tls_verification(credential_type, monkeypatch, tmp_path):
    inputs = {"api_url": "https://prod.platform.contraforce.com/api/v2", "api_token": "tok", "validate_certs": "false"}
    env, _files = awx_inject(credential_type, inputs, str(tmp_path))
    params = module_params(monkeypatch, env)
    assert params["validate_certs"] is False
    client = client_for(params)
    assert client.session.headers["Authorization"] == "Bearer tok"
    assert client.session.verify is False


def test_custom_ca_credential(credential_type, monkeypatch, tmp_path):
    env, files = awx_inject(credential_type, {"api_url": DEFAULT_API_URL, "api_token": "tok", "ca_cert": PEM}, str(tmp_path))
    assert env["CONTRAFORCE_CA_PATH"] == files["template"]
    with open(files["template"]) as handle:
        assert handle.read() == PEM
    client = client_for(module_params(monkeypatch, env))
    assert client.session.verify == files["template"]


def test_credential_saved_without_validate_certs_keeps_tls_verification(credential_type, monkeypatch, tmp_path):
    """A credential created through the API or ansible.controller.credential without the input."""
    env, _files = awx_inject(credential_type, {"api_url": DEFAULT_API_URL, "api_token": "tok", "validate_certs": ""}, str(tmp_path))
    assert env["CONTRAFORCE_VALIDATE_CERTS"] == "true"
    assert module_params(monkeypatch, env)["validate_certs"] is True


def test_both_kinds_of_credentials_fail_clearly(credential_type, monkeypatch, tmp_path):
    """AWX cannot express "either-or" between inputs; the modules refuse the mix with a clear message."""
    inputs = {"api_url": DEFAULT_API_URL, "client_id": "svc", "client_secret": "s3", "api_token": "tok"}
    env, _files = awx_inject(credential_type, inputs, str(tmp_path))
    with pytest.raises(ConfigurationError, match="Conflicting credentials"):
        client_for(module_params(monkeypatch, env))


# --------------------------------------------------------------------------- shipping and the guide


def test_credential_type_is_shipped():
    """No build_ignore pattern of galaxy.yml drops the credential type from the tarball."""
    with open(os.path.join(REPO_ROOT, "galaxy.yml")) as handle:
        patterns = yaml.safe_load(handle).get("build_ignore") or []
    parts = CREDENTIAL_TYPE.split(os.sep)
    prefixes = [os.sep.join(parts[:index]) for index in range(1, len(parts) + 1)]
    assert [(pattern, path) for pattern in patterns for path in prefixes if fnmatch.fnmatch(path, pattern)] == []


def _guide_block(marker):
    """The code block that follows ``.. tested: <marker>`` in the AWX guide."""
    with open(GUIDE) as handle:
        text = handle.read()
    match = re.search(r"^\.\. tested: %s\n\n\.\. code-block:: [a-z]+\n\n((?:(?: {4}.*)?\n)+)" % re.escape(marker), text, re.M)
    assert match, "%s lost the code block marked .. tested: %s" % (GUIDE, marker)
    return textwrap.dedent(match.group(1))


ECHO_MODULE = """#!/usr/bin/python
import json
import os
from ansible.module_utils.basic import AnsibleModule
spec = dict((name, dict(type=kind)) for name, kind in (
    ("name", "str"), ("description", "str"), ("kind", "str"), ("inputs", "dict"), ("injectors", "dict"), ("state", "str")))
module = AnsibleModule(argument_spec=spec)
with open(os.environ["CF_ECHO_OUT"], "w") as out:
    json.dump(module.params, out)
module.exit_json(changed=False)
"""


def test_guide_playbook_passes_the_templates_through_untouched(credential_type, tmp_path):
    """The guide's playbook hands inputs and injectors to ansible.controller.credential_type with
    ``{{ api_url }}`` & co intact (Ansible must not template them). The controller module is
    replaced by a module that echoes its arguments."""
    playbook = _guide_block("credential-type-playbook")
    assert "ansible.controller.credential_type:" in playbook
    library = tmp_path / "library"
    library.mkdir()
    (library / "echo_credential_type.py").write_text(ECHO_MODULE)
    (tmp_path / "playbook.yml").write_text(playbook.replace("ansible.controller.credential_type:", "echo_credential_type:"))
    received_file = tmp_path / "received.json"
    env = dict(os.environ, ANSIBLE_LIBRARY=str(library), CF_ECHO_OUT=str(received_file),
               ANSIBLE_LOCALHOST_WARNING="0", ANSIBLE_INVENTORY_UNPARSED_WARNING="0")
    command = [os.path.join(os.path.dirname(sys.executable), "ansible-playbook"), "-i", "localhost,", "-c", "local",
               "-e", "contraforce_credential_type_file=%s" % os.path.join(REPO_ROOT, CREDENTIAL_TYPE), str(tmp_path / "playbook.yml")]
    proc = subprocess.run(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    received = json.loads(received_file.read_text())
    assert received["inputs"] == credential_type["inputs"]
    assert received["injectors"] == credential_type["injectors"]
    assert received["name"] == credential_type["name"] and received["kind"] == "cloud"


def test_guide_cli_extracts_inputs_and_injectors(credential_type, tmp_path):
    """The guide's shell lines for the awx CLI turn the file into the JSON the CLI takes."""
    script = _guide_block("credential-type-cli")
    lines = [line for line in script.splitlines() if line.startswith("CT_INPUTS=") or line.startswith("CT_INJECTORS=")]
    assert len(lines) == 2, script
    shell = "CT=%s\n%s\nprintf '%%s\\n%%s\\n' \"$CT_INPUTS\" \"$CT_INJECTORS\"\n" % (
        os.path.join(REPO_ROOT, CREDENTIAL_TYPE), "\n".join(lines).replace("python3 ", sys.executable + " "))
    proc = subprocess.run(["bash", "-c", shell], stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True, check=False)
    assert proc.returncode == 0, proc.stderr
    inputs, injectors = proc.stdout.splitlines()
    assert yaml.safe_load(inputs) == credential_type["inputs"]
    assert yaml.safe_load(injectors) == credential_type["injectors"]
