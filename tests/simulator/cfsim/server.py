# -*- coding: utf-8 -*-
# Copyright: ContraForce platform collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""HTTP(S) server of the simulator: loopback only, one thread per connection.

Order of work for an API request (anything not under ``/_sim/``):
config latency -> fault rule -> authentication -> contract validation of the request ->
the operation -> contract validation of the response -> journal -> answer.
"""

from __future__ import absolute_import, division, print_function

import base64
import binascii
import hmac
import json
import os
import signal
import socket
import ssl
import struct
import sys
import threading
import traceback
import uuid

from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from socketserver import TCPServer
from urllib.parse import parse_qsl, urlsplit

from . import __version__, contract
from .api import Api, ApiProblem, problem_body
from .control import Control
from .state import REDACTED, SECRET_KEYS, State, isoformat, redact, utcnow

JSON = "application/json"

HTML_PAGE = (
    "<html>\r\n<head><title>{status} {reason}</title></head>\r\n<body>\r\n"
    "<center><h1>{status} {reason}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
)
MALFORMED_JSON = b'{"data": [{"id": "0f8fad5b-d9cb-469f-a165-70867728950e", "name": "trunc'


class Simulation:
    """Everything a request handler needs: state, credentials, API, control API."""

    def __init__(self, credentials, verbose=False, config_defaults=None):
        self.state = State(config_defaults)
        self.credentials = credentials
        self.api = Api(self.state, credentials)
        self.control = Control(self.state)
        self.verbose = verbose
        self.scheme = "http"
        self.port = 0

    def authenticate(self, header):
        """Return the principal (client id or ``"bearer"``) or None; never keeps the credential."""
        if not header:
            return None
        scheme, dummy, value = header.strip().partition(" ")
        value = value.strip()
        scheme = scheme.lower()
        client_id = self.credentials.get("client_id") or ""
        client_secret = self.credentials.get("client_secret") or ""
        token = self.credentials.get("api_token") or ""
        if scheme == "basic" and client_id and client_secret:
            try:
                decoded = base64.b64decode(value.encode("ascii"), validate=True).decode("utf-8")
            except (binascii.Error, UnicodeError, ValueError):
                return None
            given_id, sep, given_secret = decoded.partition(":")
            ok_id = hmac.compare_digest(given_id.encode("utf-8"), client_id.encode("utf-8"))
            ok_secret = hmac.compare_digest(given_secret.encode("utf-8"), client_secret.encode("utf-8"))
            if sep and ok_id and ok_secret:
                return client_id
            return None
        if scheme == "bearer" and token:
            if hmac.compare_digest(value.encode("utf-8"), token.encode("utf-8")):
                return "bearer"
        return None


class ApiRequest:
    """One API request as the operations see it."""

    def __init__(self, method, path, query_pairs, headers, body, request_id):
        self.method = method
        self.path = path
        self.query_pairs = query_pairs
        self.query = {}
        for key, value in query_pairs:
            self.query.setdefault(key, value)
        self.headers = headers
        self.body = body
        self.request_id = request_id


def journal_query(pairs):
    out = {}
    for key, value in pairs:
        if key.lower() in SECRET_KEYS and value:
            value = REDACTED
        if key in out:
            if not isinstance(out[key], list):
                out[key] = [out[key]]
            out[key].append(value)
        else:
            out[key] = value
    return out


def journal_body(body):
    if not body:
        return None
    try:
        return redact(json.loads(body.decode("utf-8")))
    except (ValueError, UnicodeDecodeError):
        return "<%d bytes, not JSON>" % len(body)


class Handler(BaseHTTPRequestHandler):
    """Request handler: API calls, faults and the control API."""

    protocol_version = "HTTP/1.1"
    server_version = "cfsim/" + __version__
    timeout = 120
    disable_nagle_algorithm = True

    def version_string(self):
        return self.server_version

    def log_message(self, format, *args):  # pylint: disable=redefined-builtin
        if self.server.sim.verbose:
            sys.stderr.write("cfsim %s - %s\n" % (self.address_string(), format % args))

    def do_GET(self):
        self._dispatch()

    do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = do_GET

    # ---- plumbing --------------------------------------------------------------------------
    def _read_body(self):
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            chunks = []
            while True:
                size_line = self.rfile.readline(65537)
                size = int(size_line.split(b";", 1)[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline(65537) not in (b"\r\n", b"\n", b""):
                        pass
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline(65537)
        length = int(self.headers.get("Content-Length") or 0)
        if length < 0:
            raise ValueError("negative Content-Length")
        return self.rfile.read(length) if length else b""

    def _send(self, status, body, content_type, headers):
        self.send_response(status)
        for key, value in headers.items():
            self.send_header(key, value)
        if status in (204, 304) or status < 200:
            body = b""
        else:
            if content_type:
                self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
        if body and self.command != "HEAD":
            # One write for head and body: no Nagle / delayed-ACK stall between them.
            self._headers_buffer.append(b"\r\n" + body)
            self.flush_headers()
        else:
            self.end_headers()

    def _drop(self, reset):
        """Close the connection without an answer: RST if ``reset``, else an orderly FIN."""
        self.close_connection = True
        sock = self.connection
        try:
            if reset:
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                sock.close()
            else:
                sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def _dispatch(self):
        split = urlsplit(self.path)
        path = split.path
        query_pairs = parse_qsl(split.query, keep_blank_values=True)
        try:
            body = self._read_body()
        except ValueError:
            self.close_connection = True
            self._send(400, b'{"error": "bad request framing"}', JSON, {})
            return
        if path == "/_sim" or path.startswith("/_sim/"):
            status, payload = self.server.sim.control.handle(self.command, path, dict(query_pairs), body)
            self._send(status, json.dumps(payload).encode("utf-8"), JSON, {})
            return
        self._api(path, query_pairs, body)

    # ---- the API ---------------------------------------------------------------------------
    def _api(self, path, query_pairs, body):
        sim = self.server.sim
        state = sim.state
        generation = state.generation
        request_id = str(uuid.uuid4())
        method = self.command
        entry = {
            "requestId": request_id,
            "time": isoformat(utcnow()),
            "method": method,
            "path": path,
            "query": journal_query(query_pairs),
            "status": None,
            "body": journal_body(body),
            "principal": sim.authenticate(self.headers.get("Authorization")),
            "fault": None,
            "contract_violation": None,
            "error": None,
        }
        latency = state.get_config()["latency_ms"]
        if latency and not state.sleep(latency / 1000.0, generation):
            self._drop(reset=False)
            return
        rule = state.take_fault(method, path)
        kind = rule["kind"] if rule else None
        entry["fault"] = kind
        base_headers = {"X-Request-Id": request_id}
        if kind == "reset":
            state.record(entry, generation)
            self._drop(reset=True)
            return
        if kind == "status":
            status = rule["status"]
            headers = dict(base_headers)
            if rule["retry_after"] is not None:
                headers["Retry-After"] = rule["retry_after"]
            problem = problem_body(
                status, rule["code"] or ApiProblem(status).code, rule["detail"] or "Injected fault.", request_id, path,
                rule["errors"],
            )
            entry["status"] = status
            state.record(entry, generation)
            self._send(status, json.dumps(problem).encode("utf-8"), contract.PROBLEM_JSON, headers)
            return
        if kind == "malformed_json":
            entry["status"] = rule["status"] or 200
            state.record(entry, generation)
            self._send(entry["status"], MALFORMED_JSON, JSON, base_headers)
            return
        if kind == "html":
            status = rule["status"]
            reason = self.responses.get(status, ("Error",))[0]
            headers = {}
            if rule["retry_after"] is not None:
                headers["Retry-After"] = rule["retry_after"]
            entry["status"] = status
            state.record(entry, generation)
            page = HTML_PAGE.format(status=status, reason=reason).encode("utf-8")
            self._send(status, page, "text/html", headers)
            return
        if kind in ("hang", "latency"):
            if not state.sleep(rule["delay_s"], generation):
                self._drop(reset=False)
                return
        if state.generation != generation:
            self._drop(reset=False)
            return
        status, payload, content_type, headers = self._process(path, query_pairs, body, request_id, entry)
        headers.update(base_headers)
        entry["status"] = status
        state.record(entry, generation)
        if kind == "drop_after_store":
            self._drop(reset=False)
            return
        self._send(status, payload, content_type, headers)

    def _process(self, path, query_pairs, body, request_id, entry):
        """Authenticate, validate, run the operation, validate the answer."""
        sim = self.server.sim
        creq = contract.ContractRequest(
            self.command, "%s://127.0.0.1:%d" % (sim.scheme, sim.port), path, query_pairs,
            self.headers.items(), body, self.headers.get("Content-Type"),
        )
        validate_answer = True
        try:
            if entry["principal"] is None:
                raise ApiProblem(401, "UNAUTHORIZED", "Missing or invalid credentials.", headers={
                    "WWW-Authenticate": 'Basic realm="ContraForce API", Bearer',
                })
            verdict = contract.check_request(creq)
            if verdict.kind in ("route", "method"):
                validate_answer = False
                status = 404 if verdict.kind == "route" else 405
                raise ApiProblem(status, detail=verdict.detail)
            if verdict.kind == "security":
                raise ApiProblem(401, "UNAUTHORIZED", verdict.detail)
            if verdict.kind is not None:
                code = "BAD_REQUEST" if verdict.kind == "binding" else "VALIDATION_ERROR"
                raise ApiProblem(400, code, verdict.detail, errors=verdict.errors)
            reply = sim.api.dispatch(ApiRequest(self.command, path, query_pairs, self.headers, body, request_id))
            status, headers = reply.status, dict(reply.headers)
            payload = b"" if reply.body is None else json.dumps(reply.body).encode("utf-8")
            content_type = JSON if reply.body is not None else None
        except ApiProblem as exc:
            status, headers = exc.status, dict(exc.headers)
            problem = problem_body(exc.status, exc.code, exc.detail, request_id, path, exc.errors)
            payload, content_type = json.dumps(problem).encode("utf-8"), contract.PROBLEM_JSON
        except Exception as exc:  # pylint: disable=broad-exception-caught
            sys.stderr.write("cfsim: internal error on %s %s\n%s" % (self.command, path, traceback.format_exc()))
            entry["error"] = "%s: %s" % (type(exc).__name__, exc)
            status, headers = 500, {}
            problem = problem_body(500, "INTERNAL_ERROR", "Simulator error; see its stderr.", request_id, path)
            payload, content_type = json.dumps(problem).encode("utf-8"), contract.PROBLEM_JSON
        if validate_answer:
            violation = contract.check_response(creq, status, payload, content_type, headers)
            if violation:
                sys.stderr.write("cfsim: contract violation on %s %s -> %d: %s\n" % (self.command, path, status, violation))
                entry["contract_violation"] = violation
                problem = problem_body(
                    500, "CONTRACT_VIOLATION", "The simulator produced a response that violates its OpenAPI contract.",
                    request_id, path,
                )
                status, headers = 500, {}
                payload, content_type = json.dumps(problem).encode("utf-8"), contract.PROBLEM_JSON
        return status, payload, content_type, headers


class SimServer(ThreadingHTTPServer):
    """Threaded HTTP(S) server; TLS handshakes happen in the connection's own thread."""

    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, address, sim, ssl_context=None):
        self.address_family = socket.AF_INET6 if ":" in address[0] else socket.AF_INET
        self.sim = sim
        self.ssl_context = ssl_context
        ThreadingHTTPServer.__init__(self, address, Handler)

    def server_bind(self):
        # Skip HTTPServer.server_bind: it resolves the host name (getfqdn), which may query DNS.
        TCPServer.server_bind(self)
        self.server_name = self.server_address[0]
        self.server_port = self.server_address[1]

    def finish_request(self, request, client_address):
        if self.ssl_context is None:
            ThreadingHTTPServer.finish_request(self, request, client_address)
            return
        try:
            request.settimeout(10)
            tls = self.ssl_context.wrap_socket(request, server_side=True)
        except (OSError, ssl.SSLError):
            return
        try:
            tls.settimeout(None)
            self.RequestHandlerClass(tls, client_address, self)
        finally:
            try:
                tls.close()
            except OSError:
                pass

    def handle_error(self, request, client_address):
        exc = sys.exc_info()[1]
        if isinstance(exc, (ConnectionError, ssl.SSLError, socket.timeout, BrokenPipeError)):
            return
        ThreadingHTTPServer.handle_error(self, request, client_address)


