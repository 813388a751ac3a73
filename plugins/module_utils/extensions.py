# -*- coding: utf-8 -*-
# Copyright (c) 2026, tencentcloud.tccc contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Reading TCCC extensions: paging, id chunks, registration reads, and the facts we return."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.tencentcloud.tccc.plugins.module_utils.errors import TcccError
from ansible_collections.tencentcloud.tccc.plugins.module_utils.workers import WORKERS, Workers

# The list API documents no maximum page size; its sibling CCC list APIs cap at 100.
PAGE_SIZE = 100
# ExtensionIds per DescribeExtensions call: one full page of answers per chunk.
ID_CHUNK = 100

STATUS_NAMES = {0: "offline", 100: "idle", 200: "busy"}
# Where OutboundProxy carries no port, the SIP default for the transport.
DEFAULT_SIP_PORTS = {"tls": 5061, "wss": 443, "ws": 80}
DEFAULT_SIP_PORT = 5060


def unique(values):
    """Values in first-seen order without repeats."""
    seen = set()
    return [value for value in values if not (value in seen or seen.add(value))]


def list_extensions(client, sdk_app_id, extension_ids=None, keyword=None, include_status=False):
    """Yield the API's ExtensionInfo dicts, page by page, in API order.

    ``extension_ids`` None lists the whole instance; a list is asked for in chunks of ID_CHUNK.
    Paging starts at page 0 and stops at Total or at an empty page, never looping on one.
    """
    chunks = [None] if extension_ids is None else [extension_ids[i:i + ID_CHUNK] for i in range(0, len(extension_ids), ID_CHUNK)]
    for chunk in chunks:
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
            response = client.call("DescribeExtensions", params)
            items = response.get("ExtensionList") or []
            yield from items
            collected += len(items)
            page += 1
            total = response.get("Total")
            if not items or not isinstance(total, int) or collected >= total:
                break


def skill_group_ids(value):
    """The API's comma string ("1000,1001") as a list of int; a list passes through."""
    if isinstance(value, list):
        parts = value
    else:
        parts = str(value or "").split(",")
    return [int(part) for part in (str(p).strip() for p in parts) if part.isdigit()]


def split_proxy(proxy, transport):
    """``host:port`` to (host, port); no port gives the SIP default port of the transport."""
    proxy = (proxy or "").strip()
    default = DEFAULT_SIP_PORTS.get((transport or "").lower(), DEFAULT_SIP_PORT)
    if not proxy:
        return None, None
    if proxy.startswith("["):
        host, _sep, rest = proxy[1:].partition("]")
        port = rest[1:] if rest.startswith(":") else ""
    elif proxy.count(":") == 1:
        host, port = proxy.split(":")
    else:
        host, port = proxy, ""
    return host, int(port) if port.isdigit() else default


def normalize_extension(info, include_status=False):
    """The facts of one ExtensionInfo, in our snake_case names; unknown API fields are ignored."""
    register = info.get("Register")
    facts = {
        "extension_id": info.get("ExtensionId"),
        "extension_name": info.get("ExtensionName"),
        "full_extension_id": info.get("FullExtensionId"),
        "sdk_app_id": info.get("SdkAppId"),
        "skill_group_ids": skill_group_ids(info.get("SkillGroupId")),
        "relation": info.get("Relation"),
        "relation_name": info.get("RelationName"),
        "registered": None if register is None else bool(register),
        "create_time": info.get("CreateTime"),
        "modify_time": info.get("ModifyTime"),
    }
    if include_status:
        status = info.get("Status")
        facts["status"] = status
        facts["status_name"] = STATUS_NAMES.get(status, "unknown")
    return facts


def registration_facts(response):
    """The SIP registration facts of a DescribeExtension answer."""
    transport = response.get("Transport")
    host, port = split_proxy(response.get("OutboundProxy"), transport)
    return {
        "extension_domain": response.get("ExtensionDomain"),
        "password": response.get("Password"),
        "outbound_proxy": response.get("OutboundProxy"),
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
        for info in list_extensions(client, sdk_app_id, requested, keyword, include_status):
            facts = normalize_extension(info, include_status)
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
