# -*- coding: utf-8 -*-
# Copyright (c) 2026, tencentcloud.tccc contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# Private to this collection, not a public API: only its own modules import it, and any release
# may change it without notice.
"""Making a TCCC instance's extensions match a list: check, read, plan, write, report.

tccc_extensions runs this on its list and tccc_extension on a list of one, so both modules check,
compare, write and recover alike. The steps are separate so that each can be tested alone:

* check_items(): bad input fails before any request, naming the option.
* plan(): the desired items and the current listing give one Task per extension to change, with
  the exact API calls and the managed fields before and after. Pure; check mode reports the plan
  without sending any of its calls.
* Writer.run(): the tasks' calls, concurrently through the shared, paced client (each write action
  has its own budget of 20 requests per second). The first failure stops further writes.
* After an ambiguous failure (the request may or may not have been applied) the extension is read
  again and the outcome decided from what is there; only a write known not to have been applied
  is sent once more. A lost ResetExtensionPassword answer cannot be decided and fails. A create
  refused as a duplicate, or a delete refused as not found (another run got there first), is
  settled by reading too.
* purge's deletions start only once every item's calls have succeeded: a failing item stops the
  run before any extension the list does not name is deleted.
* A run that fails or is stopped after its first write reports what it did: WriteFailed, or the
  ``result`` attached to stop.Stopped.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import threading

from ansible_collections.tencentcloud.tccc.plugins.module_utils import _workers as stop
from ansible_collections.tencentcloud.tccc.plugins.module_utils._errors import ConfigError, TcccError, remember
from ansible_collections.tencentcloud.tccc.plugins.module_utils._extensions import (
    MAX_EXTENSION_NAME, Fields, check_extension_id, check_integers, check_not_blank, check_text, check_unique, id_chunks, list_facts,
    normalize_extension, read_registration, warn_unmasked_passwords,
)
from ansible_collections.tencentcloud.tccc.plugins.module_utils._workers import WORKERS, Workers


# What the modules manage and show in a diff. Passwords never are.
MANAGED = ("extension_name", "skill_group_ids", "relation")
# The options of one item, in the order the modules document them.
ITEM_OPTIONS = ("extension_id", "state", "extension_name", "skill_group_ids", "relation", "reset_password")
# What a diff shows for a password reset, before and after: never the password.
RESET_SHOWN = ("(current)", "(reset)")
# Result lists, in the order a write of each kind is reported.
OUTCOMES = ("created", "updated", "deleted", "reset")
_OUTCOME = {"CreateExtension": "created", "ModifyExtension": "updated", "DeleteExtension": "deleted",
            "ResetExtensionPassword": "reset"}
# The API's answers to a create of an extension that exists and to a delete of one that does not
# (the codes of the official SDKs' ccc error lists; the emulator answers them alike).
DUPLICATED = "FailedOperation.DuplicatedAccount"
NOT_FOUND = "InvalidParameterValue.AccountNotExist"


def item_argument_spec():
    """The options of one extension: tccc_extensions' list elements, tccc_extension's own options."""
    return dict(
        extension_id=dict(type="str", required=True),
        state=dict(type="str", default="present", choices=["present", "absent"]),
        extension_name=dict(type="str"),
        skill_group_ids=dict(type="list", elements="int"),
        relation=dict(type="str"),
        # A flag, not a secret: the name only looks like one to Ansible's no_log heuristics.
        reset_password=dict(type="bool", default=False, no_log=False),
    )


class Item:
    """One extension as the playbook wants it. None leaves a field as it is."""

    __slots__ = ITEM_OPTIONS + ("where",)

    def __init__(self, where, extension_id, state="present", extension_name=None, skill_group_ids=None, relation=None,
                 reset_password=False):
        self.where = where
        self.extension_id = extension_id
        self.state = state
        self.extension_name = extension_name
        self.skill_group_ids = None if skill_group_ids is None else sorted(set(skill_group_ids))
        self.relation = relation
        self.reset_password = reset_password

    def option(self, name):
        """The option's name as the user wrote it: ``extensions[2].relation``, or ``relation`` alone."""
        return self.where + name