def make_tls_context(tls_dir):
    """Create a throw-away CA with trustme, write D/ca.pem, D/server.pem, D/server.key; return the context."""
    import trustme  # pylint: disable=import-outside-toplevel

    os.makedirs(tls_dir, exist_ok=True)
    authority = trustme.CA(organization_name="cfsim test CA")
    cert = authority.issue_cert("127.0.0.1", "::1", "localhost")
    authority.cert_pem.write_to_path(os.path.join(tls_dir, "ca.pem"))
    with open(os.path.join(tls_dir, "server.pem"), "wb") as handle:
        for blob in cert.cert_chain_pems:
            handle.write(blob.bytes())
    key_path = os.path.join(tls_dir, "server.key")
    fd = os.open(key_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(cert.private_key_pem.bytes())
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    cert.configure_cert(context)
    return context


def _write_port_file(path, port):
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="ascii") as handle:
        handle.write("%d\n" % port)
    os.replace(tmp, path)


def run(args, host):
    """Serve until SIGTERM / SIGINT; ``args`` come from ``cfsim.cli``, ``host`` is a checked loopback IP."""
    credentials = {"client_id": args.client_id, "client_secret": args.client_secret, "api_token": args.api_token}
    sim = Simulation(credentials, verbose=args.verbose, config_defaults={"latency_ms": args.latency_ms})
    contract.openapi_app()
    context = make_tls_context(args.tls_dir) if args.tls_dir else None
    try:
        server = SimServer((host, args.port), sim, ssl_context=context)
    except OSError as exc:
        sys.stderr.write("cfsim: cannot listen on %s:%d: %s\n" % (host, args.port, exc))
        return 1
    sim.scheme = "https" if context else "http"
    sim.port = server.server_address[1]
    if args.port_file:
        _write_port_file(args.port_file, sim.port)

    def _stop(signum, frame):  # pylint: disable=unused-argument
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    shown = "[%s]" % host if ":" in host else host
    sys.stdout.write("cfsim listening on %s://%s:%d\n" % (sim.scheme, shown, sim.port))
    sys.stdout.flush()
    try:
        server.serve_forever(poll_interval=0.2)
    finally:
        sim.state.wake_all()
        server.server_close()
    return 0
