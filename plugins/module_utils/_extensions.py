# -*- coding: utf-8 -*-
# Copyright (c) 2026, tencentcloud.tccc contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# Private to this collection, not a public API: only its own modules import it, and any release
# may change it without notice.
"""Reading TCCC extensions: paging, id chunks, registration reads, and the facts we return."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import re
import unicodedata

from ansible_collections.tencentcloud.tccc.plugins.module_utils import _errors as errors
from ansible_collections.tencentcloud.tccc.plugins.module_utils._errors import ConfigError, TcccError, TransportError, core_masks_secrets, remember
from ansible_collections.tencentcloud.tccc.plugins.module_utils._transport import request_id_of
from ansible_collections.tencentcloud.tccc.plugins.module_utils._workers import WORKERS, Workers


# The list API documents no maximum page size; its sibling CCC list APIs cap at 100.
PAGE_SIZE = 100
# ExtensionIds per DescribeExtensions call: one full page of answers per chunk.
ID_CHUNK = 100

STATUS_NAMES = {0: "offline", 100: "idle", 200: "busy"}
# Where OutboundProxy carries no port, the SIP default for the transport.
DEFAULT_SIP_PORTS = {"tls": 5061, "wss": 443, "ws": 80}
DEFAULT_SIP_PORT = 5060

# ASCII digits only: str.isdigit() also accepts superscripts, which int() then refuses.
_DIGITS = re.compile(r"^[0-9]+$")
_INTEGER = re.compile(r"^-?[0-9]+$")


def _kind(value):
    """A value's JSON type in words, for messages that must not quote the value itself."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    return "an object" if isinstance(value, dict) else type(value).__name__


class Fields:
    """Typed reads of one object of an API answer.

    A field of the wrong type raises TransportError BadResponse naming the action and the field,
    never its value (it may be a password). Numbers sent as strings of ASCII digits are read as
    numbers, and ids sent as numbers as strings: each reading is unambiguous.
    """

    def __init__(self, data, action, where="", request_id=None):
        self.action = action
        self.where = where
        if request_id is None and isinstance(data, dict):
            request_id = data.get("RequestId")
        self.request_id = request_id_of(request_id)
        if not isinstance(data, dict):
            self.fail(None, data, "an object")
        self.data = data

    def fail(self, name, value, expected):
        field = "%s of %s" % (name, self.where) if self.where and name else (name or self.where)
        subject = "the answer's %s" % field if field else "the answer"
        found = "a string that is not" if isinstance(value, str) else "%s, expected" % _kind(value)
        raise TransportError(errors.BAD_RESPONSE, "%s is %s %s" % (subject, found, expected), self.request_id, self.action)

    def text(self, name):
        """A string or None."""
        value = self.data.get(name)
        if value is None or isinstance(value, str):
            return value
        return self.fail(name, value, "a string")

    def ident(self, name):
        """An id: a string, or a whole number read as its decimal string."""
        value = self.data.get(name)
        if isinstance(value, int) and not isinstance(value, bool):
            return str(value)
        return self.text(name)

    def integer(self, name, required=False):
        """A whole number, or a string of ASCII digits; None when absent unless ``required``."""
        value = self.data.get(name)
        if value is None and not required:
            return None
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if isinstance(value, str) and _INTEGER.match(value.strip()):
            return int(value.strip())
        return self.fail(name, value, "a whole number")

    def flag(self, name):
        """true/false (or 0/1), or None."""
        value = self.data.get(name)
        if value is None or isinstance(value, bool):
            return value
        if isinstance(value, int) and value in (0, 1):
            return bool(value)
        return self.fail(name, value, "true or false")

    def objects(self, name):
        """A list of objects (null reads as an empty list), each wrapped in Fields."""
        value = self.data.get(name)
        if value is None:
            return []
        if not isinstance(value, list):
            return self.fail(name, value, "a list")
        return [Fields(item, self.action, "%s[%d]" % (name, index), self.request_id) for index, item in enumerate(value)]


def unique(values):
    """Values in first-seen order without repeats."""
    seen = set()
    return [value for value in values if not (value in seen or seen.add(value))]


def id_chunks(extension_ids):
    """``extension_ids`` in lists of at most ID_CHUNK, one DescribeExtensions filter each; None (the
    whole instance) gives [None]."""
    if extension_ids is None:
        return [None]
    return [extension_ids[start:start + ID_CHUNK] for start in range(0, len(extension_ids), ID_CHUNK)]