def check_items(raw_items, purge=False, list_option=None):
    """Items from the module's options, or ConfigError naming the first bad one.

    ``list_option`` is the name of the list option (``extensions``); None when the items are the
    module's own options (tccc_extension).
    """
    items = []
    for index, raw in enumerate(raw_items):
        where = "" if list_option is None else "%s[%d]." % (list_option, index)
        # Before Item() sorts them: a set would merge true with 1.
        check_integers(raw.get("skill_group_ids"), where + "skill_group_ids", "extension %s" % raw.get("extension_id"))
        item = Item(where, **dict((name, raw.get(name)) for name in ITEM_OPTIONS if raw.get(name) is not None))
        _check_item(item, purge)
        items.append(item)
    if list_option is not None:
        check_unique([item.extension_id for item in items], list_option)
    if purge and not items:
        raise ConfigError("purge: true with an empty %s list would delete every extension of the instance: list the extensions "
                          "to keep" % list_option, option="purge")
    return items


def _check_item(item, purge):
    extension_id = item.extension_id
    check_extension_id(extension_id, item.option("extension_id"))
    subject = "extension %s" % extension_id
    check_not_blank(item.extension_name, item.option("extension_name"), "omit it to keep the current name")
    check_text(item.extension_name, item.option("extension_name"), subject, MAX_EXTENSION_NAME)
    relation = item.relation
    if relation is not None and relation != relation.strip():
        raise ConfigError("%s of extension %s must be an agent's email without surrounding spaces (\"\" unbinds the agent)" % (
            item.option("relation"), extension_id), option=item.option("relation"))
    check_text(relation, item.option("relation"), subject)
    if item.state == "absent":
        given = [name for name in MANAGED if getattr(item, name) is not None] + (["reset_password"] if item.reset_password else [])
        if given:
            raise ConfigError("%s of extension %s contradicts %s: absent (it is deleted): remove one or the other" % (
                item.option(given[0]), extension_id, item.option("state")), option=item.option(given[0]))
        if purge:
            raise ConfigError("%s: absent for extension %s contradicts purge: true, which keeps exactly the extensions listed: "
                              "remove the item (purge deletes it) or set purge: false" % (item.option("state"), extension_id),
                              option=item.option("state"))


def items_from_params(params, list_option=None):
    """The checked items of a module's parameters: its ``list_option`` list, or its own options as one item."""
    raw = params[list_option] if list_option else [dict((name, params[name]) for name in ITEM_OPTIONS)]
    return check_items(raw, params.get("purge") or False, list_option)


def managed_fields(facts):
    """The managed fields of normalized facts, comparable with a plan's ``after``."""
    return {
        "extension_name": facts.get("extension_name"),
        "skill_group_ids": sorted(set(facts.get("skill_group_ids") or [])),
        "relation": facts.get("relation") or "",
    }


class Task:
    """The calls one extension needs. ``before``/``after``: managed fields, None where it does not exist."""

    def __init__(self, extension_id, before, after, calls, wanted=None):
        self.extension_id = extension_id
        self.before = before
        self.after = after
        self.calls = calls
        # The managed fields the item gives, for a create: what an extension found in its place must match.
        self.wanted = wanted

    @property
    def actions(self):
        return [action for action, _params in self.calls]


def plan(items, current, sdk_app_id, purge=False):
    """The tasks that make ``current`` ({extension_id: normalized facts}) match ``items``, in item
    order, then purge's deletions in ``current``'s order. Extensions already right get no task.

    Raises ConfigError for an extension to create without ``extension_name``: before any write.
    """
    tasks = []
    for item in items:
        facts = current.get(item.extension_id)
        before = None if facts is None else managed_fields(facts)
        key = {"SdkAppId": sdk_app_id, "ExtensionId": item.extension_id}
        if item.state == "absent":
            if before is not None:
                tasks.append(Task(item.extension_id, before, None, [("DeleteExtension", key)]))
            continue
        if before is None:
            if item.extension_name is None:
                raise ConfigError("%s is required to create extension %s, which does not exist" % (
                    item.option("extension_name"), item.extension_id), option=item.option("extension_name"))
            after = {"extension_name": item.extension_name, "skill_group_ids": item.skill_group_ids or [],
                     "relation": item.relation or ""}
            params = dict(key, ExtensionName=item.extension_name)
            if item.skill_group_ids:
                params["SkillGroupIds"] = item.skill_group_ids
            if item.relation:
                params["Relation"] = item.relation
            wanted = dict((name, after[name]) for name in MANAGED if getattr(item, name) is not None)
            # A new extension has a new password: reset_password asks for nothing more.
            tasks.append(Task(item.extension_id, None, after, [("CreateExtension", params)], wanted))
            continue
        after = dict(before)
        for name in MANAGED:
            if getattr(item, name) is not None:
                after[name] = getattr(item, name)
        calls = []
        if after != before:
            # Every managed field is sent, the unchanged ones as they are: what an omitted field
            # means to the service then does not matter.
            calls.append(("ModifyExtension", dict(key, ExtensionName=after["extension_name"], SkillGroupIds=after["skill_group_ids"],
                                                  Relation=after["relation"])))
        if item.reset_password:
            calls.append(("ResetExtensionPassword", key))
        if calls:
            tasks.append(Task(item.extension_id, before, after, calls))
    if purge:
        named = set(item.extension_id for item in items)
        for extension_id, facts in current.items():
            if extension_id not in named:
                tasks.append(Task(extension_id, managed_fields(facts), None,
                                  [("DeleteExtension", {"SdkAppId": sdk_app_id, "ExtensionId": extension_id})]))
    return tasks


