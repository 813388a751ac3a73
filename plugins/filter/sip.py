# -*- coding: utf-8 -*-
# Copyright (c) 2026, tencentcloud.tccc contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The quoting rules of each SIP client configuration format, in one place.

Documentation: sip_accounts.yml, sip_value.yml, sip_host.yml and sip_comment.yml next to this file.
Errors name the extension, the field and the character class, never the value: values are passwords.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re
import unicodedata
from collections import Counter

from ansible.errors import AnsibleFilterError

KINDS = ("asterisk", "freeswitch", "baresip", "linphone", "yealink")
TRANSPORTS = ("udp", "tcp", "tls")

# RFC 3261 user part without escapes, and host names: the API's extension ids are digits and its
# domains host names, so anything else is an unexpected answer, not something to quote.
USER_RE = re.compile(r"^[A-Za-z0-9._~!$&'()*+,=-]+$")
HOSTNAME_RE = re.compile(r"^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$")
IPV6_RE = re.compile(r"^[0-9A-Fa-f:.]+$")

# FreeSWITCH expands $${name} in the raw text of every XML file before parsing it (its X-PRE-PROCESS
# step), so '$' is written as a character reference as well as the five XML specials.
XML_ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;", "$": "&#36;"}

COMMENT_PUNCTUATION = set(" _.,()@+/:#&'")
COMMENT_MAX = 64


def _what(extension, field):
    return "extension %s: %s" % (extension, field) if extension is not None else field


def _fail(extension, field, problem, kind):
    raise AnsibleFilterError("%s %s, which %s cannot carry" % (_what(extension, field), problem, FORMAT_NAMES.get(kind, kind)))


FORMAT_NAMES = {
    "asterisk": "an Asterisk config file (pjsip_tccc.conf)",
    "freeswitch": "a FreeSWITCH XML file",
    "baresip": "a baresip accounts line",
    "linphone": "a linphonerc value",
    "yealink": "a Yealink .cfg value",
}


def _is_control(char):
    return unicodedata.category(char) in ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp")


def _check_common(value, kind, extension, field):
    """Rules shared by every format: a line break (or any control character) ends the line in all five."""
    if not value:
        raise AnsibleFilterError("%s is empty" % _what(extension, field))
    if any(_is_control(char) for char in value):
        _fail(extension, field, "holds a line break or another control character", kind)


def _check_edges(value, kind, extension, field):
    if value != value.strip():
        _fail(extension, field, "begins or ends with white space", kind)


def _quote_asterisk(value, extension, field):
    # Asterisk's config parser (main/config.c) strips white space around a value, reads '=>' as the
    # object operator and starts a comment at ';' unless it follows a backslash, which it removes.
    _check_edges(value, "asterisk", extension, field)
    if value.startswith(">"):
        _fail(extension, field, "begins with '>' (read as the '=>' operator)", "asterisk")
    return value.replace(";", "\\;")


def _quote_freeswitch(value, extension, field):
    # mod_sofia hands a gateway's credentials to sofia-sip as one "scheme:realm:user:password"
    # string (sofia_reg.c, sofia_reg_handle_sip_r_challenge), and auc_credentials() in sofia-sip's
    # iptsec/auth_client.c ends the password at its first ':', with no escape: the registrar would
    # get a digest of the password's first part and answer 403.
    if field == "password" and ":" in value:
        _fail(extension, field, "holds a colon (sofia-sip's auc_credentials() ends the password there)", "freeswitch")
    return "".join(XML_ESCAPES.get(char, char) for char in value)


def _quote_baresip(value, extension, field):
    # libre's msg_param_decode() reads an account parameter as ';name=' followed by characters other
    # than white space and ';', and baresip takes auth_pass from it as is; a value that begins with
    # '"' is read as a quoted string (a '"' further in is an ordinary character).
    if any(char.isspace() for char in value):
        _fail(extension, field, "holds white space", "baresip")
    if ";" in value:
        _fail(extension, field, "holds a semicolon", "baresip")
    if value.startswith('"'):
        _fail(extension, field, "begins with a double quote", "baresip")
    return value


def _quote_linphone(value, extension, field):
    # linphone's config reader (linphone_config_parse_line) takes the value from just after the
    # first '=' to the line break and drops the spaces at its end; a leading space is kept.
    if value.endswith(" "):
        _fail(extension, field, "ends with a space", "linphone")
    return value


def _quote_yealink(value, extension, field):
    # Yealink .cfg files are 'key = value' lines; the phone trims the spaces around the value.
    _check_edges(value, "yealink", extension, field)
    return value


QUOTERS = {
    "asterisk": _quote_asterisk,
    "freeswitch": _quote_freeswitch,
    "baresip": _quote_baresip,
    "linphone": _quote_linphone,
    "yealink": _quote_yealink,
}


def _check_kind(kind):
    if kind not in KINDS:
        raise AnsibleFilterError("the format must be one of %s, got %r" % (", ".join(KINDS), kind))


def _text(value, extension, field):
    if not isinstance(value, str):
        if isinstance(value, bool) or not isinstance(value, int):
            raise AnsibleFilterError("%s must be a string" % _what(extension, field))
        value = str(value)
    return value