def list_extensions(client, sdk_app_id, extension_ids=None, keyword=None, include_status=False):
    """Yield each listed extension's ExtensionInfo once (its ExtensionId a string), page by page, in API order.

    ``extension_ids`` None lists the whole instance; a list is asked for in chunks of ID_CHUNK.
    Paging starts at page 0 and stops at Total, at an empty page, at a page that brings no
    extension not seen before (a server that ignores PageNumber), and after the pages that Total
    implies, whatever the pages hold.
    """
    seen = set()
    for chunk in id_chunks(extension_ids):
        params = {"SdkAppId": sdk_app_id, "PageSize": PAGE_SIZE}
        if chunk is not None:
            params["ExtensionIds"] = chunk
        if keyword:
            params["FuzzingKeyWord"] = keyword
        if include_status:
            params["IsNeedStatus"] = True
        page = 0
        collected = 0
        while True:
            params["PageNumber"] = page
            answer = Fields(client.call("DescribeExtensions", params), "DescribeExtensions")
            total = answer.integer("Total", required=True)
            if total < 0:
                answer.fail("Total", total, "a count of 0 or more")
            new = 0
            for item in answer.objects("ExtensionList"):
                extension_id = item.ident("ExtensionId")
                if extension_id is None:
                    item.fail("ExtensionId", None, "an extension id")
                if extension_id in seen:
                    continue
                seen.add(extension_id)
                new += 1
                info = dict(item.data)
                info["ExtensionId"] = extension_id
                yield info
            collected += new
            page += 1
            if not new or collected >= total or page * PAGE_SIZE >= total:
                break


def list_facts(client, sdk_app_id, extension_ids=None, keyword=None, include_status=False):
    """Yield the facts (normalize_extension()) of each listed extension: the one listing path of the
    reads (read_extensions()) and of the write modules (_reconcile.read_listed())."""
    for info in list_extensions(client, sdk_app_id, extension_ids, keyword, include_status):
        yield normalize_extension(info, include_status)


class Malformed(ValueError):
    """A value of an answer that cannot be read as ``expected`` (the message); never holds the value."""


def skill_group_ids(value):
    """The API's comma string ("1000,1001") as a list of int; a list of ids passes too."""
    if value is None:
        return []
    if isinstance(value, list):
        parts = [str(part) if isinstance(part, int) and not isinstance(part, bool) else part for part in value]
    elif isinstance(value, str):
        parts = value.split(",")
    elif isinstance(value, int) and not isinstance(value, bool):
        parts = [str(value)]
    else:
        raise Malformed("comma-separated skill group ids")
    ids = []
    for part in parts:
        part = part.strip() if isinstance(part, str) else None
        if part == "":
            continue
        if part is None or not _DIGITS.match(part):
            raise Malformed("comma-separated skill group ids (ASCII digits)")
        ids.append(int(part))
    return ids


def split_proxy(proxy, transport):
    """``host:port`` to (host, port); no port gives the SIP default port of the transport."""
    proxy = (proxy or "").strip()
    default = DEFAULT_SIP_PORTS.get((transport or "").lower(), DEFAULT_SIP_PORT)
    if not proxy:
        return None, None
    if proxy.startswith("["):
        host, _sep, rest = proxy[1:].partition("]")
        if rest and not rest.startswith(":"):
            raise Malformed("host:port")
        port = rest[1:]
    elif proxy.count(":") == 1:
        host, port = proxy.split(":")
    else:
        host, port = proxy, ""
    if not port:
        return host, default
    if not _DIGITS.match(port) or not 0 < int(port) < 65536:
        raise Malformed("host:port with a port from 1 to 65535")
    return host, int(port)


def _read(fields, name, parse, *args):
    """``parse(value, *args)`` of field ``name``; Malformed becomes the BadResponse of ``fields``."""
    value = fields.data.get(name)
    try:
        return parse(value, *args)
    except Malformed as err:
        return fields.fail(name, value, str(err))


