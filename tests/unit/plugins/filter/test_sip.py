# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""The SIP quoting filters: each format's rules, read back the way the program reads the value, and
failures that name the extension and the character class but never the value."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re
import string
import xml.etree.ElementTree as ET

import pytest

from ansible.errors import AnsibleFilterError

from ansible_collections.tencentcloud.tccc.plugins.filter.sip import (
    FilterModule, sip_accounts, sip_comment, sip_host, sip_value,
)

PRINTABLE = string.printable[:94]  # every printable ASCII character but space
SECRET = "never-shown"


def ext(**changes):
    base = {"extension_id": "1001", "extension_name": "Front desk", "extension_domain": "1400000000.tccc.qcloud.com",
            "password": "Xb7pQm2LrT9vK", "outbound_proxy_host": "sip.tccc.qcloud.com", "outbound_proxy_port": 5061, "transport": "tls"}
    base.update(changes)
    return base


def asterisk_reads(value):
    """The value of 'k=VALUE' as Asterisk's config parser gets it: an escaped ';' loses its backslash,
    an unescaped one starts a comment, white space around the value is stripped."""
    out = []
    for char in value:
        if char == ";":
            if out and out[-1] == "\\":
                out[-1] = ";"
                continue
            break
        out.append(char)
    return "".join(out).strip()


def baresip_reads(line, name):
    """libre's msg_param_decode(): ';name=' then characters other than white space and ';'."""
    match = re.search(r";[ \t\r\n]*%s[ \t\r\n]*=[ \t\r\n]*([^ \t\r\n;]+)" % re.escape(name), line)
    return match.group(1) if match else None


def test_the_filters_are_registered():
    assert sorted(FilterModule().filters()) == ["sip_accounts", "sip_comment", "sip_host", "sip_value"]


@pytest.mark.parametrize("value", [PRINTABLE, "a b", "x;y;;z", "\\;", "end\\"])
def test_asterisk_reads_back_every_printable_character(value):
    written = sip_value(value, "asterisk", "password", "1001")
    assert asterisk_reads(written) == value


@pytest.mark.parametrize("value, problem", [(" lead", "white space"), ("trail ", "white space"), (">x", "'>'")])
def test_asterisk_refuses_what_it_cannot_carry(value, problem):
    with pytest.raises(AnsibleFilterError) as caught:
        sip_value(value, "asterisk", "password", "1001")
    assert "extension 1001: password" in str(caught.value) and problem in str(caught.value)


def test_freeswitch_reads_back_every_printable_character_and_expands_nothing():
    value = PRINTABLE.replace(":", "") + " $${local_ip_v4}"
    written = sip_value(value, "freeswitch", "password", "1001")
    assert "$" not in written  # FreeSWITCH's pre-processor expands $${...} before the XML parser runs
    assert ET.fromstring('<param value="%s"/>' % written).get("value") == value


def test_freeswitch_refuses_a_colon_in_a_password_only():
    # sofia-sip's auc_credentials() reads "scheme:realm:user:password" and ends the password at a ':'
    with pytest.raises(AnsibleFilterError) as caught:
        sip_value(SECRET + ":x", "freeswitch", "password", "1001")
    message = str(caught.value)
    assert message.startswith("extension 1001: password holds a colon") and "FreeSWITCH" in message
    assert SECRET not in message
    assert sip_value("a:b", "freeswitch", "sip_client_freeswitch_context") == "a:b"


def test_baresip_reads_back_every_character_it_can_carry():
    value = "".join(c for c in PRINTABLE if c != ";")
    line = "<sip:1001@d;transport=udp>;outbound=\"sip:h:5060;transport=udp\";auth_pass=%s" % sip_value(value, "baresip")
    assert baresip_reads(line, "auth_pass") == value


