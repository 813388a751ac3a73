"""Compares what the PBX (Asterisk: pjsip show registrations; FreeSWITCH: sofia xmlstatus gateway)
and the registrar (kamcmd ul.dump, its log) show with what pbx_world.py expects, counted on both
sides. The PBX is the kind in WORK/expected.json.

    python check_pbx.py WORK [--cells CELL,...] [--wait SECONDS]
    python check_pbx.py WORK --phones [--wait SECONDS]
    python check_pbx.py WORK --day-two AOR --since-line N [--wait SECONDS]

Waits (at most SECONDS) until the evidence is complete, then checks and prints the matrix:
- every extension of the cells (default: all) is registered in the PBX (Registered, REGED) and held
  by the registrar, over its transport and, where the proxy has one address family, that family;
- the wrong password: rejected in the PBX (Rejected; FreeSWITCH: FAILED or FAIL_WAIT, the retry, and
  "Failed Registration [403]" logged), rejected by the registrar, never held;
- the other CA's and the misnamed certificate (FreeSWITCH: and an IP address named in the
  subjectAltName only): never registered, never reaching the registrar (the TLS handshake fails
  before any SIP), and the PBX logs why: untrusted, identity mismatch.
--phones: the phone 1001 (baresip) is held by the registrar.
--day-two: after line N of the registrar's log, AOR registered again (so with its new password: the
old one is no longer the registrar's) and no rejection of it (FreeSWITCH: none after that
registration; its profile restart unregisters with the old password first); the extension rotate.yml deleted is
neither held nor in the PBX; Asterisk never lost an auth section to a renaming.
"""

import argparse
import json
import os
import re
import subprocess
import sys
import time
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "sip_client"))
from check_registrations import dump  # noqa: E402  pylint: disable=wrong-import-position

STATUSES = ("Registered", "Unregistered", "Rejected")
# What each PBX shows for a registered extension, and for one the registrar rejected.
REGISTERED = {"asterisk": "Registered", "freeswitch": "REGED"}
REJECTED = {"asterisk": ("Rejected",), "freeswitch": ("FAILED", "FAIL_WAIT")}
# Where each PBX logs, and what it logs when it refuses a server's certificate: pjsip's verification
# errors as res_pjsip/pjsip_transport_events.c logs them ("...:PORT - REASON"); sofia-sip's (at
# TPORT_DEBUG 3) as tport_tls.c does.
LOGS = {"asterisk": ("log", "messages.log"), "freeswitch": ("fs", "log", "freeswitch.log")}
VERIFICATION_ERRORS = {
    "asterisk": {
        "other_ca": "The certificate is untrusted",
        "wrong_names": "The server identity does not match to any identities specified in the certificate",
    },
    "freeswitch": {
        "other_ca": "err 20:unable to get local issuer certificate",
        "wrong_names": "Peer Subject Mismatch (tccc-proxy4.test)",
        # the certificate names 127.0.0.1 in its subjectAltName, which sofia-sip does not read
        "ip_san": "Peer Subject Mismatch (127.0.0.1)",
    },
}


def section(aor, kind="asterisk"):
    """The PBX's name of the extension's registration, which must not depend on the other extensions
    listed (the world's extension ids are unique, so FreeSWITCH's gateway names hold no domain)."""
    extension_id, domain = aor.split("@")
    if kind == "freeswitch":
        return "tccc-%s" % extension_id
    return "tccc-%s-%s-reg" % (extension_id, domain.replace(".", "-"))


def registrations(kind):
    """Registration name -> status, from the PBX's own CLI."""
    if kind == "freeswitch":
        out = subprocess.run(["fs_cli", "-x", "sofia xmlstatus gateway"], check=True, stdout=subprocess.PIPE,
                             universal_newlines=True).stdout
        return {gateway.findtext("name"): gateway.findtext("state") for gateway in ET.fromstring(out).iter("gateway")}
    return asterisk_registrations()


def asterisk_registrations():
    """Registration name -> status, from Asterisk's own CLI."""
    out = subprocess.run(["asterisk", "-rx", "pjsip show registrations"], check=True, stdout=subprocess.PIPE,
                         universal_newlines=True).stdout
    found = {}
    for line in out.splitlines():
        words = line.split()
        if words and "/" in words[0] and not words[0].startswith("<"):
            status = [word for word in words[1:] if word in STATUSES]
            found[words[0].split("/")[0]] = status[0] if status else "?"
    return found


def read(path):
    with open(path, errors="replace") as handle:
        return handle.read()


def family_of(socket):
    return "ipv6" if "[" in socket else "ipv4"


