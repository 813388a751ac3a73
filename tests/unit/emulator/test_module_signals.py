# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""Stop when asked: a module run signalled mid-run against a slow emulator ends with a clean failure
and sends nothing more than the reads already in flight. Before, SIGINT left the registration
workers sending DescribeExtension for minutes, and SIGTERM ended the run with no result at all.

Judged from the emulator's own request log, not from how long things took: the only time limit is a
loose cap against a hang."""

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from ansible_collections.tencentcloud.tccc.tests.emulator.tccc_emulator.sample import SAMPLE, SAMPLE_SDK_APP_ID

MODULE = 'ansible_collections.tencentcloud.tccc.plugins.modules.tccc_extension_info'
# Only against a hang: the run left alone takes a hundred seconds.
HANG_CAP = 20
WORKERS = 12  # the module's concurrent registration reads: at most this many in flight at the signal


def described(emulator):
    return emulator.stats()['actions'].get('DescribeExtension', {}).get('requests', 0)


def logged(emulator, action):
    """The emulator's request log lines (tccc-emulator: ACTION CODE http=STATUS LATENCY) for ACTION."""
    return [line for line in emulator.stderr_text().splitlines() if line.startswith('tccc-emulator: %s ' % action)]


@pytest.mark.parametrize('signum', [signal.SIGINT, signal.SIGTERM])
def test_a_signal_stops_the_module_and_its_requests(start_emulator, tmp_path, signum):
    # 200 extensions at rate_limit 2 with 300 ms latency: every worker spends seconds in the pacer,
    # where it did not look at the stop flag before.
    emulator = start_emulator('--extensions', '200', '--latency', '300')
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
        at_signal = described(emulator)
        try:
            out, err = module.communicate(timeout=HANG_CAP)
        except subprocess.TimeoutExpired:
            pytest.fail('the module was still running %d s after the signal' % HANG_CAP)
    finally:
        if module.poll() is None:
            module.kill()
            module.wait()
    # The module is one process and has exited: it can send nothing more. A request of ours, sent now,
    # is received after every request of the module and, with the same fixed latency, answered (and
    # logged) after those still in flight: when it returns, the log holds every request the module made.
    assert emulator.call('DescribeExtensions', {'SdkAppId': SAMPLE_SDK_APP_ID}, key=account).status == 200
    log = logged(emulator, 'DescribeExtension')
    assert len(log) == described(emulator), 'the request log and the stats disagree'
    # At most the reads in flight at the signal (one per worker, plus one starting) came after it.
    assert len(log) - at_signal <= WORKERS + 1, '%d reads after the signal' % (len(log) - at_signal)
    result = json.loads(out.decode())
    # From core 2.22 the module lists what it registered as secrets here, for the controller to mask;
    # the controller drops the key, so no user sees it. Everything else must not hold the key.
    new_secrets = result.pop('_ansible_new_secrets', [])
    name = 'SIGINT' if signum == signal.SIGINT else 'SIGTERM'
    assert result['failed'] is True and result['error']['code'] == 'Stopped'
    assert result['msg'].startswith('stopped by %s: no further requests were started' % name)
    assert b'Traceback' not in err and b'Traceback' not in out
    assert account['secret_key'] not in json.dumps(result) and account['secret_key'].encode() not in err
    assert not new_secrets or account['secret_key'] in new_secrets
