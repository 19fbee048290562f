# -*- coding: utf-8 -*-
# Copyright: ContraForce platform collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Gates: ansible-lint (production profile, offline), antsibull-changelog lint, antsibull-docs lint."""

from __future__ import annotations

import os

import pytest

pytestmark = pytest.mark.quality


def test_ansible_lint_production(tools, project_copy):
    """``ansible-lint --profile production --offline`` finds nothing (config: ``.ansible-lint``)."""
    collections_root, collection_dir = project_copy
    assert os.path.isfile(os.path.join(collection_dir, ".ansible-lint")), ".ansible-lint is missing"
    env = tools.env(ANSIBLE_COLLECTIONS_PATH=collections_root)
    tools.run([tools.path("ansible-lint"), "--profile", "production", "--offline", "--nocolor"], cwd=collection_dir, env=env)


def test_changelog_fragments(tools, repo_root):
    """``antsibull-changelog lint`` accepts every fragment in ``changelogs/fragments``."""
    tools.run([tools.path("antsibull-changelog"), "lint"], cwd=repo_root)


def test_changelog_yaml(tools, repo_root):
    """``changelogs/changelog.yaml`` is well formed."""
    tools.run([tools.path("antsibull-changelog"), "lint-changelog-yaml", os.path.join("changelogs", "changelog.yaml")], cwd=repo_root)


def test_collection_docs(tools, project_copy):
    """``antsibull-docs lint-collection-docs --plugin-docs`` accepts the collection's documentation."""
    collections_root, collection_dir = project_copy
    env = tools.env(ANSIBLE_COLLECTIONS_PATH=collections_root)
    tools.run([tools.path("antsibull-docs"), "lint-collection-docs", "--plugin-docs", "."], cwd=collection_dir, env=env)
