"""Compares what the registrar holds (kamcmd ul.dump) and logged with what sip_world.py expects.

    python check_registrations.py WORK [--wait SECONDS]

Waits (at most SECONDS) until every expected extension is registered, the registrar has logged
the rejection of each altered password and the linphone that trusts another CA has logged the
failed verification of each server it tried, so that no check below runs before the client had its
chance. Then checks: each extension over its transport and address family, by the expected client
(User-Agent); the altered passwords rejected and never registered; the linphone that trusts another
CA never registered and never reached the registrar. Prints the registration matrix.
"""

import collections
import json
import os
import subprocess
import sys
import time


def dump(work, aors=None):
    """AoR -> list of (socket, user_agent), one per contact: of every AoR, or of AORS only.

    kamcmd refuses a reply larger than its buffer ("reply too big"), which ul.dump exceeds at a few
    hundred registrations: AORS are looked up one by one, in one kamcmd reading them from stdin."""
    command = ["kamcmd", "-s", "unix:%s/kamailio.ctl" % work] + ([] if aors else ["ul.dump"])
    out = subprocess.run(command, check=True, stdout=subprocess.PIPE, universal_newlines=True,
                         input="".join("ul.lookup location %s\n" % aor for aor in aors or ())).stdout
    contacts = collections.defaultdict(list)
    aor = None
    for line in out.splitlines():
        key, _sep, value = line.strip().partition(": ")
        if key == "AoR":
            aor = value
        elif key == "Address" and aor:
            contacts[aor].append({})
        elif key in ("Socket", "User-Agent") and contacts[aor]:
            contacts[aor][-1][key] = value
    return {aor: [(c.get("Socket", ""), c.get("User-Agent", "")) for c in found] for aor, found in contacts.items() if found}


def client_of(user_agent):
    if user_agent.lower().startswith("baresip"):
        return "baresip"
    if "linphone" in user_agent.lower():
        return "linphone"
    return user_agent


def read(path):
    with open(path, errors="replace") as handle:
        return handle.read()


def verification_failed(log, proxy):
    """Whether linphone (belle-sip) logged a failed certificate verification on its way to PROXY."""
    lines = log.splitlines()
    return any("Cannot connect to [TLS://%s]" % proxy in line and "Certificate verification failed" in lines[index - 1]
               for index, line in enumerate(lines) if index)


def missing_evidence(work, expected, contacts):
    """What the wait still waits for: registrations, rejections, verification failures."""
    log = read(os.path.join(work, "kamailio.log"))
    other_ca_log = read(os.path.join(work, "linphone-other-ca.log"))
    return ([want for want in expected["registered"] if want["aor"] not in contacts],
            [want for want in expected["altered"] if "rejected %s over" % want["aor"] not in log],
            [want for want in expected["other_ca"] if not verification_failed(other_ca_log, want["proxy"])])


def main(work, wait):
    with open(os.path.join(work, "expected.json")) as handle:
        expected = json.load(handle)
    deadline = time.monotonic() + wait
    while True:
        contacts = dump(work)
        _unregistered, unrejected, unverified = missing = missing_evidence(work, expected, contacts)
        if not any(missing) or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    log = read(os.path.join(work, "kamailio.log"))

    problems = []
    for want in unrejected:
        problems.append("%s: no rejection of %s logged by the registrar within %s s (did the client try?)"
                        % (want["client"], want["aor"], wait))
    for want in unverified:
        problems.append("%s: no failed verification of %s's certificate logged within %s s (did the client try?)"
                        % (want["client"], want["proxy"], wait))
    matrix = collections.Counter()
    for want in expected["registered"]:
        found = contacts.get(want["aor"], [])
        good = [(socket, agent) for socket, agent in found
                if socket.startswith(want["transport"] + ":") and ("[" in socket) == (want["family"] == "ipv6")
                and client_of(agent) == want["client"]]
        if good:
            matrix[(want["client"], want["transport"], want["family"])] += 1
        else:
            problems.append("%s: %s over %s/%s not registered (registrar holds %s)"
                            % (want["client"], want["aor"], want["transport"], want["family"], found or "nothing"))
    for want in expected["altered"]:
        if want["aor"] in contacts:
            problems.append("%s: %s registered with a password the registrar does not know" % (want["client"], want["aor"]))
    for want in expected["other_ca"]:
        if want["aor"] in contacts:
            problems.append("%s: %s registered although its CA did not sign the server certificate" % (want["client"], want["aor"]))
        if " %s over" % want["aor"] in log:
            problems.append("%s: %s reached the registrar through an unverified TLS connection" % (want["client"], want["aor"]))

    print("registration matrix (client x transport x address family: extensions registered / expected)")
    wanted = collections.Counter((w["client"], w["transport"], w["family"]) for w in expected["registered"])
    for key in sorted(wanted):
        print("  %-9s %-4s %-5s %d/%d" % (key + (matrix[key], wanted[key])))
    print("negative controls: %d altered passwords rejected, %d registrations with an untrusted CA refused"
          % (len(expected["altered"]), len(expected["other_ca"])))
    if problems:
        print("\n".join(["FAILED:"] + problems), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], float(sys.argv[3]) if len(sys.argv) > 3 and sys.argv[2] == "--wait" else 20.0))