@pytest.mark.parametrize("value, problem", [("a;b", "semicolon"), ("a b", "white space"), ("a\tb", "control")])
def test_baresip_refuses_what_it_cannot_carry(value, problem):
    with pytest.raises(AnsibleFilterError) as caught:
        sip_value(SECRET + value, "baresip", "password", "1001")
    assert problem in str(caught.value) and "baresip" in str(caught.value)
    assert SECRET not in str(caught.value)


def test_baresip_refuses_a_leading_double_quote_only():
    assert sip_value('a"b"', "baresip") == 'a"b"'
    with pytest.raises(AnsibleFilterError) as caught:
        sip_value('"' + SECRET + '"', "baresip", "password", "1001")
    problem = "begins with a double quote"
    assert problem in str(caught.value) and "baresip" in str(caught.value)
    assert SECRET not in str(caught.value)


def linphone_reads(line):
    """linphone_config_parse_line(): the value runs from after the first '=' to the line break, trailing spaces dropped."""
    return line.split("=", 1)[1].split("\n")[0].rstrip(" ")


def test_linphone_reads_back_inner_and_leading_spaces():
    value = " a " + PRINTABLE + " b"
    assert linphone_reads("passwd=%s\n" % sip_value(value, "linphone")) == value
    with pytest.raises(AnsibleFilterError, match="extension 1001: password ends with a space"):
        sip_value("a ", "linphone", "password", "1001")


def test_yealink_carries_inner_spaces_but_not_edges():
    assert sip_value("a " + PRINTABLE + " b", "yealink") == "a " + PRINTABLE + " b"
    for value in (" a", "a "):
        with pytest.raises(AnsibleFilterError, match="begins or ends with white space"):
            sip_value(value, "yealink", "password", "1001")


@pytest.mark.parametrize("kind", ["asterisk", "freeswitch", "baresip", "linphone", "yealink"])
@pytest.mark.parametrize("breaker", ["\n", "\r", "\x00", "\x1b", "\u2028"])
def test_no_format_carries_a_line_break_or_control_character(kind, breaker):
    with pytest.raises(AnsibleFilterError) as caught:
        sip_value(SECRET + breaker + "x", kind, "password", "2002")
    message = str(caught.value)
    assert message.startswith("extension 2002: password holds a line break or another control character")
    assert SECRET not in message


def test_unknown_kind_and_empty_value_fail():
    with pytest.raises(AnsibleFilterError, match="one of asterisk"):
        sip_value("x", "sipura")
    with pytest.raises(AnsibleFilterError, match="is empty"):
        sip_value("", "linphone", "password", "1001")


@pytest.mark.parametrize("host, written", [("::1", "[::1]"), ("[::1]", "[::1]"), ("2001:db8::5", "[2001:db8::5]"),
                                           ("127.0.0.1", "127.0.0.1"), ("sip.tccc.qcloud.com", "sip.tccc.qcloud.com")])
def test_sip_host_brackets_ipv6_only(host, written):
    assert sip_host(host) == written


@pytest.mark.parametrize("host", ["bad host", "a;b", "x>", "::g", ""])
def test_sip_host_refuses_what_is_no_host(host):
    with pytest.raises(AnsibleFilterError):
        sip_host(host)


def test_sip_comment_cannot_break_a_line_or_open_a_section():
    text = sip_comment("Front desk\n[evil]\r;x --> <!-- 前台")
    assert "\n" not in text and "[" not in text and ";" not in text and "--" not in text and "<" not in text
    assert text.startswith("Front desk") and text.endswith("前台")
    assert sip_comment(None) == ""
    # what the filter's documentation shows: a line break is white space, a bracket becomes "_"
    assert sip_comment("Front desk\n[evil]") == "Front desk _evil_"
    assert sip_comment("a\t\t b (c) d's @x+y/z:1#2&3") == "a b (c) d's @x+y/z:1#2&3"
    assert len(sip_comment("x" * 200)) == 64


