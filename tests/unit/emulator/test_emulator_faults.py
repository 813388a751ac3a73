"""Each fault flag, the per-account rate limit, and the stats endpoint that counts them."""

import http.client
import json
import time

import pytest

A_APP = 1400000000
DESCRIBE = {'SdkAppId': A_APP, 'ExtensionId': '1001'}
METADATA_PATH = '/latest/meta-data/cam/security-credentials/tccc-reader'


def _create(running, key, extension_id):
    return running.call('CreateExtension', {'SdkAppId': A_APP, 'ExtensionId': extension_id, 'ExtensionName': 'Fault test'}, key)


def _exists(running, key, extension_id):
    return running.call('DescribeExtension', {'SdkAppId': A_APP, 'ExtensionId': extension_id}, key).code == 'OK'


def test_throttle_rate_answers_without_applying(start_emulator, world_file, keys):
    running = start_emulator('--data', world_file, '--throttle-rate', '1', '--fault-actions', 'CreateExtension')
    reply = _create(running, keys['a'], '6001')
    assert (reply.status, reply.code) == (200, 'RequestLimitExceeded')
    assert not _exists(running, keys['a'], '6001')
    stats = running.stats()
    assert (stats['throttled'], stats['faults']['throttle'], stats['faults_injected']) == (1, 1, 1)


def test_html_502_rate(start_emulator, world_file, keys):
    running = start_emulator('--data', world_file, '--html-502-rate', '1', '--fault-actions', 'CreateExtension')
    reply = _create(running, keys['a'], '6002')
    assert reply.status == 502
    assert reply.headers['Content-Type'] == 'text/html'
    assert reply.body.startswith(b'<html>') and b'502 Bad Gateway' in reply.body
    assert not _exists(running, keys['a'], '6002')
    assert running.stats()['codes'] == {'fault:html-502': 1, 'InvalidParameterValue.AccountNotExist': 1}


def test_drop_rate_applies_then_closes_without_answer(start_emulator, world_file, keys):
    running = start_emulator('--data', world_file, '--drop-rate', '1', '--fault-actions', 'CreateExtension')
    with pytest.raises((http.client.RemoteDisconnected, ConnectionError)):
        _create(running, keys['a'], '6003')
    assert _exists(running, keys['a'], '6003'), 'a dropped write has still been applied'
    assert running.stats()['faults']['drop'] == 1


def test_truncate_rate_body_mode(start_emulator, world_file, keys):
    running = start_emulator('--data', world_file, '--truncate-rate', '1')
    reply = running.call('DescribeExtension', DESCRIBE, keys['a'])
    assert reply.status == 200
    assert reply.headers['Content-Type'] == 'application/json'
    assert int(reply.headers['Content-Length']) == len(reply.body) > 0
    assert reply.body.startswith(b'{"Response": {')
    with pytest.raises(ValueError):
        json.loads(reply.body)


def test_truncate_rate_connection_mode(start_emulator, world_file, keys):
    running = start_emulator('--data', world_file, '--truncate-rate', '1', '--truncate-mode', 'connection')
    with pytest.raises(http.client.IncompleteRead):
        running.call('DescribeExtension', DESCRIBE, keys['a'])


def test_latency(start_emulator, world_file, keys):
    running = start_emulator('--data', world_file, '--latency', '300', '--latency-jitter', '20')
    started = time.monotonic()
    assert running.call('DescribeExtension', DESCRIBE, keys['a']).code == 'OK'
    assert time.monotonic() - started >= 0.3
    started = time.monotonic()
    running.stats()
    assert running.stats()['faults']['latency'] == 1, 'control requests are never delayed or counted'


def test_fault_actions_limit_faults(start_emulator, world_file, keys):
    running = start_emulator('--data', world_file, '--drop-rate', '1', '--fault-actions', 'DescribeExtensions')
    assert running.call('DescribeExtension', DESCRIBE, keys['a']).code == 'OK'
    assert running.http('GET', METADATA_PATH).status == 200
    with pytest.raises((http.client.RemoteDisconnected, ConnectionError)):
        running.call('DescribeExtensions', {'SdkAppId': A_APP, 'PageNumber': 0}, keys['a'])


def test_metadata_is_faulted_only_when_named(start_emulator, world_file):
    default = start_emulator('--data', world_file, '--html-502-rate', '1')
    assert default.http('GET', METADATA_PATH).status == 200
    named = start_emulator('--data', world_file, '--html-502-rate', '1', '--fault-actions', 'metadata')
    assert named.http('GET', METADATA_PATH).status == 502


def test_control_endpoints_are_never_faulted(start_emulator):
    running = start_emulator('--drop-rate', '1')
    assert running.http('GET', '/_emulator/health').status == 200
    assert running.stats()['requests'] == 0
    assert running.http('POST', '/_emulator/reset-stats').status == 200


def _codes(running, key, count):
    return [running.call('DescribeExtension', DESCRIBE, key).code for dummy in range(count)]