def outcome_lists(tasks, done=None):
    """{created: [...], updated: [...], deleted: [...], reset: [...]} of ``tasks``; with ``done`` (a set of
    (extension_id, action) pairs), only the calls that were made."""
    lists = dict((name, []) for name in OUTCOMES)
    for task in tasks:
        for action in task.actions:
            if done is None or (task.extension_id, action) in done:
                lists[_OUTCOME[action]].append(task.extension_id)
    return lists


def diff(tasks):
    """Ansible's before/after of the managed fields of the extensions that change, keyed by id.

    A password reset shows as ``password``, RESET_SHOWN before and after (never a password), so that
    a reset alone does not look like no change.
    """
    before = {}
    after = {}
    for task in tasks:
        reset = "ResetExtensionPassword" in task.actions
        if task.before is not None:
            before[task.extension_id] = dict(task.before, password=RESET_SHOWN[0]) if reset else task.before
        if task.after is not None:
            after[task.extension_id] = dict(task.after, password=RESET_SHOWN[1]) if reset else task.after
    return {"before": before, "after": after}


def done_summary(done):
    """``created 2001, 2002; deleted 1009`` of outcome lists, or ``nothing``."""
    return "; ".join("%s %s" % (name, ", ".join(done[name])) for name in OUTCOMES if done[name]) or "nothing"


def progress(done, uncertain=False):
    """The fields a failed or stopped run reports next to its error: the outcome lists, and
    ``changed`` when a write was applied or may have been (``uncertain``)."""
    result = dict((name, list(done[name])) for name in OUTCOMES)
    result["changed"] = bool(uncertain or any(done[name] for name in OUTCOMES))
    return result


class WriteFailed(TcccError):
    """A run failed after its writes began: names the extension whose call failed (None when the
    failure is the listing after the writes) and what was done before, so that a rerun can finish.

    ``changed`` is true when a write was applied, or when the failed write may have been (its
    answer was lost).
    """

    def __init__(self, cause, extension_id, done):
        self.cause = cause
        self.extension_id = extension_id
        self.done = done
        self.changed = progress(done, cause.ambiguous)["changed"]
        where = "extension %s" % extension_id if extension_id is not None else "reading the changed extensions after the writes"
        message = "%s: %s. Done before the failure: %s. Run the task again to finish: it sends only what still differs" % (
            where, cause, done_summary(done))
        super(WriteFailed, self).__init__(cause.code, message, cause.request_id)

    def __str__(self):
        return self.message

    def to_result(self):
        result = super(WriteFailed, self).to_result()
        # The cause's own code and message, cleaned as every error's are.
        result["error"] = self.cause.to_result()["error"]
        if self.extension_id is not None:
            result["extension_id"] = self.extension_id
        result.update(progress(self.done, self.cause.ambiguous))
        return result


class Job:
    """What one worker does for one extension: the task's writes (if any), then a registration read."""

    __slots__ = ("extension_id", "task", "read")

    def __init__(self, extension_id, task, read):
        self.extension_id = extension_id
        self.task = task
        self.read = read


def differences(wanted, current):
    """How ``current`` (managed fields) differs from ``wanted`` (some managed fields), in words."""
    return ["%s is %s, not %s" % (name, json.dumps(current[name]), json.dumps(wanted[name]))
            for name in MANAGED if name in wanted and current[name] != wanted[name]]


