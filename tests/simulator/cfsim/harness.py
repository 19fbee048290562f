# -*- coding: utf-8 -*-
# Copyright: ContraForce platform collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Start and drive a simulator subprocess from tests, demos and benchmarks.

    from cfsim.harness import Simulator

    with Simulator.start(tls=True) as sim:
        sim.config(list_shape=3, page_size=2)
        sim.fault(kind="status", status=503, retry_after=1, path_regex=r"^/api/v2/webhooks$")
        ...  # point the client at sim.url (and sim.ca_path), credentials sim.client_id / sim.client_secret
        assert not sim.writes()

Only ``requests`` is needed here (not openapi-core): the server runs in its own process.
All control calls go to the loopback simulator and ignore proxy settings from the environment.
"""

from __future__ import absolute_import, division, print_function

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

import requests

SIMULATOR_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

DEFAULT_CLIENT_ID = "cf-demo-client"
DEFAULT_CLIENT_SECRET = "cf-demo-secret"
DEFAULT_API_TOKEN = "cf-demo-token"

WRITE_METHODS = ("POST", "PUT", "PATCH", "DELETE")

# Environment variables of the collection's connection options (plugins/module_utils/_options.py).
ENV_API_URL = "CONTRAFORCE_API_URL"
ENV_CLIENT_ID = "CONTRAFORCE_CLIENT_ID"
ENV_CLIENT_SECRET = "CONTRAFORCE_CLIENT_SECRET"
ENV_API_TOKEN = "CONTRAFORCE_API_TOKEN"
ENV_CA_PATH = "CONTRAFORCE_CA_PATH"


class SimulatorError(RuntimeError):
    """The simulator could not be started, or a control call failed."""


class Simulator:
    """A running simulator subprocess; create it with ``Simulator.start()``."""

    def __init__(self, process, url, workdir, ca_path, client_id, client_secret, api_token, log_path):
        self.process = process
        self.url = url
        self.workdir = workdir
        self.ca_path = ca_path
        self.client_id = client_id
        self.client_secret = client_secret
        self.api_token = api_token
        self.log_path = log_path
        self._control = requests.Session()
        self._control.trust_env = False
        if ca_path:
            self._control.verify = ca_path

    # ---- lifecycle -------------------------------------------------------------------------
    @classmethod
    def start(cls, tls=False, latency_ms=0, client_id=DEFAULT_CLIENT_ID, client_secret=DEFAULT_CLIENT_SECRET,
              api_token=DEFAULT_API_TOKEN, host="127.0.0.1", port=0, python=None, verbose=False, timeout=20.0):
        """Launch ``python -m cfsim`` on a free loopback port and wait (at most ``timeout`` s) until it answers."""
        workdir = tempfile.mkdtemp(prefix="cfsim-")
        port_file = os.path.join(workdir, "port")
        log_path = os.path.join(workdir, "stderr.log")
        tls_dir = os.path.join(workdir, "tls") if tls else None
        argv = [python or sys.executable, "-m", "cfsim", "--host", host, "--port", str(port), "--port-file", port_file]
        if tls_dir:
            argv += ["--tls-dir", tls_dir]
        if latency_ms:
            argv += ["--latency-ms", str(int(latency_ms))]
        if verbose:
            argv.append("--verbose")
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join([SIMULATOR_ROOT] + [p for p in [env.get("PYTHONPATH")] if p])
        env["PYTHONUNBUFFERED"] = "1"
        # Credentials travel in the environment, not on the command line (visible in ps).
        env["CFSIM_CLIENT_ID"] = client_id or ""
        env["CFSIM_CLIENT_SECRET"] = client_secret or ""
        env["CFSIM_API_TOKEN"] = api_token or ""
        with open(os.path.join(workdir, "stdout.log"), "wb") as out, open(log_path, "wb") as err:
            process = subprocess.Popen(argv, stdout=out, stderr=err, stdin=subprocess.DEVNULL, env=env, cwd=workdir)
        deadline = time.monotonic() + timeout
        bound = None
        while time.monotonic() < deadline:
            if process.poll() is not None:
                break
            if os.path.exists(port_file):
                with open(port_file, encoding="ascii") as handle:
                    text = handle.read().strip()
                if text.isdigit():
                    bound = int(text)
                    break
            time.sleep(0.02)
        if bound is None:
            cls._abort(process, workdir, log_path, "did not report its port within %.0f s" % timeout)
        shown = "[%s]" % host if ":" in host else host
        url = "%s://%s:%d" % ("https" if tls else "http", shown, bound)
        sim = cls(process, url, workdir, os.path.join(tls_dir, "ca.pem") if tls_dir else None,
                  client_id, client_secret, api_token, log_path)
        while time.monotonic() < deadline:
            if process.poll() is not None:
                break
            try:
                if sim._control.get(url + "/_sim/health", timeout=2).status_code == 200:
                    return sim
            except requests.RequestException:
                pass
            time.sleep(0.05)
        cls._abort(process, workdir, log_path, "did not become ready within %.0f s" % timeout)
        return None

    @staticmethod
    def _abort(process, workdir, log_path, why):
        if process.poll() is None:
            process.kill()
            process.wait(5)
        with open(log_path, "rb") as handle:
            tail = handle.read()[-4000:].decode("utf-8", "replace")
        shutil.rmtree(workdir, ignore_errors=True)
        raise SimulatorError("simulator %s (exit code %s); stderr:\n%s" % (why, process.returncode, tail))

    def stop(self, timeout=10.0):
        """SIGTERM the simulator, wait for it (SIGKILL after ``timeout`` s), remove its temp dir."""
        self._control.close()
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
        shutil.rmtree(self.workdir, ignore_errors=True)
        return self.process.returncode

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.stop()

    def stderr(self):
        """What the simulator wrote to stderr so far (contract violations, internal errors)."""
        try:
            with open(self.log_path, "rb") as handle:
                return handle.read().decode("utf-8", "replace")
        except OSError:
            return ""

    # ---- connection details for clients ---------------------------------------------------
    @property
    def api_url(self):
        """The base URL including ``/api/v2``."""
        return self.url + "/api/v2"

    @property
    def verify(self):
        """What to pass as ``requests``' ``verify``: the CA file for HTTPS, True for HTTP."""
        return self.ca_path or True

    @property
    def basic_auth(self):
        return (self.client_id, self.client_secret)

    def env(self, auth="basic"):
        """Environment variables pointing the collection at this simulator (``auth``: basic or bearer)."""
        env = {ENV_API_URL: self.url}
        if auth == "bearer":
            env[ENV_API_TOKEN] = self.api_token
        else:
            env[ENV_CLIENT_ID] = self.client_id
            env[ENV_CLIENT_SECRET] = self.client_secret
        if self.ca_path:
            env[ENV_CA_PATH] = self.ca_path
        return env

    def session(self, auth="basic"):
        """A ``requests.Session`` for the API: credentials set, CA trusted, proxies ignored."""
        session = requests.Session()
        session.trust_env = False
        session.verify = self.verify
        if auth == "bearer":
            session.headers["Authorization"] = "Bearer " + self.api_token
        elif auth == "basic":
            session.auth = self.basic_auth
        return session

    # ---- control API -----------------------------------------------------------------------
    def _call(self, method, path, payload=None, params=None):
        response = self._control.request(method, self.url + "/_sim/" + path, json=payload, params=params, timeout=30)
        try:
            body = response.json()
        except ValueError:
            body = {"error": response.text}
        if response.status_code != 200:
            raise SimulatorError("control call %s /_sim/%s failed (%d): %s" % (method, path, response.status_code, body.get("error", body)))
        return body

    def journal(self, since=0):
        """Journal entries of API requests (oldest first): seq, method, path, query, status, body, principal, fault, ..."""
        return self._call("GET", "journal", params={"since": since} if since else None)["entries"]

    def writes(self, since=0):
        """Journal entries of write requests (POST, PUT, PATCH, DELETE)."""
        return [entry for entry in self.journal(since) if entry["method"] in WRITE_METHODS]

    def clear_journal(self):
        self._call("DELETE", "journal")

    def reset(self):
        """Clear webhooks, delivery logs, journal and faults; restore the default config."""
        self._call("POST", "reset")

    def config(self, **changes):
        """Merge config (list_shape, page_size, latency_ms, forbidden_workspaces, missing_workspaces, workspaces)."""
        if not changes:
            return self._call("GET", "config")
        return self._call("POST", "config", changes)

    def seed_webhooks(self, webhooks):
        """Store webhooks directly (no API call, no journal entry); returns them with their ids."""
        return self._call("POST", "webhooks", list(webhooks))["webhooks"]

    def seed_delivery_logs(self, webhook_id, logs=(), count=0):
        """Store delivery logs for a webhook (``count`` extra generated ones); returns them."""
        return self._call("POST", "delivery-logs", {"webhookId": webhook_id, "logs": list(logs), "count": count})["logs"]

    def fault(self, **rule):
        """Add a fault rule: kind, method, path_regex, times, status, code, retry_after, delay_s, detail, errors."""
        return self._call("POST", "faults", rule)

    def faults(self):
        return self._call("GET", "faults")["faults"]

    def clear_faults(self):
        self._call("DELETE", "faults")

    def state(self):
        """Stored webhooks (without secrets), delivery-log counts, config, faults."""
        return self._call("GET", "state")

    def webhooks(self):
        return self.state()["webhooks"]