def sip_value(value, kind, field="value", extension=None):
    """VALUE written so that format KIND reads it back unchanged, or an error naming the character class."""
    _check_kind(kind)
    value = _text(value, extension, field)
    _check_common(value, kind, extension, field)
    return QUOTERS[kind](value, extension, field)


def sip_host(host, extension=None, field="host"):
    """HOST as it goes into a SIP URI: IPv6 addresses in brackets, names and IPv4 as they are."""
    host = _text(host, extension, field)
    bare = host[1:-1] if host.startswith("[") and host.endswith("]") else host
    if ":" in bare:
        if not IPV6_RE.match(bare):
            raise AnsibleFilterError("%s is neither a host name nor an IP address" % _what(extension, field))
        return "[%s]" % bare
    if not HOSTNAME_RE.match(bare):
        raise AnsibleFilterError("%s is neither a host name nor an IP address" % _what(extension, field))
    return bare


def sip_comment(value):
    """VALUE reduced to text that is safe in a comment of every format: letters, digits, spaces and a little punctuation."""
    if value is None:
        return ""
    kept = []
    for char in str(value):
        # white space of any kind (a line break too) is kept as a space, so that runs of it become one
        kept.append(char if char.isalnum() or char in COMMENT_PUNCTUATION else " " if char.isspace() else "_")
    text = " ".join("".join(kept).split())
    if len(text) > COMMENT_MAX:
        text = text[:COMMENT_MAX - 1] + "~"
    return text


def _family(host):
    if ":" in host:
        return "ipv6"
    if re.match(r"^[0-9.]+$", host):
        return "ipv4"
    return "name"


def _families(family):
    # A host name may resolve to IPv4, IPv6 or both, and may change: a client must be able to use either.
    return ["ipv4", "ipv6"] if family == "name" else [family]


def sip_accounts(extensions, kind):
    """The extensions as format KIND needs them, every value checked and quoted."""
    _check_kind(kind)
    if not isinstance(extensions, (list, tuple)):
        raise AnsibleFilterError("sip_accounts needs the list of extensions that tencentcloud.tccc.tccc_extension_info returns")
    accounts = []
    seen = set()
    for index, ext in enumerate(extensions):
        if not isinstance(ext, dict):
            raise AnsibleFilterError("extension #%d is not a mapping of extension facts" % index)
        extension = ext.get("extension_id")
        if extension is None:
            raise AnsibleFilterError("extension #%d has no extension_id" % index)
        extension = _text(extension, None, "extension #%d: extension_id" % index)
        if not USER_RE.match(extension):
            raise AnsibleFilterError("extension #%d: extension_id holds characters a SIP user name cannot carry" % index)
        missing = [key for key in ("extension_domain", "password", "outbound_proxy_host", "outbound_proxy_port", "transport")
                   if ext.get(key) in (None, "")]
        if missing:
            raise AnsibleFilterError("extension %s has no %s: read the extensions with include_registration: true"
                                     % (extension, ", ".join(missing)))
        domain = _text(ext["extension_domain"], extension, "extension_domain")
        if not HOSTNAME_RE.match(domain):
            raise AnsibleFilterError("extension %s: extension_domain is not a host name" % extension)
        transport = _text(ext["transport"], extension, "transport").lower()
        if transport not in TRANSPORTS:
            raise AnsibleFilterError("extension %s: transport must be one of %s" % (extension, ", ".join(TRANSPORTS)))
        port = ext["outbound_proxy_port"]
        if isinstance(port, bool) or not isinstance(port, int) or not 0 < port < 65536:
            raise AnsibleFilterError("extension %s: outbound_proxy_port must be a port number" % extension)
        host = sip_host(ext["outbound_proxy_host"], extension, "outbound_proxy_host")
        key = (domain.lower(), extension)
        if key in seen:
            raise AnsibleFilterError("extension %s@%s is listed twice" % (extension, domain))
        seen.add(key)
        accounts.append({
            "key": extension,
            "extension_id": extension,
            "label": sip_comment(ext.get("extension_name")),
            "domain": domain,
            "password": sip_value(ext["password"], kind, "password", extension),
            "proxy_host": host,
            "proxy_address": host.strip("[]"),
            "proxy_port": port,
            "proxy": "%s:%d" % (host, port),
            "transport": transport,
            "family": _family(host),
            "families": _families(_family(host)),
            # never depends on the other extensions listed, so a reload finds its sections again
            "stable_key": "%s-%s" % (extension, domain.rstrip(".").lower().replace(".", "-")),
        })
    # An extension id repeated across instances (domains) gets the domain into its section and file names.
    ids = Counter(account["extension_id"] for account in accounts)
    for account in accounts:
        if ids[account["extension_id"]] > 1:
            account["key"] = "%s-%s" % (account["extension_id"], account["domain"].rstrip(".").replace(".", "-"))
    return accounts


class FilterModule(object):
    def filters(self):
        return {
            "sip_accounts": sip_accounts,
            "sip_value": sip_value,
            "sip_host": sip_host,
            "sip_comment": sip_comment,
        }