class Writer:
    """Runs jobs concurrently through the shared client, stopping after the first failure.

    A job reads an extension's registration right after writing it: DescribeExtension has its own
    budget, so the reads cost no time of the writes'.
    """

    def __init__(self, client, sdk_app_id, check_mode=False, workers=None):
        self.client = client
        self.sdk_app_id = sdk_app_id
        self.check_mode = check_mode
        self.workers = workers
        self.done = set()
        self.sending = set()
        self.passwords = {}
        self.registration = {}
        self._lock = threading.Lock()

    def progress(self, tasks):
        """What a stopped run reports: the outcome lists of the calls done so far; ``changed`` also when a
        write was in flight, since it may have been applied."""
        with self._lock:
            return progress(outcome_lists(tasks, set(self.done)), bool(self.sending))

    def run(self, jobs, tasks):
        """Raises WriteFailed at the first failure, once the calls already in flight have ended (a
        write cannot be called back), with what ``tasks`` got done."""
        pool = Workers(self.workers or WORKERS)
        failure = None
        try:
            futures = [(job, pool.submit(self._job, job, pool.stopped)) for job in jobs]
            for job, future in futures:
                try:
                    future.result()
                except TcccError as err:
                    failure = failure or (job, err)
        finally:
            pool.close()
        if failure:
            job, err = failure
            with self._lock:
                done = set(self.done)
            raise WriteFailed(err, job.extension_id, outcome_lists(tasks, done))

    def _job(self, job, stopped):
        for action, params in job.task.calls if job.task and not self.check_mode else ():
            if stopped.is_set():
                return
            call = (job.extension_id, action)
            with self._lock:
                self.sending.add(call)
            try:
                answer = self._send(job.task, action, params)
            finally:
                with self._lock:
                    self.sending.discard(call)
            with self._lock:
                self.done.add(call)
                # Checked and recorded as a secret the moment it is read, like DescribeExtension's.
                password = remember(Fields(answer, action).text("Password"))
                if password:
                    self.passwords[job.extension_id] = password
        if job.read and not stopped.is_set():
            found = read_registration(self.client, self.sdk_app_id, job.extension_id)
            with self._lock:
                self.registration[job.extension_id] = found

    def _send(self, task, action, params):
        try:
            return self.client.call(action, params)
        except TcccError as err:
            if err.ambiguous:
                return self._settle(task, action, params, err)
            if (action, err.code) in (("CreateExtension", DUPLICATED), ("DeleteExtension", NOT_FOUND)):
                return self._already(task, action, err)
            raise

    def _already(self, task, action, err):
        """A create refused because the extension exists, or a delete because it does not: another run
        (or the worker of a killed one, which Ansible leaves running) got there first. Read it: the
        create counts when the extension is as the item asks, the delete when it is gone."""
        current = self.read_managed(task.extension_id)
        if action == "DeleteExtension":
            if current is None:
                return {}
            raise type(err)(err.code, "%s; yet the extension is still listed: run the task again" % err.message, err.request_id, action)
        if current is None:
            raise type(err)(err.code, "%s; yet no extension %s is listed: run the task again" % (err.message, task.extension_id),
                            err.request_id, action)
        self._check_found(task, current, err)
        return {}

    def _check_found(self, task, current, err):
        """A create's extension exists (made by someone): accept it only as the item asks."""
        different = differences(task.wanted, current)
        if different:
            raise type(err)(err.code, "%s; the extension exists now, but not as requested (%s): check who else changes it, then run the "
                            "task again, which changes it to match" % (err.message, "; ".join(different)), err.request_id, action=err.action)

    def _settle(self, task, action, params, err):
        """Decide a write whose outcome is unknown (its answer lost, or a server error) from what the
        extension looks like now."""
        if action == "ResetExtensionPassword":
            unknown = type(err)(err.code, "%s; so it is unknown whether the password was reset: run the task again to reset "
                                "it for certain" % err.message, err.request_id, action)
            unknown.ambiguous = True
            raise unknown
        current = self.read_managed(task.extension_id)
        if action == "DeleteExtension" and current is None:
            return {}
        if action == "ModifyExtension" and current == task.after:
            return {}
        if action == "CreateExtension" and current is not None:
            self._check_found(task, current, err)
            return {}
        # Read back, the write is known not to have been applied: sending it once more cannot do it twice.
        return self.client.call(action, params)

    def read_managed(self, extension_id):
        facts = read_listed(self.client, self.sdk_app_id, [extension_id]).get(extension_id)
        return None if facts is None else managed_fields(facts)


def read_listed(client, sdk_app_id, ids):
    """{extension_id: normalized facts} in API order of one listing of ``ids`` (None: the whole instance)."""
    return dict((facts["extension_id"], facts) for facts in list_facts(client, sdk_app_id, ids))


