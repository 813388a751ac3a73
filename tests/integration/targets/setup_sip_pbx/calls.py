"""A call each way through the registrar, with the PBX's registered extension (the udp4 cell's first).
The PBX is the kind in WORK/expected.json.

    python calls.py WORK [--wait SECONDS]

Out: the PBX dials the phone 1001 (baresip, which answers by itself) through the extension (Asterisk:
its endpoint; FreeSWITCH: its gateway): the registrar challenges the INVITE, the PBX answers the
challenge with the extension's password, baresip answers (200, ACK) and the PBX hangs up after two
seconds (BYE). In: sipp, as the phone 1002, calls the extension through the registrar (call_pbx.xml,
with digest authentication); the call reaches the context the role wrote (Asterisk: from-tccc;
FreeSWITCH: public), whose dialplan logs "tccc-call", is answered and hung up by the PBX.
"""

import argparse
import json
import os
import subprocess
import sys
import time

from check_pbx import LOGS, section


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
    kind = expected["kind"]
    pbx = [entry for entry in expected["registered"] if entry["cell"] == "udp4"][0]
    extension_id, domain = pbx["aor"].split("@")
    ok = True

    # Out: the PBX -> 1001.
    if kind == "freeswitch":
        # parked once answered, hung up two seconds later (sleep would wait for media baresip does not send)
        command = ["fs_cli", "-x", "originate {execute_on_answer='sched_hangup +2'}sofia/gateway/%s/1001 &park()"
                   % section(pbx["aor"], kind)]
    else:
        command = ["asterisk", "-rx", "channel originate PJSIP/1001@%s application Wait 2" % section(pbx["aor"])[:-4]]
    out = subprocess.run(command, stdout=subprocess.PIPE, universal_newlines=True, check=False).stdout
    print("originate: %s" % (out.strip() or "(no output)"))
    kamailio = os.path.join(work, "kamailio.log")
    baresip = os.path.join(work, "baresip.log")
    ok &= wait_for("the registrar relayed no call from %s to 1001" % pbx["aor"],
                   lambda: "call from %s to 1001@%s" % (pbx["aor"], domain) in read(kamailio), args.wait)
    ok &= wait_for("baresip did not answer the call from the PBX",
                   lambda: "Call established" in read(baresip), args.wait)
    ok &= wait_for("the PBX did not hang up the call to baresip (no BYE)",
                   lambda: "terminated" in read(baresip).split("Call established", 1)[-1], args.wait)
    if ok:
        print("call out: %s (%s) called 1001 through the registrar: challenged, answered, hung up" % (kind, pbx["aor"]))

    # In: 1002 (sipp) -> the extension.
    phone = [e for i in data["instances"] if i["extension_domain"] == domain for e in i["extensions"] if e["extension_id"] == "1002"][0]
    command = ["sipp", "127.0.0.1:5060", "-sf", os.path.join(os.path.dirname(os.path.abspath(__file__)), "call_pbx.xml"),
               "-s", extension_id, "-key", "domain", domain, "-au", "1002", "-ap", phone["password"],
               "-i", "127.0.0.1", "-p", "5080", "-m", "1", "-timeout", "%ds" % args.wait, "-timeout_error",
               "-nostdin", "-trace_err", "-error_file", os.path.join(work, "sipp-errors.log")]
    result = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True, cwd=work, check=False)
    context = "public" if kind == "freeswitch" else "from-tccc"
    answered = wait_for("the call to %s did not reach the %s context" % (pbx["aor"], context),
                        lambda: "tccc-call: %s answered in %s" % (extension_id, context) in read(os.path.join(work, *LOGS[kind])), 5)
    if result.returncode != 0:
        ok = False
        print("PROBLEM: sipp's call to %s failed (exit %d): %s" % (pbx["aor"], result.returncode, result.stdout[-2000:]))
    ok &= answered
    if result.returncode == 0 and answered:
        print("call in: 1002 called %s through the registrar: reached %s, answered, hung up by %s" % (pbx["aor"], context, kind))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
