# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""Print the sanity tests whose pinned requirements this machine cannot download, one per line.

Usage: ANSIBLE_TEST_PYTHON tools/offline_sanity_skips.py
       (run with the Python of the venv whose ansible-test will run the sanity tests)

Why: some ansible-test releases pin a sanity test's tool to a direct URL instead of a package
index release (ansible-core 2.22.0rc1 takes pylint's ``dill`` from a GitHub archive). A machine
that reaches only package indexes cannot build that test's venv, so make test skips just that
test, says so, and still runs the others.
"""
import glob
import os
import re
import socket
import sys
from urllib.parse import urlsplit

import ansible_test

DIRECT_URL = re.compile(r"^\s*[A-Za-z0-9._-]+\s*@\s*(https?://\S+)", re.MULTILINE)


def reachable(host, port, cache):
    """Whether a TCP connection to host:port opens within a few seconds."""
    if (host, port) not in cache:
        try:
            socket.create_connection((host, port), timeout=5).close()
            cache[(host, port)] = True
        except OSError:
            cache[(host, port)] = False
    return cache[(host, port)]


def main():
    pattern = os.path.join(os.path.dirname(ansible_test.__file__), "_data", "requirements", "sanity.*.txt")
    cache = {}
    for path in sorted(glob.glob(pattern)):
        # sanity.import.plugin.txt belongs to the import test
        test = os.path.basename(path).split(".")[1]
        with open(path, encoding="utf-8") as handle:
            urls = DIRECT_URL.findall(handle.read())
        for url in urls:
            parts = urlsplit(url)
            if not reachable(parts.hostname, parts.port or (443 if parts.scheme == "https" else 80), cache):
                print("%s\t%s" % (test, url.split("#")[0]))
                break
    return 0


if __name__ == "__main__":
    sys.exit(main())
