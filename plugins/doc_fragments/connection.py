# -*- coding: utf-8 -*-
# Copyright: ContraForce platform collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    # Rendered from the one options table in module_utils/_options.py (which also builds every
    # module's argument_spec and environment fallbacks) by hacking/render_doc_fragment.py;
    # tests/unit/test_doc_fragment.py fails when they differ.
    DOCUMENTATION = r"""
options:
  api_url:
    description:
      - 'Base URL of the ContraForce platform, for example V(https://portal.contraforce.com) or V(https://prod.platform.contraforce.com).'
      - 'Accepted with or without a trailing C(/api/v2).'
      - If not set, the value of the E(CONTRAFORCE_API_URL) environment variable is used.
    type: str
    default: 'https://portal.contraforce.com'
  client_id:
    description:
      - 'Client ID of a ContraForce service account, sent with O(client_secret) as HTTP Basic authentication (the documented way to call API v2).'
      - 'Mutually exclusive with O(api_token).'
      - If not set, the value of the E(CONTRAFORCE_CLIENT_ID) environment variable is used.
    type: str
  client_secret:
    description:
      - 'Client secret of the service account named by O(client_id).'
      - If not set, the value of the E(CONTRAFORCE_CLIENT_SECRET) environment variable is used.
    type: str
  api_token:
    description:
      - 'A bearer token, sent as C(Authorization: Bearer ...), instead of O(client_id) and O(client_secret).'
      - If not set, the value of the E(CONTRAFORCE_API_TOKEN) environment variable is used.
    type: str
  validate_certs:
    description:
      - 'Whether to verify the TLS certificate of the API. Set to V(false) only for tests; the module then warns.'
      - If not set, the value of the E(CONTRAFORCE_VALIDATE_CERTS) environment variable is used.
    type: bool
    default: true
  ca_path:
    description:
      - 'PEM file of CA certificates to trust for the API, for example a corporate proxy''s CA.'
      - If not set, the value of the E(CONTRAFORCE_CA_PATH) environment variable is used.
    type: path
  timeout:
    description:
      - 'Seconds to wait for the API to connect and to answer each request.'
      - 'Retries of reads (see the collection''s retry policy) each get this timeout.'
      - If not set, the value of the E(CONTRAFORCE_TIMEOUT) environment variable is used.
    type: float
    default: 30
"""

    # check_mode / diff_mode: each module states its support and details.
    ATTRIBUTES = r"""
attributes:
  check_mode:
    description: Can run in check mode and return changed status prediction without modifying ContraForce.
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check mode), when in diff mode.
"""

    # The attributes every module of the collection documents.
    ACTIONGROUP = r"""
attributes:
  action_group:
    description: Use C(group/contraforce.platform.all) in C(module_defaults) to set the connection options once per play.
    support: full
    membership:
      - contraforce.platform.all
"""