def normalize_extension(info, include_status=False):
    """The facts of one ExtensionInfo, in our snake_case names; unknown API fields are ignored."""
    info = Fields(info, "DescribeExtensions", "extension %s" % info.get("ExtensionId") if isinstance(info, dict) else "ExtensionList")
    facts = {
        "extension_id": info.ident("ExtensionId"),
        "extension_name": info.text("ExtensionName"),
        "full_extension_id": info.text("FullExtensionId"),
        "sdk_app_id": info.integer("SdkAppId"),
        "skill_group_ids": _read(info, "SkillGroupId", skill_group_ids),
        "relation": info.text("Relation"),
        "relation_name": info.text("RelationName"),
        "registered": info.flag("Register"),
        "create_time": info.integer("CreateTime"),
        "modify_time": info.integer("ModifyTime"),
    }
    if include_status:
        status = info.integer("Status")
        facts["status"] = status
        facts["status_name"] = STATUS_NAMES.get(status, "unknown")
    return facts


def registration_facts(response):
    """The SIP registration facts of a DescribeExtension answer."""
    fields = Fields(response, "DescribeExtension")
    transport = fields.text("Transport")
    proxy = fields.text("OutboundProxy")
    host, port = _read(fields, "OutboundProxy", split_proxy, transport)
    return {
        "extension_domain": fields.text("ExtensionDomain"),
        # A secret from the moment it is read, whatever happens to the task afterwards.
        "password": remember(fields.text("Password")),
        "outbound_proxy": proxy,
        "outbound_proxy_host": host,
        "outbound_proxy_port": port,
        "transport": transport,
    }


def read_registration(client, sdk_app_id, extension_id):
    """The registration facts of one extension; a failure carries ``extension_id``."""
    try:
        return registration_facts(client.call("DescribeExtension", {"SdkAppId": sdk_app_id, "ExtensionId": extension_id}))
    except TcccError as err:
        err.extension_id = extension_id
        raise


class RegistrationReader:
    """DescribeExtension for many extensions at once, started as the listing pages arrive.

    The client's pacer keeps the calls at the rate limit; the pool only keeps enough of them in
    flight to cover the round trip. After the first failure no further call starts.
    """

    def __init__(self, client, sdk_app_id, workers=WORKERS):
        self.client = client
        self.sdk_app_id = sdk_app_id
        self.pool = Workers(workers)

    def submit(self, extension_id):
        return self.pool.submit(read_registration, self.client, self.sdk_app_id, extension_id)

    def close(self):
        self.pool.close()


def read_extensions(client, sdk_app_id, extension_ids=None, keyword=None, include_status=False, include_registration=True):
    """Return (extensions, missing_extension_ids) as the module reports them.

    Registration reads start while later pages are still being listed, so listing time hides
    behind the paced DescribeExtension calls, and raw pages are dropped as soon as they are read.
    """
    requested = None if extension_ids is None else unique(extension_ids)
    extensions = []
    pending = []
    reader = RegistrationReader(client, sdk_app_id) if include_registration else None
    try:
        for facts in list_facts(client, sdk_app_id, requested, keyword, include_status):
            extensions.append(facts)
            if reader:
                pending.append(reader.submit(facts["extension_id"]))
        for facts, future in zip(extensions, pending):
            # None: skipped because another read failed; that failure is raised when reached.
            facts.update(future.result() or {})
    except TcccError as err:
        extension_id = getattr(err, "extension_id", None)
        if extension_id is not None:
            err.message = "extension %s: %s" % (extension_id, err.message)
        raise
    finally:
        if reader:
            reader.close()
    found = set(facts["extension_id"] for facts in extensions)
    missing = [] if requested is None else [extension_id for extension_id in requested if extension_id not in found]
    return extensions, missing


def warn_unmasked_passwords(module, extensions):
    """Warn when ``extensions`` (result dicts) hold SIP passwords that nothing keeps out of output and logs.

    From ansible-core 2.22 each was registered as a secret when it was parsed (_errors.remember()),
    shown as ``$REDACTED$`` but usable by later tasks; older cores cannot do that, so the module
    warns when the task has no ``no_log``.
    """
    if core_masks_secrets() or module.no_log:
        return
    if any(ext.get("password") for ext in extensions):
        module.warn("The result holds SIP passwords: set no_log: true on this task so they stay out of logs and output.")


# Checks of the extension options that the argspec cannot express; each raises ConfigError naming
# the option and the fix, so bad input fails before anything is sent.