def test_sip_accounts_quotes_for_the_format_and_brackets_ipv6():
    accounts = sip_accounts([ext(password="a;b", outbound_proxy_host="::1", outbound_proxy_port=5060, transport="UDP")], "asterisk")
    assert accounts == [{
        "key": "1001", "extension_id": "1001", "label": "Front desk", "domain": "1400000000.tccc.qcloud.com",
        "password": "a\\;b", "proxy_host": "[::1]", "proxy_address": "::1", "proxy_port": 5060, "proxy": "[::1]:5060",
        "transport": "udp", "family": "ipv6", "families": ["ipv6"], "stable_key": "1001-1400000000-tccc-qcloud-com",
    }]


def test_sip_accounts_names_repeated_ids_by_domain():
    accounts = sip_accounts([ext(), ext(extension_domain="1400000001.tccc.qcloud.com"), ext(extension_id="1002")], "linphone")
    assert [a["key"] for a in accounts] == ["1001-1400000000-tccc-qcloud-com", "1001-1400000001-tccc-qcloud-com", "1002"]
    assert [a["family"] for a in accounts] == ["name", "name", "name"]


def test_sip_accounts_stable_keys_depend_on_no_other_extension():
    # Asterisk reloads sections by name: 1001's must not change when another instance's 1001 comes or goes.
    alone = sip_accounts([ext(), ext(extension_id="1002")], "asterisk")
    beside = sip_accounts([ext(), ext(extension_domain="1400000001.tccc.qcloud.com"), ext(extension_id="1002")], "asterisk")
    assert alone[0]["key"] != beside[0]["key"]
    assert alone[0]["stable_key"] == beside[0]["stable_key"] == "1001-1400000000-tccc-qcloud-com"
    assert [a["stable_key"] for a in beside] == [
        "1001-1400000000-tccc-qcloud-com", "1001-1400000001-tccc-qcloud-com", "1002-1400000000-tccc-qcloud-com"]


@pytest.mark.parametrize("host, families", [
    ("127.0.0.1", ["ipv4"]), ("::1", ["ipv6"]), ("[2001:db8::1]", ["ipv6"]),
    # a name may resolve to either family or both
    ("sip.tccc.qcloud.com", ["ipv4", "ipv6"]),
])
def test_sip_accounts_families_a_client_must_be_able_to_use(host, families):
    assert sip_accounts([ext(outbound_proxy_host=host)], "asterisk")[0]["families"] == families


@pytest.mark.parametrize("change, message", [
    ({"password": None}, "extension 1001 has no password: read the extensions with include_registration: true"),
    ({"extension_domain": "bad domain"}, "extension 1001: extension_domain is not a host name"),
    ({"transport": "sctp"}, "extension 1001: transport must be one of udp, tcp, tls"),
    ({"outbound_proxy_port": 0}, "extension 1001: outbound_proxy_port must be a port number"),
    ({"outbound_proxy_host": "a b"}, "extension 1001: outbound_proxy_host is neither a host name nor an IP address"),
    ({"extension_id": "10 01"}, "extension #0: extension_id holds characters a SIP user name cannot carry"),
])
def test_sip_accounts_refuses_facts_it_cannot_write(change, message):
    with pytest.raises(AnsibleFilterError) as caught:
        sip_accounts([ext(**change)], "baresip")
    assert str(caught.value) == message


def test_sip_accounts_refuses_the_same_extension_twice_and_a_non_list():
    with pytest.raises(AnsibleFilterError, match="listed twice"):
        sip_accounts([ext(), ext()], "yealink")
    with pytest.raises(AnsibleFilterError, match="list of extensions"):
        sip_accounts({"extension_id": "1001"}, "yealink")


def test_a_refused_password_never_reaches_the_message():
    with pytest.raises(AnsibleFilterError) as caught:
        sip_accounts([ext(password=SECRET + ";")], "baresip")
    assert str(caught.value) == "extension 1001: password holds a semicolon, which a baresip accounts line cannot carry"
