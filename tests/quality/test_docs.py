# -*- coding: utf-8 -*-
# Copyright: ContraForce platform collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The documentation site builds offline (``docs/site/build.py``, what ``make docs`` runs).

``sphinx-build -W`` turns every warning into a failure, so a broken cross reference in a module's
documentation or a guide fails here. ``antsibull-docs lint-collection-docs --plugin-docs`` (the
cheap docs gate, which also checks ``docs/docsite/extra-docs.yml`` and ``links.yml``) runs in
``test_lint.py``.
"""

from __future__ import annotations

import os
import sys

import pytest
import yaml

pytestmark = pytest.mark.quality

GUIDES_DIR = os.path.join("docs", "docsite", "rst")


@pytest.fixture(scope="module")
def site(tools, repo_root, tmp_path_factory):
    """The HTML folder of a fresh build into a temporary folder."""
    dest = tmp_path_factory.mktemp("docs")
    tools.run([sys.executable, os.path.join(repo_root, "docs", "site", "build.py"), "--dest", dest], cwd=repo_root, timeout=900)
    return dest / "html"


def _guides(repo_root):
    with open(os.path.join(repo_root, "docs", "docsite", "extra-docs.yml")) as handle:
        sections = yaml.safe_load(handle)["sections"]
    return [name for section in sections for name in section["toctree"]]


def test_every_guide_is_in_the_toctree(repo_root):
    """Each RST guide is listed in extra-docs.yml (an unlisted one would not be published)."""
    on_disk = sorted(name[:-4] for name in os.listdir(os.path.join(repo_root, GUIDES_DIR)) if name.endswith(".rst"))
    assert sorted(_guides(repo_root)) == on_disk


def test_site_has_plugin_role_and_guide_pages(site, repo_root):
    collection = site / "collections" / "contraforce" / "platform"
    modules = sorted(name[:-3] for name in os.listdir(os.path.join(repo_root, "plugins", "modules"))
                     if name.endswith(".py") and not name.startswith("_"))
    roles = sorted(name for name in os.listdir(os.path.join(repo_root, "roles"))
                   if os.path.isfile(os.path.join(repo_root, "roles", name, "meta", "argument_specs.yml")))
    assert modules and roles
    missing = [page for page in ["%s_module.html" % m for m in modules] + ["%s_role.html" % r for r in roles]
               + ["docsite/%s.html" % g for g in _guides(repo_root)] + ["index.html"]
               if not (collection / page).is_file()]
    assert missing == []
    assert (site / "index.html").is_file()


def test_role_page_shows_the_argument_specs(site):
    page = (site / "collections" / "contraforce" / "platform" / "webhooks_role.html").read_text()
    for variable in ("contraforce_webhook_sets", "contraforce_workspaces", "contraforce_default_sets"):
        assert variable in page


def test_site_is_offline(site):
    """No page loads scripts or styles from the network (links to other sites are fine)."""
    offenders = []
    for root, _dirs, files in os.walk(site):
        for name in files:
            if name.endswith(".html"):
                text = open(os.path.join(root, name), encoding="utf-8").read()
                if 'src="http' in text or "rel=\"stylesheet\" href=\"http" in text:
                    offenders.append(os.path.relpath(os.path.join(root, name), site))
    assert offenders == []