# CreateExtension documents ExtensionId and ExtensionName as Strings without limits
# (https://www.tencentcloud.com/document/api/1229/59753). These are the local emulator's
# (tests/emulator/tccc_emulator/ccc.py): an extension number is 1 to 20 ASCII digits, a name at most 255 characters.
EXTENSION_ID = re.compile(r"^[0-9]{1,20}\Z")
MAX_EXTENSION_ID_DIGITS = 20
MAX_EXTENSION_NAME = 255
# The API's Integer is a signed 64-bit number: Long in the official Java SDK's models
# (TencentCloud/tencentcloud-sdk-java, ccc/v20200210/models/CreateExtensionRequest.java: Long[] SkillGroupIds).
MAX_INTEGER = 2 ** 63 - 1


def check_id(value, option):
    """One id (an extension number): not empty, no surrounding spaces, which the API would not match."""
    if not value or value != value.strip():
        raise ConfigError("%s must be an extension number without surrounding spaces, got %r" % (option, value), option=option)


def check_ids(values, option):
    """A list of ids, each as check_id(). None (the option unset) passes."""
    for value in values or []:
        check_id(value, option)


def check_unique(values, option):
    """None of ``values`` (ids) twice."""
    seen = set()
    for value in values:
        if value in seen:
            raise ConfigError("%s: %r is listed twice: list each one once" % (option, value), option=option)
        seen.add(value)


def check_not_blank(value, option, fix):
    """An optional text that, when set, must hold more than white space; ``fix`` tells what to do instead."""
    if value is not None and not value.strip():
        raise ConfigError("%s must not be empty: %s" % (option, fix), option=option)


def _quoted(value):
    """A text as JSON with every non-ASCII character escaped, so that an invisible one shows."""
    return json.dumps(value)


def _character(char):
    """U+200B ZERO WIDTH SPACE, or '-' for printable ASCII."""
    if " " < char < "\x7f":
        return "'%s'" % char
    name = unicodedata.name(char, "")  # control characters have none
    return "U+%04X%s" % (ord(char), " " + name if name else "")


def check_extension_id(value, option):
    """An extension number that is written: 1 to 20 ASCII digits, nothing else.

    Anything else names no extension the API can hold, and with purge a look-alike (U+200B pasted
    from a spreadsheet, full-width digits) would leave the real extension unnamed, to be deleted.
    """
    check_id(value, option)
    if EXTENSION_ID.match(value):
        return
    odd = [char for char in value if char not in "0123456789"]
    if not odd:
        problem = "it has %d digits: use the extension's real number" % len(value)
    elif all(" " < char < "\x7f" for char in odd):
        problem = "%s is not a digit: retype it with the digits 0-9" % _character(odd[0])
    else:
        problem = ("it holds %s, which is not an ASCII digit (an invisible or look-alike character, often pasted from a document): "
                   "retype it with the digits 0-9" % _character(odd[0]))
    raise ConfigError("%s must be an extension number of 1 to %d ASCII digits (0-9), got %s: %s" % (
        option, MAX_EXTENSION_ID_DIGITS, _quoted(value), problem), option=option)


def check_integers(values, option, subject, low=0, high=MAX_INTEGER):
    """Each of ``values`` a whole number (not true/false) from ``low`` to ``high``: the API's Integer
    is 64-bit, and a larger number would be refused or cut by the service. ``subject`` ("extension
    1001") says whose they are. None (the option unset) passes."""
    for value in values or []:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError("%s of %s: %s is not a number: give each as a number, such as 1001 (YAML reads unquoted true, yes "
                              "and on as true)" % (option, subject, json.dumps(value)), option=option)
        if not low <= value <= high:
            raise ConfigError("%s of %s: %d is out of range: each is a number from %d to %d" % (option, subject, value, low, high),
                              option=option)


def check_text(value, option, subject, max_length=None):
    """An optional text without control characters (a NUL, a line break) and, with ``max_length``,
    no longer than that. ``subject`` ("extension 1001") says whose it is."""
    if value is None:
        return
    if max_length is not None and len(value) > max_length:
        raise ConfigError("%s of %s has %d characters: at most %d are allowed; shorten it" % (option, subject, len(value), max_length),
                          option=option)
    for position, char in enumerate(value):
        if unicodedata.category(char) == "Cc" or char in "\u2028\u2029":
            raise ConfigError("%s of %s holds a control character (%s) at position %d: remove it" % (
                option, subject, _character(char), position + 1), option=option)
