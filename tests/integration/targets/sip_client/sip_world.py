"""Writes the world of the sip_client target into DIR: the emulator's data file, the registrar's
(Kamailio) configuration with the digest secrets of the same passwords, the private hosts file
and the expected registrations.

    python sip_world.py DIR UDP_TCP_PORT TLS_PORT KAMAILIO_MODULES_DIR

Eight instances, one per (transport, proxy address): UDP and TCP on 127.0.0.1 and [::1], and TLS
on 127.0.0.1 and [::1] (baresip, which verifies no certificate) and on the names tccc-proxy4.test and
tccc-proxy6.test (linphone, which matches the proxy name against the certificate's DNS names).
baresip extensions are 1001..., linphone's 2001...; 1099 and 2099 hold a password the registrar does
not know, 2901 belongs to a linphone that trusts another CA.
"""

import hashlib
import json
import os
import string
import sys

NAME4, NAME6 = "tccc-proxy4.test", "tccc-proxy6.test"
PER_INSTANCE = 3

# Every printable ASCII character the format can carry (see the sip_value filter).
BARESIP_CHARS = "".join(c for c in string.printable[:94] if c != ";")  # printable minus white space and ';' (never a leading '"')
LINPHONE_CHARS = string.printable[:94] + " "                                   # everything printable; never a space at the end


def passwords(chars, count, length=13):
    """COUNT passwords that together hold every character of CHARS, none starting with '>' or ending with a space."""
    result = []
    for index in range(count):
        start = (index * (length - 2)) % len(chars)
        body = "".join(chars[(start + k) % len(chars)] for k in range(length - 2))
        result.append("P" + body + "z")
    covered = set("".join(result))
    assert set(chars) <= covered, "not every character is covered: raise the count"
    return result


def write_registrar(out, template, secrets, replacements):
    """OUT/secrets.cfg, the route that gives Kamailio each (user, realm)'s HA1 from SECRETS, triples
    (user, realm, password); OUT/kamailio.cfg, the file TEMPLATE with each key of REPLACEMENTS
    replaced by its value. Also the sip_pbx targets' (setup_sip_pbx/pbx_world.py)."""
    # HA1 = MD5(user:realm:password) (RFC 2617), so no password is written in Kamailio's syntax.
    with open(os.path.join(out, "secrets.cfg"), "w") as handle:
        handle.write("route[HA1] {\n\t$var(ha1) = \"\";\n")
        for extension_id, domain, password in secrets:
            ha1 = hashlib.md5(("%s:%s:%s" % (extension_id, domain, password)).encode()).hexdigest()
            handle.write('\tif ($au == "%s" && $ar == "%s") { $var(ha1) = "%s"; }\n' % (extension_id, domain, ha1))
        handle.write("}\n")
    with open(template) as handle:
        text = handle.read()
    for key, value in replacements.items():
        text = text.replace(key, str(value))
    with open(os.path.join(out, "kamailio.cfg"), "w") as handle:
        handle.write(text)


def main(out, port, tls_port, modules):
    instances = [
        # name, proxy, transport, clients
        ("udp4", "127.0.0.1:%d" % port, "udp", ("baresip", "linphone")),
        ("tcp4", "127.0.0.1:%d" % port, "tcp", ("baresip", "linphone")),
        ("udp6", "[::1]:%d" % port, "udp", ("baresip", "linphone")),
        ("tcp6", "[::1]:%d" % port, "tcp", ("baresip", "linphone")),
        ("tls4", "127.0.0.1:%d" % tls_port, "tls", ("baresip",)),
        ("tls6", "[::1]:%d" % tls_port, "tls", ("baresip",)),
        ("tlsname4", "%s:%d" % (NAME4, tls_port), "tls", ("linphone",)),
        ("tlsname6", "%s:%d" % (NAME6, tls_port), "tls", ("linphone",)),
    ]
    bare = iter(passwords(BARESIP_CHARS, 6 * PER_INSTANCE + 1))
    # linphone keeps a leading space: the first of its passwords has one
    lin = passwords(LINPHONE_CHARS, 6 * PER_INSTANCE + 3)
    lin = iter([" " + lin[0][1:]] + lin[1:])
    data = {"accounts": [{"uin": "100000000001", "secret_id": "AKIDINTEGRATIONsip000000000000000001",
                          "secret_key": "sip-secret-key-valid-only-on-the-emulator"}], "instances": []}
    expected, altered, bad_ca, secrets = [], [], [], []
    for number, (name, proxy, transport, clients) in enumerate(instances):
        sdk_app_id = 1400000101 + number
        domain = "%d.tccc.qcloud.com" % sdk_app_id
        family = "ipv6" if name.endswith("6") else "ipv4"
        extensions = []
        for client, first, source in (("baresip", 1001, bare), ("linphone", 2001, lin)):
            if client not in clients:
                continue
            for k in range(PER_INSTANCE):
                extension_id = str(first + k)
                password = next(source)
                extensions.append({"extension_id": extension_id, "extension_name": "%s %s line %d" % (client, name, k + 1),
                                   "password": password})
                secrets.append((extension_id, domain, password))
                expected.append({"client": client, "aor": "%s@%s" % (extension_id, domain), "transport": transport, "family": family})
            if name == "udp4":
                # the emulator holds this password, the registrar another one
                extension_id = str(first + 98)
                password = next(source)
                extensions.append({"extension_id": extension_id, "extension_name": "%s altered password" % client, "password": password})
                secrets.append((extension_id, domain, password + "-altered"))
                altered.append({"client": client, "aor": "%s@%s" % (extension_id, domain)})
            if client == "linphone" and name.startswith("tlsname"):
                extension_id = "2901"
                password = next(source)
                extensions.append({"extension_id": extension_id, "extension_name": "linphone trusting another CA", "password": password})
                secrets.append((extension_id, domain, password))
                bad_ca.append({"client": "linphone-other-ca", "aor": "%s@%s" % (extension_id, domain), "proxy": proxy})
        data["instances"].append({"sdk_app_id": sdk_app_id, "uin": "100000000001", "extension_domain": domain,
                                  "outbound_proxy": proxy, "transport": transport, "extensions": extensions})

    with open(os.path.join(out, "data.json"), "w") as handle:
        json.dump(data, handle, indent=1)
    with open(os.path.join(out, "expected.json"), "w") as handle:
        json.dump({"registered": expected, "altered": altered, "other_ca": bad_ca,
                   "sdk_app_ids": [i["sdk_app_id"] for i in data["instances"]]}, handle, indent=1)
    with open(os.path.join(out, "hosts"), "w") as handle:
        handle.write("127.0.0.1 localhost %s\n::1 %s\n" % (NAME4, NAME6))
    write_registrar(out, os.path.join(os.path.dirname(os.path.abspath(__file__)), "kamailio.cfg.in"), secrets,
                    {"@DIR@": out, "@PORT@": port, "@TLS_PORT@": tls_port, "@MODULES@": modules})
    with open(os.path.join(out, "tls.cfg"), "w") as handle:
        handle.write("[server:default]\nmethod = TLSv1.2+\nverify_certificate = no\nrequire_certificate = no\n"
                     "private_key = %s/server.key\ncertificate = %s/server.pem\n" % (out, out))


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4])
