# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""Stop when asked: a module run signalled mid-run against a slow emulator ends within about a
second, with a clean failure, and sends nothing more. Before, SIGINT left the registration
workers sending DescribeExtension for minutes, and SIGTERM ended the run with no result at all."""

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from ansible_collections.tencentcloud.tccc.tests.emulator.tccc_emulator.sample import SAMPLE, SAMPLE_SDK_APP_ID

MODULE = 'ansible_collections.tencentcloud.tccc.plugins.modules.tccc_extension_info'
# Generous for a loaded 2-core machine; the run left alone takes a hundred seconds.
EXIT_WITHIN = 3.0


def described(emulator):
    return emulator.stats()['actions'].get('DescribeExtension', {}).get('requests', 0)


@pytest.mark.parametrize('signum', [signal.SIGINT, signal.SIGTERM])
def test_a_signal_stops_the_module_within_a_second(start_emulator, tmp_path, signum):
    # 200 extensions at rate_limit 2 with 300 ms latency: every worker spends seconds in the pacer,
    # where it did not look at the stop flag before.
    emulator = start_emulator('--extensions', '200', '--latency', '300', '--quiet')
    account = SAMPLE['accounts'][0]
    args = tmp_path / 'args.json'
    args.write_text(json.dumps({'ANSIBLE_MODULE_ARGS': {
        'sdk_app_id': SAMPLE_SDK_APP_ID, 'endpoint': 'http://%s' % emulator.host,
        'secret_id': account['secret_id'], 'secret_key': account['secret_key'], 'rate_limit': 2}}))
    env = dict((name, value) for name, value in os.environ.items() if not name.startswith(('TENCENTCLOUD_', 'TCCLI_')))
    env.update(HOME=str(tmp_path), PYTHONPATH=os.pathsep.join(sys.path), NO_PROXY='127.0.0.1', no_proxy='127.0.0.1')
    module = subprocess.Popen([sys.executable, '-m', MODULE, str(args)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              env=env, cwd=str(tmp_path))
    try:
        deadline = time.monotonic() + 60
        while described(emulator) < 3:
            assert module.poll() is None and time.monotonic() < deadline, 'the run never got to its registration reads'
            time.sleep(0.05)
        module.send_signal(signum)
        signalled = time.monotonic()
        at_signal = described(emulator)
        out, err = module.communicate(timeout=60)
        took = time.monotonic() - signalled
    finally:
        if module.poll() is None:
            module.kill()
            module.wait()
    # The emulator counts a request when it answers, 300 ms after it came: let those in flight land.
    time.sleep(0.6)
    after_exit = described(emulator)
    time.sleep(1.0)
    assert described(emulator) == after_exit, 'requests went on after the module ended'
    assert took < EXIT_WITHIN, 'the module took %.1f s to stop' % took
    # At most the reads already in flight (one per worker) landed after the signal.
    assert after_exit - at_signal <= 12 + 1
    result = json.loads(out.decode())
    name = 'SIGINT' if signum == signal.SIGINT else 'SIGTERM'
    assert result['failed'] is True and result['error']['code'] == 'Stopped'
    assert result['msg'].startswith('stopped by %s: no further requests were started' % name)
    assert b'Traceback' not in err and b'Traceback' not in out
    assert account['secret_key'].encode() not in out + err
