# -*- coding: utf-8 -*-
# Copyright (c) 2026, tencentcloud.tccc contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The TCCC emulator (tests/emulator) as the benchmarks use it: exactly N extensions, a fixed latency."""

import http.client
import json
import os
import statistics
import subprocess
import sys
import time
import urllib.request

# Made-up account of the benchmark's data file: valid on the emulator only.
SECRET_ID = "AKIDBENCHMARK0000000000000000000000001"
SECRET_KEY = "benchmark-secret-key-emulator-only01"
UIN = "100000000042"
SDK_APP_ID = 1400000042
FIRST_EXTENSION_ID = 1001  # --extensions numbers the generated extensions from 1001 up
# The emulator is on loopback: a proxy from the environment must not see the control calls.
_DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def data_file(path):
    """One account and one instance without extensions: --extensions N then makes exactly N."""
    document = {
        "accounts": [{"uin": UIN, "secret_id": SECRET_ID, "secret_key": SECRET_KEY}],
        "instances": [{"sdk_app_id": SDK_APP_ID, "uin": UIN, "skill_groups": [1000, 1001, 1002], "extensions": []}],
    }
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(document, handle)
    return path


def extension_ids(count):
    return [str(FIRST_EXTENSION_ID + index) for index in range(count)]


class Emulator:
    """Starts the emulator on a free port; ``with Emulator(...) as emu`` stops it at the end."""

    def __init__(self, root, workdir, extensions, latency_ms, program=None):
        self.root = root
        self.program = program or os.path.join(root, "tests", "emulator")
        self.workdir = workdir
        self.extensions = extensions
        self.latency_ms = latency_ms
        self.process = None
        self.port = None

    @property
    def endpoint(self):
        return "127.0.0.1:%d" % self.port

    @property
    def url(self):
        return "http://%s" % self.endpoint

    def __enter__(self):
        port_file = os.path.join(self.workdir, "emulator.port")
        if os.path.exists(port_file):
            os.unlink(port_file)
        argv = [sys.executable, self.program, "--port", "0", "--port-file", port_file,
                "--data", data_file(os.path.join(self.workdir, "emulator-data.json")),
                "--extensions", str(self.extensions), "--latency", str(self.latency_ms), "--quiet", "--exit-on-stdin-close"]
        with open(os.path.join(self.workdir, "emulator.log"), "ab") as log:
            # A pipe it watches: should the benchmark itself be killed, the emulator ends with it.
            self.process = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=log)
        deadline = time.monotonic() + 60
        while not os.path.exists(port_file):
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.__exit__(None, None, None)
                raise RuntimeError("the emulator did not start: see %s" % os.path.join(self.workdir, "emulator.log"))
            time.sleep(0.05)
        with open(port_file, encoding="ascii") as handle:
            self.port = int(handle.read())
        return self

    def __exit__(self, *exc_info):
        if self.process is not None and self.process.poll() is None:
            self.process.stdin.close()
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def _control(self, path, method="GET"):
        request = urllib.request.Request(self.url + path, data=b"" if method == "POST" else None, method=method)
        # The control endpoints are local and never delayed: --latency applies to API actions only.
        with _DIRECT.open(request, timeout=10) as answer:
            return json.loads(answer.read().decode("utf-8"))

    def reset_stats(self):
        self._control("/_emulator/reset-stats", "POST")

    def stats(self):
        return self._control("/_emulator/stats")

    def round_trip_ms(self, count=20):
        """Median time of a control request on one kept-alive connection: what every answer costs
        beyond --latency (Python's http.server, and how it writes its answers, included)."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        times = []
        try:
            for _attempt in range(count):
                started = time.perf_counter()
                connection.request("GET", "/_emulator/health")
                connection.getresponse().read()
                times.append((time.perf_counter() - started) * 1000.0)
        finally:
            connection.close()
        return statistics.median(times)
