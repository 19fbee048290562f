# -*- coding: utf-8 -*-
# Copyright: ContraForce platform collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Command line of the simulator. Checks its arguments before importing the server (and openapi-core)."""

from __future__ import absolute_import, division, print_function

import argparse
import ipaddress
import os
import sys

DEFAULT_CLIENT_ID = "cf-demo-client"
DEFAULT_CLIENT_SECRET = "cf-demo-secret"
DEFAULT_API_TOKEN = "cf-demo-token"


def loopback_address(host):
    """Return the IP literal to bind for ``host``; raise ValueError unless it is a loopback address."""
    text = (host or "").strip().strip("[]")
    if text.lower() == "localhost":
        text = "127.0.0.1"
    try:
        address = ipaddress.ip_address(text)
    except ValueError as exc:
        raise ValueError("--host must be a loopback IP address (127.0.0.1, ::1) or localhost, not %r" % host) from exc
    if not address.is_loopback:
        raise ValueError("refusing to bind %s: the simulator only listens on loopback addresses" % host)
    return str(address)


def build_parser():
    parser = argparse.ArgumentParser(prog="python -m cfsim", description="Local ContraForce API v2 simulator (loopback only).")
    parser.add_argument("--host", default="127.0.0.1", help="loopback address to bind: 127.0.0.1 (default), ::1 or localhost")
    parser.add_argument("--port", type=int, default=8765, help="TCP port (default 8765); 0 picks a free one")
    parser.add_argument("--port-file", help="write the chosen port to this file once listening")
    parser.add_argument("--tls-dir", help="serve HTTPS with a fresh trustme CA written to TLS_DIR/ca.pem")
    parser.add_argument("--client-id", default=os.environ.get("CFSIM_CLIENT_ID", DEFAULT_CLIENT_ID),
                        help="service account client id (env CFSIM_CLIENT_ID; default %s)" % DEFAULT_CLIENT_ID)
    parser.add_argument("--client-secret", default=os.environ.get("CFSIM_CLIENT_SECRET", DEFAULT_CLIENT_SECRET),
                        help="service account client secret (env CFSIM_CLIENT_SECRET)")
    parser.add_argument("--api-token", default=os.environ.get("CFSIM_API_TOKEN", DEFAULT_API_TOKEN),
                        help="accepted bearer token (env CFSIM_API_TOKEN); empty disables bearer auth")
    parser.add_argument("--latency-ms", type=int, default=0, help="delay every API request by this many ms (kept across resets)")
    parser.add_argument("--verbose", action="store_true", help="log every request line to stderr")
    return parser


def main(argv=None):
    args = build_parser().parse_args(argv)
    try:
        host = loopback_address(args.host)
    except ValueError as exc:
        sys.stderr.write("cfsim: %s\n" % exc)
        return 2
    if args.latency_ms < 0 or not 0 <= args.port <= 65535:
        sys.stderr.write("cfsim: --latency-ms must be >= 0 and --port within 0..65535\n")
        return 2
    from .server import run  # pylint: disable=import-outside-toplevel

    return run(args, host)
