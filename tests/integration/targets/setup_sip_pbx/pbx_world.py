"""Writes the world of a sip_pbx_* target into DIR: the emulator's data file, the registrar's
(Kamailio) configuration with the digest secrets of the same passwords, the resolver's (dnsmasq)
names and what the PBX must show.

    python pbx_world.py DIR KIND KAMAILIO_MODULES_DIR [--scale N | --day-one N]

KIND (asterisk, freeswitch) picks the password characters: every printable character that KIND's
format can carry (the sip_value filter's rules). One instance per cell of the matrix, transport
(UDP, TCP, TLS) x outbound proxy (IPv4 literal, IPv6 literal, a name with an A record only, a name
with an AAAA record only, a name with both), PER_INSTANCE extensions each (ids 2001, 2002, 2011,
...); then the negative controls, each alone in its instance: a password the registrar does not
know (wrong_password), a TLS server whose certificate another CA signed (other_ca), and one whose
certificate names neither the proxy name nor its addresses (wrong_names); for FreeSWITCH, whose TLS
cells to an IP address use a server whose certificate has that address as common name and no
host name (IP_CN_PORT), one whose certificate names the address in its subjectAltName only
(ip_san, refused: docs/pbx.md). The udp4 instance also
holds the SIP phones of the call tests: 1001 (baresip, answers) and 1002 (sipp, calls).

--scale N: instead, one instance (cell "scale") of N extensions (ids 3001 up) behind the real TCCC
shape of proxy, TLS to a name (tccc-proxy4.test:5061), and extensions.json: those N extensions as
tccc_extension_info returns them, so that the role renders them without N paced reads (sip_pbx_scale).
--day-one N: the same instance, empty, and a registrar that knows no password yet: the extensions
3001 up are to be created at the emulator and their passwords given to the registrar at run time
(pbx_set_password; benchmarks/day_one.sh).

Addresses and ports are this namespace's own (setup_sip_pbx/pbx_world.sh), so they are fixed.
"""

import json
import os
import string
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "sip_client"))
from sip_world import passwords, write_registrar  # noqa: E402  pylint: disable=wrong-import-position

PORT, TLS_PORT, OTHER_CA_PORT, WRONG_NAMES_PORT, IP_CN_PORT, IP_SAN_PORT = 5060, 5061, 5062, 5063, 5064, 5065
NAME4, NAME6, NAME46 = "tccc-proxy4.test", "tccc-proxy6.test", "tccc-proxy46.test"
PER_INSTANCE = 2
ACCOUNT = {"uin": "100000000001", "secret_id": "AKIDINTEGRATIONpbx000000000000000001",
           "secret_key": "pbx-secret-key-valid-only-on-the-emulator"}

# Printable ASCII; Asterisk strips white space around a value and reads a leading '>' as '=>'
# (the sip_value filter refuses both), so a password holds spaces only inside. FreeSWITCH cannot
# carry a ':' (sofia-sip's auc_credentials() ends the password there; the filter refuses it).
CHARS = {
    "asterisk": string.printable[:94] + " ",
    "freeswitch": string.printable[:94].replace(":", "") + " ",
}

PROXIES = [
    # cell suffix, host (as the API gives it), family the PBX must use
    ("4", "127.0.0.1", "ipv4"),
    ("6", "::1", "ipv6"),
    ("name4", NAME4, "ipv4"),
    ("name6", NAME6, "ipv6"),
    ("name46", NAME46, "any"),  # either family will do
]


def cells(kind):
    for transport in ("udp", "tcp", "tls"):
        for suffix, host, family in PROXIES:
            port = TLS_PORT if transport == "tls" else PORT
            if kind == "freeswitch" and transport == "tls" and host[0] in "0123456789:":
                # sofia-sip verifies an IP address only as the common name of a certificate that
                # names no host (docs/pbx.md): the server there has one (ip-cn, ip-cn6)
                port = IP_CN_PORT
            yield transport + suffix, host, port, transport, family


def main(out, kind, modules, scale=0, created=True):
    chars = CHARS[kind]
    if scale:
        return write_scale(out, kind, modules, scale, created)
    instances = list(cells(kind))
    negatives = [
        ("wrong_password", "127.0.0.1", PORT, "udp", "ipv4"),
        ("other_ca", NAME4, OTHER_CA_PORT, "tls", "ipv4"),
        ("wrong_names", NAME4, WRONG_NAMES_PORT, "tls", "ipv4"),
    ]
    if kind == "freeswitch":
        # the limitation: the IP address in the subjectAltName of a certificate is not matched
        negatives.append(("ip_san", "127.0.0.1", IP_SAN_PORT, "tls", "ipv4"))
    source = iter(passwords(chars, (len(instances) + 1) * PER_INSTANCE + len(negatives) + 2))
    data = {"accounts": [dict(ACCOUNT)], "instances": []}
    expected = {"kind": kind, "registered": [], "rejected": [], "refused_tls": [], "instances": {}}
    secrets = []
    for number, (name, host, port, transport, family) in enumerate(instances + negatives):
        sdk_app_id = 1400000201 + number
        domain = "%d.tccc.qcloud.com" % sdk_app_id
        proxy = "[%s]:%d" % (host, port) if ":" in host else "%s:%d" % (host, port)
        extensions = []
        count = PER_INSTANCE if number < len(instances) else 1
        for k in range(count):
            extension_id = str(2001 + 10 * number + k)
            password = next(source)
            extensions.append({"extension_id": extension_id, "extension_name": "%s %s line %d" % (kind, name, k + 1),
                               "password": password})
            entry = {"aor": "%s@%s" % (extension_id, domain), "extension_id": extension_id, "cell": name,
                     "transport": transport, "family": family, "proxy": proxy}
            if name == "wrong_password":
                secrets.append((extension_id, domain, password + "-not-this-one"))
                expected["rejected"].append(entry)
            elif name in ("other_ca", "wrong_names", "ip_san"):
                secrets.append((extension_id, domain, password))
                expected["refused_tls"].append(entry)
            else:
                secrets.append((extension_id, domain, password))
                expected["registered"].append(entry)
        if name == "udp4":
            for extension_id, client in (("1001", "baresip"), ("1002", "sipp")):
                password = next(source)
                extensions.append({"extension_id": extension_id, "extension_name": "%s phone" % client, "password": password})
                secrets.append((extension_id, domain, password))
        expected["instances"][name] = {"sdk_app_id": sdk_app_id, "domain": domain, "proxy": proxy}
        data["instances"].append({"sdk_app_id": sdk_app_id, "uin": "100000000001", "extension_domain": domain,
                                  "outbound_proxy": proxy, "transport": transport, "extensions": extensions})
    write_files(out, modules, data, expected, secrets)


