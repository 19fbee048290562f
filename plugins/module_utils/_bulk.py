# -*- coding: utf-8 -*-
# Copyright: ContraForce platform collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Many workspaces x many webhooks in one module execution (``webhook_bulk``, the ``webhooks`` role).

* ``bulk_argument_spec()``: ``workspaces`` (``id``, ``name``, ``webhooks`` whose elements are
  the ``webhook`` module's definition options) and ``concurrency``;
* ``validate_workspaces()``: every problem of the whole input, each named by its path
  (``workspaces[3].webhooks[1].url``), found before any request;
* ``reconcile_workspaces()``: ``_webhook.reconcile`` per workspace in a bounded thread pool; a
  workspace whose listing fails gets all its results ``failed`` and never stops the others;
* ``summarize()`` and ``bulk_result()``: per-workspace counts, totals, the module's return
  values, secrets (only when the task runs with ``no_log``) and the diff list.

The per-webhook work (matching, drift, create body, masking) stays in ``_webhook``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from concurrent.futures import ThreadPoolExecutor

from ansible_collections.contraforce.platform.plugins.module_utils import _webhook
from ansible_collections.contraforce.platform.plugins.module_utils._errors import ContraForceError

DEFAULT_CONCURRENCY = 8
MIN_CONCURRENCY = 1
MAX_CONCURRENCY = 32

# The actions _webhook.reconcile reports, in the order the summary shows them.
ACTIONS = ("created", "unchanged", "credentials_updated", "deleted", "absent", "failed")
COUNTERS = ("created", "unchanged", "drifted", "deleted", "credentials_updated", "absent", "failed")

# Keys of a reconcile result that the bulk module does not repeat per webhook.
_RESULT_DROP = ("diff",)


def bulk_argument_spec():
    """Options of ``webhook_bulk`` (without the connection options)."""
    return dict(
        workspaces=dict(
            type="list",
            elements="dict",
            required=True,
            options=dict(
                id=dict(type="str", required=True),
                name=dict(type="str"),
                webhooks=dict(type="list", elements="dict", default=[], options=_webhook.webhook_argument_spec()),
            ),
        ),
        concurrency=dict(type="int", default=DEFAULT_CONCURRENCY),
    )


def _label(workspace):
    name = workspace.get("name")
    return "%s (%s)" % (name, workspace.get("id")) if name else str(workspace.get("id"))


def validate_workspaces(workspaces, concurrency=DEFAULT_CONCURRENCY):
    """Return ``[(path, reason)]`` for every problem of the bulk input (empty when valid).

    Checks each workspace id, each webhook definition (``_webhook.validate_definition``),
    duplicate workspace ids (case-insensitive) and duplicate webhook names within a workspace.
    """
    problems = []
    if not isinstance(concurrency, int) or isinstance(concurrency, bool) or not MIN_CONCURRENCY <= concurrency <= MAX_CONCURRENCY:
        problems.append(("concurrency", "must be an integer from %d to %d, got %r" % (MIN_CONCURRENCY, MAX_CONCURRENCY, concurrency)))
    if not isinstance(workspaces, list):
        return problems + [("workspaces", "must be a list of workspaces")]
    first_index = {}
    for i, workspace in enumerate(workspaces):
        path = "workspaces[%d]" % i
        if not isinstance(workspace, dict):
            problems.append((path, "must be a dict with id, name and webhooks"))
            continue
        workspace_id = workspace.get("id")
        id_problems = _webhook.check_uuid(path + ".id", workspace_id)
        problems += id_problems
        if not id_problems:
            key = str(workspace_id).lower()
            if key in first_index:
                problems.append((path + ".id", "%s is also workspaces[%d].id; list each workspace once and put all its webhooks there"
                                 % (workspace_id, first_index[key])))
            else:
                first_index[key] = i
        webhooks = workspace.get("webhooks")
        if webhooks is None:
            webhooks = []
        if not isinstance(webhooks, list):
            problems.append((path + ".webhooks", "must be a list of webhook definitions"))
            continue
        names = {}
        for j, definition in enumerate(webhooks):
            hook_path = "%s.webhooks[%d]" % (path, j)
            if not isinstance(definition, dict):
                problems.append((hook_path, "must be a dict of webhook options"))
                continue
            context = " [workspace %s, webhook %r]" % (_label(workspace), definition.get("name"))
            problems += [(field, reason + context) for field, reason in _webhook.validate_definition(definition, prefix=hook_path + ".")]
            name = definition.get("name")
            if isinstance(name, str) and name.strip():
                if name in names:
                    problems.append((hook_path + ".name", "%r is also %s.webhooks[%d].name; a webhook name must be unique within "
                                     "workspace %s" % (name, path, names[name], _label(workspace))))
                else:
                    names[name] = j
    return problems


def _failed_results(workspace, msg, extra):
    results = []
    for definition in workspace.get("webhooks") or []:
        result = {"workspace_id": workspace["id"], "name": definition["name"], "action": "failed", "failed": True,
                  "changed": False, "drifted": False, "drift": {}, "warnings": [], "webhook": {}, "msg": msg}
        result.update(extra)
        results.append(result)
    return results


def reconcile_workspace(client, workspace, check_mode, reconcile=None):
    """Reconcile one workspace; never raises. Returns the workspace's outcome dict:
    ``id``, ``name``, ``results`` (one per definition), ``msg`` (set when the whole workspace failed)."""
    reconcile = reconcile or _webhook.reconcile
    definitions = workspace.get("webhooks") or []
    outcome = {"id": workspace["id"], "name": workspace.get("name"), "results": [], "msg": None}
    if not definitions:
        return outcome
    try:
        outcome["results"] = reconcile(client, workspace["id"], definitions, check_mode)
    except ContraForceError as exc:
        # The listing failed (403, 404, transport, ...): this workspace fails, the others go on.
        outcome["msg"] = exc.message
        outcome["results"] = _failed_results(workspace, exc.message, exc.to_result())
    except Exception as exc:  # pylint: disable=broad-except
        # Even a bug must not hide the other workspaces' results (and their one-time secrets).
        outcome["msg"] = "internal error while reconciling workspace %s: %s: %s" % (workspace["id"], type(exc).__name__, exc)
        outcome["results"] = _failed_results(workspace, outcome["msg"], {})
    return outcome


def reconcile_workspaces(client, workspaces, check_mode, concurrency=DEFAULT_CONCURRENCY, reconcile=None):
    """Reconcile every workspace with at most ``concurrency`` at a time; outcomes in input order."""
    if not workspaces:
        return []
    workers = max(MIN_CONCURRENCY, min(int(concurrency), MAX_CONCURRENCY, len(workspaces)))
    if workers == 1:
        return [reconcile_workspace(client, ws, check_mode, reconcile) for ws in workspaces]
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(lambda ws: reconcile_workspace(client, ws, check_mode, reconcile), workspaces))


