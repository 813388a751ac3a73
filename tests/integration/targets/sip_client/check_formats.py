"""Parses the Asterisk, FreeSWITCH and Yealink files the role wrote (these programs cannot run here)
the way each program reads them, and checks every value against the emulator's data file.

    python check_formats.py WORK

- pjsip_tccc.conf, as Asterisk's config parser (main/config.c) reads it: '[name]' starts a section,
  ';' starts a comment unless escaped as '\\;' (the backslash is removed), values are stripped;
  the keys are the documented options of each PJSIP object type.
- the FreeSWITCH profiles: no '$${' but in their sip-ip and rtp-ip (FreeSWITCH expands it before
  parsing), then XML; the gateway params as sofia.c reads them.
- Yealink .cfg: first line '#!version:1.0.0.1', 'key = value' lines with the account.1.* keys.
"""

import glob
import json
import os
import sys
import xml.etree.ElementTree as ET

PJSIP_KEYS = {
    "transport": {"type", "protocol", "bind", "method", "ca_list_file", "verify_server"},
    "auth": {"type", "auth_type", "username", "password", "realm"},
    "aor": {"type", "contact", "outbound_proxy"},
    "endpoint": {"type", "transport", "context", "disallow", "allow", "aors", "outbound_auth", "from_user", "from_domain",
                 "outbound_proxy"},
    "registration": {"type", "transport", "outbound_auth", "server_uri", "client_uri", "contact_user", "outbound_proxy",
                     "expiration", "retry_interval", "line", "endpoint"},
}
GATEWAY_PARAMS = {"username", "password", "realm", "proxy", "from-user", "from-domain", "register-proxy", "outbound-proxy",
                  "register-transport", "register", "expire-seconds", "retry-seconds"}
YEALINK_KEYS = {"account.1.enable", "account.1.label", "account.1.display_name", "account.1.auth_name", "account.1.user_name",
                "account.1.password", "account.1.sip_server.1.address", "account.1.sip_server.1.port",
                "account.1.sip_server.1.transport_type", "account.1.sip_server.1.expires", "account.1.outbound_proxy_enable",
                "account.1.outbound_proxy.1.address", "account.1.outbound_proxy.1.port", "security.trust_certificates",
                "security.ca_cert", "trusted_certificates.url"}


def asterisk_sections(path):
    sections = []
    with open(path, encoding="utf-8") as handle:
        for raw in handle:
            line = raw.rstrip("\n")
            out, index = [], 0
            while index < len(line):
                char = line[index]
                if char == ";":
                    if out and out[-1] == "\\":
                        out[-1] = ";"
                    else:
                        break
                else:
                    out.append(char)
                index += 1
            line = "".join(out).strip()
            if not line:
                continue
            if line.startswith("["):
                sections.append((line[1:line.index("]")], {}))
                continue
            key, sep, value = line.partition("=")
            assert sep and not value.startswith(">"), "not an option line: %r" % key
            sections[-1][1][key.strip()] = value.strip()
    return sections


def main(work):
    with open(os.path.join(work, "data.json")) as handle:
        data = json.load(handle)
    # password of each linphone extension (the set rendered for these formats), by (id, domain)
    want = {(e["extension_id"], i["extension_domain"]): (e["password"], i) for i in data["instances"]
            for e in i["extensions"] if e["extension_id"].startswith("20") and not e["password"].startswith(" ")}
    checked = 0

    auths = {}
    for name, options in asterisk_sections(os.path.join(work, "asterisk", "pjsip_tccc.conf")):
        kind = options.get("type")
        assert kind in PJSIP_KEYS, "section %s has type %s" % (name, kind)
        unknown = set(options) - PJSIP_KEYS[kind]
        assert not unknown, "section %s has undocumented options %s" % (name, unknown)
        if kind == "auth":
            auths[(options["username"], options["realm"])] = options["password"]
        if kind == "transport" and options["protocol"] == "tls":
            assert options["verify_server"] == "yes" and options["ca_list_file"].endswith("ca.pem")
    assert set(auths) == set(want), "Asterisk auth sections do not match the extensions"
    for key, password in auths.items():
        assert password == want[key][0], "Asterisk reads another password for %s@%s" % key
        checked += 1

    path = os.path.join(work, "freeswitch", "tccc.xml")
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    assert text.count("$${") == 4, "FreeSWITCH would expand a $${...} in a value"
    gateways = {}
    for profile in ET.fromstring(text).iter("profile"):
        settings = {p.get("name"): p.get("value") for p in profile.find("settings")}
        for gateway in profile.iter("gateway"):
            params = {p.get("name"): p.get("value") for p in gateway.iter("param")}
            # an IPv6 proxy's address is the one a challenge may come from (sofia_reg.c compares it as written)
            ipv6 = params["register-proxy"].startswith("sip:[")
            assert set(params) == GATEWAY_PARAMS | ({"gw-auth-acl"} if ipv6 else set()), \
                "gateway %s params %s" % (gateway.get("name"), sorted(params))
            if ipv6:
                assert params["gw-auth-acl"] == params["register-proxy"][5:].split("]")[0] + "/128"
            if params["register-transport"] == "tls":
                assert settings["tls"] == "true", "a TLS gateway in a profile without TLS is dropped by sofia.c"
                assert settings["tls-verify-policy"] == "out|subjects_out"
            key = (params["username"], params["realm"])
            assert params["proxy"] == key[1], "sofia.c registers to sip:<proxy>: it must be the extension domain"
            proxy = want[key][1]["outbound_proxy"]
            assert params["register-proxy"].startswith("sip:%s;" % proxy), "register-proxy is not the outbound proxy"
            gateways[key] = params["password"]
    assert set(gateways) == {key for key, value in want.items() if ":" not in value[0]}
    for key, password in gateways.items():
        assert password == want[key][0], "FreeSWITCH reads another password for %s@%s" % key
        checked += 1

    files = sorted(glob.glob(os.path.join(work, "yealink", "*.cfg")))
    assert [os.path.basename(f) for f in files] == ["001565aabb01.cfg"], files
    with open(files[0], encoding="utf-8") as handle:
        lines = handle.read().splitlines()
    assert lines[0] == "#!version:1.0.0.1"
    values = {}
    for line in lines[1:]:
        if line.startswith("#"):
            continue
        key, sep, value = line.partition(" = ")
        assert sep and key in YEALINK_KEYS, "unknown Yealink line %r" % key
        values[key] = value
    key = (values["account.1.user_name"], values["account.1.sip_server.1.address"])
    assert values["account.1.password"] == want[key][0]
    instance = want[key][1]
    assert values["account.1.sip_server.1.transport_type"] == str({"udp": 0, "tcp": 1, "tls": 2}[instance["transport"]])
    assert "[%s]:%s" % (values["account.1.outbound_proxy.1.address"], values["account.1.outbound_proxy.1.port"]) == instance["outbound_proxy"] \
        or "%s:%s" % (values["account.1.outbound_proxy.1.address"], values["account.1.outbound_proxy.1.port"]) == instance["outbound_proxy"]
    checked += 1
    print("format checks: %d Asterisk and FreeSWITCH passwords and 1 Yealink file read back unchanged" % (checked - 1))


if __name__ == "__main__":
    main(sys.argv[1])
