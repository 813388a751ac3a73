"""A call each way through the registrar, with the PBX's registered extension (the udp4 cell's first).

    python calls.py WORK [--wait SECONDS]

Out: Asterisk dials the phone 1001 (baresip, which answers by itself) from the extension's endpoint:
the registrar challenges the INVITE, Asterisk answers the challenge with the extension's password,
baresip answers (200, ACK) and Asterisk hangs up after two seconds (BYE). In: sipp, as the phone
1002, calls the extension through the registrar (call_pbx.xml, with digest authentication); the
call reaches the context the role wrote (from-tccc, whose dialplan logs "tccc-call"), is answered
and hung up by Asterisk.
"""

import argparse
import json
import os
import subprocess
import sys
import time


def read(path):
    with open(path, errors="replace") as handle:
        return handle.read()


def wait_for(what, test, seconds):
    deadline = time.monotonic() + seconds
    while not test():
        if time.monotonic() > deadline:
            print("PROBLEM: %s" % what)
            return False
        time.sleep(0.5)
    return True


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("work")
    parser.add_argument("--wait", type=float, default=20)
    args = parser.parse_args()
    work = args.work
    with open(os.path.join(work, "expected.json")) as handle:
        expected = json.load(handle)
    with open(os.path.join(work, "data.json")) as handle:
        data = json.load(handle)
    pbx = [entry for entry in expected["registered"] if entry["cell"] == "udp4"][0]
    extension_id, domain = pbx["aor"].split("@")
    endpoint = "tccc-%s-%s" % (extension_id, domain.replace(".", "-"))
    ok = True

    # Out: Asterisk -> 1001.
    out = subprocess.run(["asterisk", "-rx", "channel originate PJSIP/1001@%s application Wait 2" % endpoint],
                         stdout=subprocess.PIPE, universal_newlines=True, check=False).stdout
    print("originate: %s" % (out.strip() or "(no output)"))
    kamailio = os.path.join(work, "kamailio.log")
    baresip = os.path.join(work, "baresip.log")
    ok &= wait_for("the registrar relayed no call from %s to 1001" % pbx["aor"],
                   lambda: "call from %s to 1001@%s" % (pbx["aor"], domain) in read(kamailio), args.wait)
    ok &= wait_for("baresip did not answer the call from Asterisk",
                   lambda: "Call established" in read(baresip), args.wait)
    ok &= wait_for("Asterisk did not hang up the call to baresip (no BYE)",
                   lambda: "terminated" in read(baresip).split("Call established", 1)[-1], args.wait)
    if ok:
        print("call out: Asterisk (%s) called 1001 through the registrar: challenged, answered, hung up" % pbx["aor"])

    # In: 1002 (sipp) -> the extension.
    phone = [e for i in data["instances"] if i["extension_domain"] == domain for e in i["extensions"] if e["extension_id"] == "1002"][0]
    command = ["sipp", "127.0.0.1:5060", "-sf", os.path.join(os.path.dirname(os.path.abspath(__file__)), "call_pbx.xml"),
               "-s", extension_id, "-key", "domain", domain, "-au", "1002", "-ap", phone["password"],
               "-i", "127.0.0.1", "-p", "5080", "-m", "1", "-timeout", "%ds" % args.wait, "-timeout_error",
               "-nostdin", "-trace_err", "-error_file", os.path.join(work, "sipp-errors.log")]
    result = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True, cwd=work, check=False)
    messages = read(os.path.join(work, "log", "messages.log"))
    answered = "tccc-call: %s answered in from-tccc" % extension_id in messages
    if result.returncode != 0:
        ok = False
        print("PROBLEM: sipp's call to %s failed (exit %d): %s" % (pbx["aor"], result.returncode, result.stdout[-2000:]))
    if not answered:
        ok = False
        print("PROBLEM: the call to %s did not reach the from-tccc context" % pbx["aor"])
    if result.returncode == 0 and answered:
        print("call in: 1002 called %s through the registrar: reached from-tccc, answered, hung up by Asterisk" % pbx["aor"])
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
