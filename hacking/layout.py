# -*- coding: utf-8 -*-
# Copyright: ContraForce platform collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Lay this work tree out as ``ansible_collections/contraforce/platform``.

The repository root is the collection root, but Python imports
(``ansible_collections.contraforce.platform...``), ``ANSIBLE_COLLECTIONS_PATH``
and ansible-test all need the collection inside an
``ansible_collections/<namespace>/<name>`` folder.

``python hacking/layout.py root``
    Create (idempotently) ``<tmp>/cf-platform-<sha1(repo)[:8]>/ansible_collections/contraforce/platform``
    as a symlink to this work tree and print ``<tmp>/cf-platform-<sha1(repo)[:8]>``: use it as
    ``ANSIBLE_COLLECTIONS_PATH`` and on ``sys.path``.

``python hacking/layout.py clean``
    Remove that folder.

``python hacking/layout.py copy DEST``
    ansible-test refuses a symlinked collection, so copy the files git knows about
    (tracked, plus untracked files that are not ignored) into
    ``DEST/ansible_collections/contraforce/platform``, make that folder a git work tree with
    those files added (ansible-test and ansible-lint ask git which files belong to the project)
    and print the collection folder.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile

NAMESPACE = "contraforce"
NAME = "platform"
REPO = os.path.realpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir))


def root_path(repo: str = REPO) -> str:
    """Return ``<tmp>/cf-platform-<sha1(repo)[:8]>`` without creating anything."""
    digest = hashlib.sha1(os.path.realpath(repo).encode("utf-8")).hexdigest()[:8]
    return os.path.join(tempfile.gettempdir(), "cf-platform-" + digest)


def collection_root(repo: str = REPO) -> str:
    """Return the folder above ``ansible_collections`` whose collection is a symlink to ``repo``."""
    repo = os.path.realpath(repo)
    root = root_path(repo)
    namespace_dir = os.path.join(root, "ansible_collections", NAMESPACE)
    link = os.path.join(namespace_dir, NAME)
    os.makedirs(namespace_dir, exist_ok=True)
    if os.path.islink(link) and os.readlink(link) == repo:
        return root
    if os.path.lexists(link) and not os.path.islink(link):
        raise RuntimeError("%s exists and is not a symlink: remove it" % link)
    # Replace atomically, so concurrent callers (pytest, make demo) never see a missing link.
    temp_link = "%s.%d.tmp" % (link, os.getpid())
    if os.path.lexists(temp_link):
        os.unlink(temp_link)
    os.symlink(repo, temp_link)
    os.replace(temp_link, link)
    return root


def project_files(repo: str = REPO) -> list[str]:
    """Return the paths, relative to ``repo``, that git tracks or would track (not ignored)."""
    output = subprocess.run(
        ["git", "-C", repo, "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        check=True,
        stdout=subprocess.PIPE,
    ).stdout.decode("utf-8")
    files = sorted(set(name for name in output.split("\0") if name))
    # A file deleted from the work tree but still in the index is not part of the tree.
    return [name for name in files if os.path.lexists(os.path.join(repo, name))]


def copy(dest: str, repo: str = REPO) -> str:
    """Copy the project's files into ``dest``'s collection layout; return the collection folder."""
    target = os.path.join(os.path.abspath(dest), "ansible_collections", NAMESPACE, NAME)
    if os.path.lexists(target):
        shutil.rmtree(target)
    os.makedirs(target)
    files = project_files(repo)
    for name in files:
        source = os.path.join(repo, name)
        destination = os.path.join(target, name)
        os.makedirs(os.path.dirname(destination), exist_ok=True)
        shutil.copy2(source, destination, follow_symlinks=False)
    git_env = dict(os.environ, GIT_DIR=os.path.join(target, ".git"), GIT_WORK_TREE=target)
    subprocess.run(["git", "init", "-q", target], check=True, env=git_env)
    # Add in chunks to stay below the command line limit.
    for start in range(0, len(files), 500):
        subprocess.run(["git", "add", "-f", "--"] + files[start:start + 500], check=True, cwd=target, env=git_env)
    return target


def main(argv: list[str] | None = None) -> int:
    """Command line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", maxsplit=1)[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("root", help="print the folder to use as ANSIBLE_COLLECTIONS_PATH (symlink layout)")
    copy_parser = commands.add_parser("copy", help="copy the project's files into DEST/ansible_collections/...")
    copy_parser.add_argument("dest")
    commands.add_parser("clean", help="remove the symlink layout")
    args = parser.parse_args(argv)
    if args.command == "root":
        print(collection_root())
    elif args.command == "clean":
        shutil.rmtree(root_path(), ignore_errors=True)
    else:
        print(copy(args.dest))
    return 0


if __name__ == "__main__":
    sys.exit(main())
