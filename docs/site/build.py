# -*- coding: utf-8 -*-
# Copyright: ContraForce platform collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Build the contraforce.platform documentation site, offline: ``python docs/site/build.py [--dest DIR]``.

1. ``antsibull-docs collection`` renders the plugin pages, the role's argument specs, the
   environment variable index and the guides of ``docs/docsite/`` (extra docs) as RST into
   ``DIR/rst``, from this work tree (``hacking/layout.py`` puts it on ``ANSIBLE_COLLECTIONS_PATH``);
2. ``docs/site/index.rst`` becomes the root page;
3. ``sphinx-build -W`` (warnings are errors) turns it into HTML in ``DIR/html``, with
   ``docs/site/conf.py``, which resolves the links into the Ansible docs through a local stub
   inventory: nothing is downloaded.

``DIR`` defaults to ``docs/build`` (git-ignored). Run it with the interpreter of the development
environment (``make docs`` does): the tools are taken from next to it.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import shutil
import subprocess
import sys
import time

SITE_DIR = os.path.dirname(os.path.abspath(__file__))
REPO_ROOT = os.path.dirname(os.path.dirname(SITE_DIR))
COLLECTION = "contraforce.platform"


def _tool(name: str) -> str:
    candidate = os.path.join(os.path.dirname(sys.executable), name)
    if os.access(candidate, os.X_OK):
        return candidate
    found = shutil.which(name)
    if not found:
        raise SystemExit("%s not found next to %s nor on PATH: run `make venv`" % (name, sys.executable))
    return found


def _collection_root() -> str:
    spec = importlib.util.spec_from_file_location("_cf_hacking_layout", os.path.join(REPO_ROOT, "hacking", "layout.py"))
    layout = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(layout)
    return layout.collection_root(REPO_ROOT)


def _run(args: list[str], env: dict[str, str]) -> None:
    print("+ " + " ".join(args), flush=True)
    proc = subprocess.run(args, env=env, cwd=REPO_ROOT, stdin=subprocess.DEVNULL, check=False)
    if proc.returncode != 0:
        raise SystemExit("docs build failed: %s exited %d" % (os.path.basename(args[0]), proc.returncode))


def build(dest: str) -> str:
    """Build the site into ``dest``; return the path of its ``index.html``."""
    dest = os.path.abspath(dest)
    rst_dir = os.path.join(dest, "rst")
    html_dir = os.path.join(dest, "html")
    for path in (rst_dir, html_dir, os.path.join(dest, "doctrees")):
        shutil.rmtree(path, ignore_errors=True)
    os.makedirs(rst_dir)
    os.chmod(rst_dir, 0o755)  # antsibull-docs wants the directory writable only by its owner

    env = dict(os.environ)
    env["ANSIBLE_COLLECTIONS_PATH"] = _collection_root()
    env["PATH"] = os.pathsep.join([os.path.dirname(sys.executable), env.get("PATH", os.defpath)])
    env["CF_DOCS_INVENTORY_DIR"] = os.path.join(dest, "intersphinx")
    env["ANSIBLE_NOCOLOR"] = "1"

    _run([_tool("antsibull-docs"), "--config-file", os.path.join(SITE_DIR, "antsibull-docs.cfg"), "collection",
          "--use-current", "--fail-on-error", "--cleanup", "everything", "--dest-dir", rst_dir, COLLECTION], env)
    shutil.copyfile(os.path.join(SITE_DIR, "index.rst"), os.path.join(rst_dir, "index.rst"))
    _run([_tool("sphinx-build"), "-W", "--keep-going", "-q", "-b", "html", "-c", SITE_DIR,
          "-d", os.path.join(dest, "doctrees"), rst_dir, html_dir], env)
    return os.path.join(html_dir, "index.html")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", maxsplit=1)[0])
    parser.add_argument("--dest", default=os.path.join(REPO_ROOT, "docs", "build"), help="output folder (default: docs/build)")
    args = parser.parse_args(argv)
    started = time.monotonic()
    index = build(args.dest)
    print("docs site built in %.1f s: %s" % (time.monotonic() - started, index))
    return 0


if __name__ == "__main__":
    sys.exit(main())