def write_scale(out, kind, modules, count, created):
    sdk_app_id = 1400000301
    domain = "%d.tccc.qcloud.com" % sdk_app_id
    proxy = "%s:%d" % (NAME4, TLS_PORT)
    instance = {"sdk_app_id": sdk_app_id, "uin": ACCOUNT["uin"], "extension_domain": domain, "outbound_proxy": proxy,
                "transport": "tls", "extensions": []}
    data = {"accounts": [dict(ACCOUNT)], "instances": [instance]}
    expected = {"kind": kind, "registered": [], "rejected": [], "refused_tls": [],
                "instances": {"scale": {"sdk_app_id": sdk_app_id, "domain": domain, "proxy": proxy}}}
    facts, secrets = [], []
    for number, password in enumerate(passwords(CHARS[kind], count)):
        extension_id = str(3001 + number)
        name = "%s seat %d" % (kind, number + 1)
        expected["registered"].append({"aor": "%s@%s" % (extension_id, domain), "extension_id": extension_id, "cell": "scale",
                                       "transport": "tls", "family": "ipv4", "proxy": proxy})
        if not created:
            continue
        instance["extensions"].append({"extension_id": extension_id, "extension_name": name, "password": password})
        secrets.append((extension_id, domain, password))
        facts.append({"extension_id": extension_id, "extension_name": name, "full_extension_id": "%s@%s" % (extension_id, domain),
                      "sdk_app_id": sdk_app_id, "extension_domain": domain, "password": password, "outbound_proxy": proxy,
                      "outbound_proxy_host": NAME4, "outbound_proxy_port": TLS_PORT, "transport": "tls"})
    if created:
        with open(os.path.join(out, "extensions.json"), "w") as handle:
            os.fchmod(handle.fileno(), 0o600)
            json.dump(facts, handle)
    write_files(out, modules, data, expected, secrets)


def write_files(out, modules, data, expected, secrets):
    expected["sdk_app_ids"] = [i["sdk_app_id"] for i in data["instances"]]
    with open(os.path.join(out, "data.json"), "w") as handle:
        json.dump(data, handle, indent=1)
    with open(os.path.join(out, "expected.json"), "w") as handle:
        json.dump(expected, handle, indent=1)
    write_registrar(out, os.path.join(os.path.dirname(os.path.abspath(__file__)), "kamailio.cfg.in"), secrets,
                    {"@DIR@": out, "@MODULES@": modules, "@PORT@": PORT, "@TLS_PORT@": TLS_PORT,
                     "@OTHER_CA_PORT@": OTHER_CA_PORT, "@WRONG_NAMES_PORT@": WRONG_NAMES_PORT,
                     "@IP_CN_PORT@": IP_CN_PORT, "@IP_SAN_PORT@": IP_SAN_PORT})
    write_tls(out)
    with open(os.path.join(out, "dnsmasq.conf"), "w") as handle:
        # local=/test/: the names' other family gets an empty answer (NODATA), as from a real zone, not REFUSED
        handle.write("port=53\nlisten-address=127.0.0.1\nbind-interfaces\nno-resolv\nno-hosts\nlocal=/test/\nlog-queries\n"
                     "log-facility=%s/dnsmasq.log\npid-file=%s/dnsmasq.pid\n"
                     "host-record=%s,127.0.0.1\nhost-record=%s,::1\nhost-record=%s,127.0.0.1,::1\n"
                     % (out, out, NAME4, NAME6, NAME46))
    with open(os.path.join(out, "resolv.conf"), "w") as handle:
        handle.write("nameserver 127.0.0.1\n")


def write_tls(out):
    # One certificate per TLS port: Kamailio picks the [server:ADDRESS:PORT] profile of the socket.
    with open(os.path.join(out, "tls.cfg"), "w") as handle:
        handle.write("[server:default]\nmethod = TLSv1.2+\nverify_certificate = no\nrequire_certificate = no\n"
                     "private_key = %s/server.key\ncertificate = %s/server.pem\n\n" % (out, out))
        for address, ip_cn in (("127.0.0.1", "ip-cn"), ("[::1]", "ip-cn6")):
            for port, cert in ((TLS_PORT, "server"), (OTHER_CA_PORT, "other-ca-server"), (WRONG_NAMES_PORT, "wrong-names"),
                               (IP_CN_PORT, ip_cn), (IP_SAN_PORT, "server")):
                handle.write("[server:%s:%d]\nmethod = TLSv1.2+\nverify_certificate = no\nrequire_certificate = no\n"
                             "private_key = %s/%s.key\ncertificate = %s/%s.pem\n\n" % (address, port, out, cert, out, cert))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[5]) if sys.argv[4:5] in (["--scale"], ["--day-one"]) else 0,
         sys.argv[4:5] != ["--day-one"])