def _count(results):
    counts = dict((key, 0) for key in COUNTERS)
    for result in results:
        action = result.get("action")
        if result.get("failed"):
            action = "failed"
        if action in counts:
            counts[action] += 1
        if result.get("drifted"):
            counts["drifted"] += 1
    counts["total"] = len(results)
    return counts


def summarize(outcomes):
    """Per-workspace counts (``workspaces``), ``totals`` and one human ``lines`` entry per workspace.

    The actions (``created``, ``unchanged``, ``credentials_updated``, ``deleted``, ``absent``,
    ``failed``) count each webhook once; ``drifted`` counts the webhooks that differ from their
    definition in fields the API cannot update, whatever their action.
    """
    rows = []
    totals = dict((key, 0) for key in COUNTERS)
    totals["total"] = 0
    failed_workspaces = 0
    for outcome in outcomes:
        counts = _count(outcome["results"])
        row = {"id": outcome["id"], "name": outcome.get("name"), "failed_workspace": bool(outcome.get("msg") or counts["failed"])}
        row.update(counts)
        messages = [outcome["msg"]] if outcome.get("msg") else _unique(r.get("msg") for r in outcome["results"] if r.get("failed"))
        row["msg"] = "; ".join(messages) if messages else None
        rows.append(row)
        for key in totals:
            totals[key] += counts[key]
        if row["failed_workspace"]:
            failed_workspaces += 1
    totals["workspaces"] = len(outcomes)
    totals["failed_workspaces"] = failed_workspaces
    return {"workspaces": rows, "totals": totals, "lines": [summary_line(row) for row in rows]}


