# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""Forks share one window: five module runs at once, as Ansible's forks run a task, each reading the
registration of 12 extensions (60 DescribeExtension, three windows' worth), against the
emulator's limit of 20 per window; the emulator counts its own refusals. Sharing the pacing state
(one HOME, as forks of one playbook have) draws none; a state directory per run, which is what
sharing disabled looks like, draws them. The server's window is 0.8 s against the pacer's 1.03 s,
so that a loaded machine's scheduling cannot make the shared case refuse: the test is about
sharing, not about the guard (tests/unit/plugins/module_utils/test_pacing.py holds that)."""

import json
import os
import subprocess
import sys

from ansible_collections.tencentcloud.tccc.tests.emulator.tccc_emulator.sample import SAMPLE, SAMPLE_SDK_APP_ID

MODULE = 'ansible_collections.tencentcloud.tccc.plugins.modules.tccc_extension_info'
PROCESSES = 5
EACH = 12
HANG_CAP = 180  # only against a hang: the shared runs take about five seconds


def run_forks(emulator, tmp_path, shared):
    account = SAMPLE['accounts'][0]
    listed = emulator.call('DescribeExtensions', {'SdkAppId': SAMPLE_SDK_APP_ID, 'PageNumber': 0, 'PageSize': 100}, key=account).response
    ids = sorted(ext['ExtensionId'] for ext in listed['ExtensionList'])[:PROCESSES * EACH]
    assert len(ids) == PROCESSES * EACH
    env = dict((name, value) for name, value in os.environ.items()
               if not name.startswith(('TENCENTCLOUD_', 'TCCLI_')) and name != 'XDG_RUNTIME_DIR')
    env.update(PYTHONPATH=os.pathsep.join(sys.path), NO_PROXY='127.0.0.1', no_proxy='127.0.0.1')
    runs = []
    for index in range(PROCESSES):
        home = tmp_path / ('home' if shared else 'home-%d' % index)
        home.mkdir(exist_ok=True)
        args = tmp_path / ('args-%d.json' % index)
        args.write_text(json.dumps({'ANSIBLE_MODULE_ARGS': {
            'sdk_app_id': SAMPLE_SDK_APP_ID, 'endpoint': 'http://%s' % emulator.host, 'secret_id': account['secret_id'],
            'secret_key': account['secret_key'], 'extension_ids': ids[index * EACH:(index + 1) * EACH], '_ansible_no_log': True}}))
        runs.append(subprocess.Popen([sys.executable, '-m', MODULE, str(args)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     env=dict(env, HOME=str(home)), cwd=str(tmp_path)))
    results = []
    try:
        for run in runs:
            out, dummy = run.communicate(timeout=HANG_CAP)
            results.append(json.loads(out.decode()))
    finally:
        for run in runs:
            if run.poll() is None:
                run.kill()
                run.wait()
    codes = emulator.stats()['actions']['DescribeExtension']['codes']
    return results, codes.get('RequestLimitExceeded', 0)


def test_forks_sharing_the_pacing_state_draw_no_refusal(start_emulator, tmp_path):
    emulator = start_emulator('--extensions', str(PROCESSES * EACH), '--rate-window', '0.8', '--quiet')
    results, refused = run_forks(emulator, tmp_path, shared=True)
    assert [len(result.get('extensions', [])) for result in results] == [EACH] * PROCESSES
    assert not any(result.get('warnings') for result in results)
    assert refused == 0


def test_forks_each_with_its_own_pacing_state_are_refused(start_emulator, tmp_path):
    # The same runs, each with a HOME of its own: every run believes it has the window to itself.
    emulator = start_emulator('--extensions', str(PROCESSES * EACH), '--rate-window', '0.8', '--quiet')
    dummy, refused = run_forks(emulator, tmp_path, shared=False)
    assert refused > 0