def read_current(client, sdk_app_id, items, purge, workers=None):
    """{extension_id: facts} in API order: the whole instance with purge, else only the listed ids.

    The ids are listed in chunks (id_chunks()) at once, so that 300 ids cost one round trip, not three.
    """
    chunks = id_chunks(None if purge else [item.extension_id for item in items])
    pool = Workers(workers or WORKERS)
    try:
        pages = [pool.submit(read_listed, client, sdk_app_id, chunk) for chunk in chunks]
        current = {}
        for future in pages:
            current.update(future.result())
        return current
    finally:
        pool.close()


def predicted_facts(facts, after, sdk_app_id, extension_id):
    """What check mode reports for an extension a real run would create or change."""
    if facts is None:
        facts = normalize_extension({"ExtensionId": extension_id, "SdkAppId": sdk_app_id})
    else:
        facts = dict(facts)
    facts.update(after)
    return facts


def reconcile(client, sdk_app_id, items, purge=False, check_mode=False, include_registration=True, workers=None):
    """Make the instance match ``items``; return the result both modules report.

    Keys: changed, created, updated, deleted, reset, extensions (facts of the items that are
    present afterwards, in item order), diff. Raises ConfigError before any write for a plan that
    cannot be carried out, TcccError when the listing before the writes fails, WriteFailed after a
    failed call or a failed listing after them; a stop.Stopped raised meanwhile carries ``result``,
    what was done (progress()).
    """
    current = read_current(client, sdk_app_id, items, purge, workers)
    tasks = plan(items, current, sdk_app_id, purge)
    by_id = dict((task.extension_id, task) for task in tasks)
    present = [item.extension_id for item in items if item.state == "present"]
    jobs = []
    for item in items:
        # In check mode an extension still to be created has nothing to read.
        read = include_registration and item.state == "present" and (item.extension_id in current or not check_mode)
        if item.extension_id in by_id or read:
            jobs.append(Job(item.extension_id, by_id.get(item.extension_id), read))
    named = set(item.extension_id for item in items)
    # purge's deletions, only once every item's calls have succeeded (Writer.run raises otherwise).
    purges = [Job(task.extension_id, task, False) for task in tasks if task.extension_id not in named]
    writer = Writer(client, sdk_app_id, check_mode, workers)
    changed = [extension_id for extension_id in present if extension_id in by_id and by_id[extension_id].after != by_id[extension_id].before]
    facts = dict((extension_id, current[extension_id]) for extension_id in present if extension_id not in changed)
    try:
        writer.run(jobs, tasks)
        writer.run(purges, tasks)
        if check_mode:
            for extension_id in changed:
                facts[extension_id] = predicted_facts(current.get(extension_id), by_id[extension_id].after, sdk_app_id, extension_id)
                if extension_id not in current:
                    # Says why it has no registration facts: nothing exists yet to read (the sip_client role skips it).
                    facts[extension_id]["would_create"] = True
        else:
            try:
                facts.update(read_current(client, sdk_app_id, [item for item in items if item.extension_id in changed], False, workers))
            except TcccError as err:
                raise WriteFailed(err, None, outcome_lists(tasks))
    except stop.Stopped as stopped:
        stopped.result = writer.progress(tasks)
        raise
    for extension_id, found in writer.registration.items():
        facts.get(extension_id, {}).update(found)
    # Passwords only when asked for: a result without them needs no no_log, and keeps its --diff.
    for extension_id, password in writer.passwords.items() if include_registration else ():
        facts.get(extension_id, {})["password"] = password
    result = outcome_lists(tasks)
    result.update(changed=bool(tasks), extensions=[facts[extension_id] for extension_id in present if extension_id in facts],
                  diff=diff(tasks))
    return result


class WriteModule:
    """What a write module's check_params and run do (see _base.run_module()): check_params() parses
    and checks the items before any request and returns them, run() reconciles those items.

    ``list_option``: the module's list option (``extensions``); None when the module's own options
    are the one item (tccc_extension).
    """

    def __init__(self, list_option=None):
        self.list_option = list_option

    def check_params(self, params):
        return items_from_params(params, self.list_option)

    def run(self, module, client, items):
        """Reconcile ``items`` (what check_params() returned), warn about the passwords of the result where the core cannot
        mask them, and keep the diff only in diff mode."""
        params = module.params
        result = reconcile(client, params["sdk_app_id"], items, params.get("purge") or False, module.check_mode,
                           params["include_registration"])
        warn_unmasked_passwords(module, result["extensions"])
        if not module._diff:  # pylint: disable=protected-access
            del result["diff"]
        return result