def gather(work, expected, args):
    """(problems, matrix rows) for the evidence as it is now."""
    kind = expected["kind"]
    pbx = registrations(kind)
    messages = read(os.path.join(work, *LOGS[kind]))
    held = dump(work, [entry["aor"] for group in ("registered", "rejected", "refused_tls") for entry in expected[group]]
                + ["1001@%s" % instance["domain"] for instance in expected["instances"].values()])
    log = read(os.path.join(work, "kamailio.log")).splitlines()
    since = log[args.since_line:] if args.since_line else log
    problems, rows = [], []
    if args.phones:
        aor = "1001@%s" % expected["instances"]["udp4"]["domain"]
        if aor not in held:
            problems.append("the phone %s is not registered" % aor)
        return problems, rows
    if args.day_two:
        aor = args.day_two
        accepted = [n for n, line in enumerate(since) if "accepted %s over" % aor in line]
        rejected = [n for n, line in enumerate(since) if "rejected %s over" % aor in line]
        if kind == "freeswitch":
            # a profile restart unregisters its gateways first, with the password they had: only a
            # rejection after the new password was accepted means the old one is still in use
            rejected = [n for n in rejected if accepted and n > accepted[0]]
        if not accepted:
            problems.append("%s did not register again with its new password" % aor)
        if rejected:
            problems.append("the registrar rejected %s after the reset: %s sent the old password" % (aor, kind))
        if pbx.get(section(aor, kind)) != REGISTERED[kind]:
            problems.append("%s shows %s as %s" % (kind, section(aor, kind), pbx.get(section(aor, kind))))
        deleted = [entry["aor"] for entry in expected["registered"] if entry["cell"] == "tcp4"][1]
        if deleted in held:
            problems.append("the registrar still holds %s, deleted at TCCC" % deleted)
        if section(deleted, kind) in pbx:
            problems.append("%s still has %s, deleted at TCCC" % (kind, section(deleted, kind)))
        if kind == "asterisk" and "could not be found" in messages:
            problems.append("Asterisk logged a missing section: %s" % [line for line in messages.splitlines() if "could not be found" in line][:3])
        return problems, rows
    cells = args.cells.split(",") if args.cells else None
    for entry in expected["registered"]:
        if cells and entry["cell"] not in cells:
            continue
        status = pbx.get(section(entry["aor"], kind), "missing")
        contacts = held.get(entry["aor"], [])
        sockets = [socket for socket, _agent in contacts]
        rows.append((entry["cell"], entry["aor"], status, ", ".join(sockets) or "-"))
        if status != REGISTERED[kind]:
            problems.append("%s (%s): %s shows %s" % (entry["aor"], entry["cell"], kind, status))
        if not contacts:
            problems.append("%s (%s): the registrar does not hold it" % (entry["aor"], entry["cell"]))
        for socket in sockets:
            if not socket.startswith(entry["transport"] + ":"):
                problems.append("%s: registered over %s, not %s" % (entry["aor"], socket, entry["transport"]))
            if entry["family"] != "any" and family_of(socket) != entry["family"]:
                problems.append("%s: registered over %s, not %s" % (entry["aor"], socket, entry["family"]))
    if cells:
        return problems, rows
    for entry in expected["rejected"]:
        status = pbx.get(section(entry["aor"], kind), "missing")
        rows.append((entry["cell"], entry["aor"], status, "rejected" if any("rejected %s over" % entry["aor"] in line for line in log) else "-"))
        if status not in REJECTED[kind]:
            problems.append("%s (wrong password): %s shows %s, not %s" % (entry["aor"], kind, status, " or ".join(REJECTED[kind])))
        if kind == "freeswitch" and "%s Failed Registration [403]" % section(entry["aor"], kind) not in messages:
            problems.append("%s (wrong password): FreeSWITCH has not logged the 403 yet" % entry["aor"])
        if not any("rejected %s over" % entry["aor"] in line for line in log):
            problems.append("%s (wrong password): the registrar has not rejected it yet" % entry["aor"])
        if entry["aor"] in held:
            problems.append("%s (wrong password): the registrar holds it" % entry["aor"])
    for entry in expected["refused_tls"]:
        status = pbx.get(section(entry["aor"], kind), "missing")
        port = entry["proxy"].rsplit(":", 1)[1]
        reason = VERIFICATION_ERRORS[kind][entry["cell"]]
        verification = [line for line in messages.splitlines() if (":%s - %s" % (port, reason) if kind == "asterisk" else reason) in line]
        rows.append((entry["cell"], entry["aor"], status, "verification failed" if verification else "-"))
        if status == REGISTERED[kind] or entry["aor"] in held or any(entry["aor"] in line for line in log):
            problems.append("%s (%s): reached the registrar: the certificate was not verified" % (entry["aor"], entry["cell"]))
        if not verification:
            mentions = [line for line in messages.splitlines() if ":%s" % port in line][-5:]
            problems.append("%s (%s): %s has not logged '%s' towards port %s yet; it logged: %s"
                            % (entry["aor"], entry["cell"], kind, reason, port, mentions))
    return problems, rows


def awaited(work, expected, args):
    """Whether the registrar has logged an answer to every REGISTER the check expects: only then is the
    whole evidence gathered, which at a thousand extensions costs the PBX and the registrar more CPU
    than the registrations themselves."""
    if args.phones or args.day_two:
        return True
    answered = set(re.findall(r"tccc-registrar: (accepted|rejected) (\S+) over", read(os.path.join(work, "kamailio.log"))))
    cells = args.cells.split(",") if args.cells else None
    return (all(("accepted", entry["aor"]) in answered for entry in expected["registered"] if not cells or entry["cell"] in cells)
            and (cells or all(("rejected", entry["aor"]) in answered for entry in expected["rejected"])))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("work")
    parser.add_argument("--cells")
    parser.add_argument("--phones", action="store_true")
    parser.add_argument("--day-two")
    parser.add_argument("--since-line", type=int, default=0)
    parser.add_argument("--wait", type=float, default=0)
    args = parser.parse_args()
    with open(os.path.join(args.work, "expected.json")) as handle:
        expected = json.load(handle)
    deadline = time.monotonic() + args.wait
    while True:
        if awaited(args.work, expected, args) or time.monotonic() > deadline:
            problems, rows = gather(args.work, expected, args)
            if not problems or time.monotonic() > deadline:
                break
        time.sleep(0.5)
    for row in rows:
        print("%-14s %-32s %-13s %s" % row)
    for problem in problems:
        print("PROBLEM: %s" % problem)
    print("%d checked, %d problems" % (len(rows) or 1, len(problems)))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