def test_seed_makes_faults_reproducible(start_emulator, world_file, keys):
    flags = ('--data', world_file, '--throttle-rate', '0.5', '--rate-limit', '0', '--quiet')
    first = _codes(start_emulator('--seed', '42', *flags), keys['a'], 30)
    second = _codes(start_emulator('--seed', '42', *flags), keys['a'], 30)
    other = _codes(start_emulator('--seed', '43', *flags), keys['a'], 30)
    assert first == second
    assert set(first) == {'OK', 'RequestLimitExceeded'}
    assert first != other


def test_rate_limit_is_per_action_and_per_account(start_emulator, world_file, keys):
    running = start_emulator('--data', world_file, '--rate-limit', '3', '--rate-window', '600')
    assert _codes(running, keys['a'], 4) == ['OK', 'OK', 'OK', 'RequestLimitExceeded']
    assert running.call('DescribeExtensions', {'SdkAppId': A_APP, 'PageNumber': 0}, keys['a']).code == 'OK'
    assert running.call('DescribeExtension', {'SdkAppId': 1400000002, 'ExtensionId': '2001'}, keys['b']).code == 'OK'
    # the temporary key belongs to the same account as key a, so it shares a's budget
    assert running.call('DescribeExtension', DESCRIBE, keys['temp']).code == 'RequestLimitExceeded'
    message = running.call('DescribeExtension', DESCRIBE, keys['a']).response['Error']['Message']
    assert 'frequency limit `3`' in message
    # STS is not limited by the ccc frequency limit
    sts = {'RoleArn': 'qcs::cam::uin/100000000001:roleName/tccc-reader', 'RoleSessionName': 'rl'}
    assert [running.call('AssumeRole', sts, keys['a'], service='sts', version='2018-08-13').code for dummy in range(5)] == ['OK'] * 5
    stats = running.stats()
    assert stats['throttled'] == 3
    assert stats['actions']['DescribeExtension'] == {'requests': 7, 'codes': {'OK': 4, 'RequestLimitExceeded': 3}}


def test_default_rate_limit_is_20(start_emulator, world_file, keys):
    running = start_emulator('--data', world_file, '--rate-window', '600', '--quiet')
    assert _codes(running, keys['a'], 21) == ['OK'] * 20 + ['RequestLimitExceeded']


def test_stats_count_and_reset(start_emulator, world_file, keys):
    running = start_emulator('--data', world_file)
    running.call('DescribeExtension', DESCRIBE, keys['a'])
    running.call('DescribeExtension', {'SdkAppId': A_APP, 'ExtensionId': '404'}, keys['a'])
    running.call('NoSuchAction', DESCRIBE, keys['a'])
    running.http('GET', METADATA_PATH)
    stats = running.stats()
    assert stats['requests'] == 4
    assert stats['codes'] == {'OK': 2, 'InvalidParameterValue.AccountNotExist': 1, 'InvalidAction': 1}
    assert stats['actions'] == {
        'DescribeExtension': {'requests': 2, 'codes': {'OK': 1, 'InvalidParameterValue.AccountNotExist': 1}},
        '(unknown)': {'requests': 1, 'codes': {'InvalidAction': 1}},
        'Metadata': {'requests': 1, 'codes': {'OK': 1}},
    }
    assert (stats['throttled'], stats['faults_injected']) == (0, 0)
    assert json.loads(running.http('POST', '/_emulator/reset-stats').body) == {'reset': True}
    assert running.stats()['requests'] == 0


def test_reset_restores_the_start_up_world(start_emulator, world_file, world, keys):
    """POST /_emulator/reset: the writes, the rate limit's budget, the fault sequence and the stats as at start-up."""
    running = start_emulator('--data', world_file, '--extensions', '3', '--seed', '1', '--throttle-rate', '0.5',
                             '--rate-limit', '4', '--rate-window', '600', '--fault-actions', 'DescribeExtensions', '--quiet')
    listing = {'SdkAppId': A_APP, 'PageNumber': 0, 'PageSize': 100}

    def observe():
        """Ten listings (injected throttles, then the limit of 4), what they list, and extension 1001's password."""
        replies = [running.call('DescribeExtensions', listing, keys['a']) for dummy in range(10)]
        codes = [reply.code for reply in replies]
        listed = [reply.response['ExtensionList'] for reply in replies if reply.code == 'OK']
        return codes, listed, running.call('DescribeExtension', DESCRIBE, keys['a']).response['Password']

    started = observe()
    assert started[0][0] == 'RequestLimitExceeded' and started[0].count('OK') == 4 and started[0][-1] == 'RequestLimitExceeded'
    assert len(started[1][0]) == len(world['instances'][0]['extensions']) + 3
    password = running.call('ResetExtensionPassword', DESCRIBE, keys['a']).response['Password']
    assert password != started[2]
    assert running.call('DeleteExtension', DESCRIBE, keys['a']).code == 'OK'
    assert running.stats()['requests'] > 0
    assert json.loads(running.http('POST', '/_emulator/reset', b'{}').body) == {'reset': True}
    assert running.stats()['requests'] == 0
    assert observe() == started
    # a write after the reset draws the same new password as the first one did
    assert running.call('ResetExtensionPassword', DESCRIBE, keys['a']).response['Password'] == password