def _unique(items):
    seen = []
    for item in items:
        if item and item not in seen:
            seen.append(item)
    return seen


def summary_line(row):
    """One line of the human summary for a workspace row of ``summarize()``."""
    label = "%s (%s)" % (row["name"], row["id"]) if row.get("name") else row["id"]
    parts = ["%s %d" % (key.replace("_", " "), row[key]) for key in COUNTERS if row[key] or key in ("created", "unchanged", "drifted", "failed")]
    text = "%s: %s" % (label, ", ".join(parts))
    if row.get("msg"):
        text += " - FAILED: " + row["msg"]
    return text


def bulk_result(outcomes, no_log, diff):
    """The return values of ``webhook_bulk`` for reconcile outcomes.

    ``no_log``: whether the task runs with ``no_log`` (then one-time secrets are returned in
    ``webhooks`` and ``secrets``; otherwise they are withheld, as ``webhook`` does).
    ``diff``: whether to return the ``diff`` list (changed or drifted webhooks).
    Returns ``(result, warnings)``; ``result`` has ``failed`` and ``msg`` when any webhook or
    workspace failed.
    """
    results = []
    secrets = {}
    diffs = []
    warnings = []
    withheld = 0
    for outcome in outcomes:
        for raw in outcome["results"]:
            result = dict((k, v) for k, v in raw.items() if k not in _RESULT_DROP)
            result["workspace_name"] = outcome.get("name")
            if "secret" in result:
                secret = result.pop("secret")
                if no_log:
                    result["secret"] = secret
                    secrets.setdefault(outcome["id"], {})[result["name"]] = secret
                else:
                    result["secret_withheld"] = True
                    withheld += 1
            warnings.extend(result.get("warnings") or [])
            if diff and raw.get("diff") and (raw.get("changed") or raw.get("drifted")):
                diffs.append(raw["diff"])
            results.append(result)
    if withheld:
        warnings.append("ContraForce generated one-time secrets for %d new webhook(s); they are not returned because the task does "
                        "not run with no_log: true. Set no_log: true and register the result to keep them, or set signing_token "
                        "through update_credentials: always to replace them." % withheld)
    summary = summarize(outcomes)
    totals = summary["totals"]
    out = {
        "changed": any(r.get("changed") for r in results),
        # Not "results": ansible-core takes a top-level "results" list for loop results and, under no_log,
        # keeps its items uncensored in what callbacks print, so the one-time secrets would show.
        "webhooks": results,
        "summary": summary,
        "msg": "%d workspace(s), %d webhook(s): %s" % (
            totals["workspaces"], totals["total"], ", ".join("%s %d" % (key.replace("_", " "), totals[key]) for key in COUNTERS)),
    }
    if no_log:
        out["secrets"] = secrets
    if diff:
        out["diff"] = diffs
    if totals["failed_workspaces"]:
        failed_rows = [row for row in summary["workspaces"] if row["failed_workspace"]]
        out["failed"] = True
        out["msg"] = "%d of %d workspace(s) failed, the others were reconciled (%s). Failed: %s" % (
            len(failed_rows), totals["workspaces"], out["msg"],
            "; ".join("%s: %s" % (row["name"] or row["id"], row["msg"]) for row in failed_rows))
    return out, warnings
