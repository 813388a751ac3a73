"""The command line: help, start-up line, port file, signals, bad input, generated data, and a request log
that never shows a secret."""

import json
import re
import signal
import subprocess
import sys

from tccc_emulator.cli import build_parser  # pylint: disable=import-error

A_APP = 1400000000
SAMPLE_KEY = {'secret_id': 'AKIDEMULATORtcccSAMPLE00000000000001', 'secret_key': 'tcccEmulatorSampleSecretKey00001'}


def _run(emulator_dir, *args):
    return subprocess.run([sys.executable, emulator_dir] + list(args), capture_output=True, text=True, timeout=60, check=False)


def _emulator_dir():
    # build_parser's module lives in <emulator dir>/tccc_emulator/cli.py
    import tccc_emulator  # pylint: disable=import-outside-toplevel,import-error
    return str(__import__('pathlib').Path(tccc_emulator.__file__).resolve().parents[1])


def test_help_documents_every_flag():
    result = _run(_emulator_dir(), '--help')
    assert result.returncode == 0
    flags = [option for action in build_parser()._actions for option in action.option_strings]  # pylint: disable=protected-access
    assert len(flags) >= 22
    for flag in flags:
        assert flag in result.stdout, flag
    for word in ('2020-02-10', 'AssumeRole', 'metadata', 'RequestLimitExceeded'):
        assert word in result.stdout


def test_start_line_port_file_and_sigint(start_emulator, tmp_path):
    port_file = tmp_path / 'port'
    running = start_emulator('--port-file', str(port_file))
    assert running.first_line == 'tccc-emulator listening on http://127.0.0.1:%d\n' % running.port
    assert port_file.read_text() == '%d\n' % running.port
    assert running.http('GET', '/_emulator/health').status == 200
    assert running.stop(signal.SIGINT) == 0
    assert running.process.stdout is None or running.process.stdout.closed
    assert 'tccc-emulator: stopped' in running.stderr_text()


def test_exit_on_stdin_close(start_emulator):
    running = start_emulator()
    running.process.stdin.close()
    assert running.process.wait(timeout=60) == 0
    assert 'tccc-emulator: stopped' in running.stderr_text()


def test_stdout_carries_exactly_one_line(tmp_path):
    process = subprocess.Popen([sys.executable, _emulator_dir(), '--port', '0'], stdout=subprocess.PIPE,  # pylint: disable=consider-using-with
                               stderr=subprocess.DEVNULL)
    first = process.stdout.readline()
    process.send_signal(signal.SIGTERM)
    rest = process.stdout.read()
    assert process.wait(timeout=60) == 0
    process.stdout.close()
    assert re.match(br'^tccc-emulator listening on http://127\.0\.0\.1:\d+\n$', first)
    assert rest == b''


def test_bad_input_exits_2_without_showing_secrets(tmp_path):
    data = tmp_path / 'bad.json'
    data.write_text(json.dumps({'accounts': [{'uin': '1', 'secret_id': 'AKIDx', 'secret_key': 'very-secret-value', 'colour': 'red'}]}))
    result = _run(_emulator_dir(), '--data', str(data))
    assert result.returncode == 2
    assert 'accounts[0]: unknown key colour' in result.stderr
    assert 'very-secret-value' not in result.stderr + result.stdout
    assert result.stdout == ''
    for args in (['--throttle-rate', '0.6', '--drop-rate', '0.6'], ['--fault-actions', 'DescribeInstances'], ['--drop-rate', '2'],
                 ['--extensions', '-1'], ['--data', str(tmp_path / 'missing.yml')]):
        result = _run(_emulator_dir(), *args)
        assert result.returncode == 2, args
        assert result.stdout == ''


def _all(running, key):
    reply = running.call('DescribeExtensions', {'SdkAppId': A_APP, 'PageNumber': 0, 'PageSize': 100, 'IsNeedStatus': True}, key)
    return reply.response['Total'], reply.response['ExtensionList']


def test_generated_extensions_depend_only_on_the_seed(start_emulator):
    first = start_emulator('--extensions', '40', '--seed', '9', '--quiet')
    second = start_emulator('--extensions', '40', '--seed', '9', '--quiet')
    other = start_emulator('--extensions', '40', '--seed', '10', '--quiet')
    total, listed = _all(first, SAMPLE_KEY)
    assert total == 45
    assert (total, listed) == _all(second, SAMPLE_KEY)
    assert listed != _all(other, SAMPLE_KEY)[1]
    password = {'SdkAppId': A_APP, 'ExtensionId': '1030'}
    assert first.call('DescribeExtension', password, SAMPLE_KEY).response['Password'] == \
        second.call('DescribeExtension', password, SAMPLE_KEY).response['Password']


def test_json_data_file_and_response_content_type(start_emulator, world, keys, tmp_path):
    data = tmp_path / 'world.json'
    data.write_text(json.dumps(world))
    running = start_emulator('--data', str(data), '--response-content-type', 'application/json; charset=utf-8')
    reply = running.call('DescribeExtension', {'SdkAppId': A_APP, 'ExtensionId': '1001'}, keys['a'])
    assert reply.code == 'OK'
    assert reply.headers['Content-Type'] == 'application/json; charset=utf-8'


def _secrets_of(world):
    found = set()
    for account in world['accounts']:
        found.update(value for name, value in account.items() if name in ('secret_key', 'token'))
    for instance in world['instances']:
        found.update(extension['password'] for extension in instance.get('extensions', []))
    return found


def test_request_log_never_shows_a_secret(start_emulator, world_file, world, keys, sdk):
    running = start_emulator('--data', world_file)
    secrets = _secrets_of(world)
    reply = running.call('DescribeExtension', {'SdkAppId': A_APP, 'ExtensionId': '1001'}, keys['a'])
    secrets.add(reply.response['Password'])
    secrets.add(running.sign('DescribeExtension', b'{}', keys['a'])['Authorization'].rsplit('=', 1)[1])
    running.call('DescribeExtension', {'SdkAppId': A_APP, 'ExtensionId': '1001'}, dict(keys['a'], secret_key='x' * 32))
    running.call('DescribeExtension', {'SdkAppId': A_APP, 'ExtensionId': '1001'}, keys['temp'])
    running.call('DescribeExtension', {'SdkAppId': A_APP, 'ExtensionId': '1001'}, keys['temp'], headers={'X-TC-Token': 'leaked-token-value'})
    secrets.add('leaked-token-value')
    secrets.add(running.call('ResetExtensionPassword', {'SdkAppId': A_APP, 'ExtensionId': '1002'}, keys['a']).response['Password'])
    assume = {'RoleArn': 'qcs::cam::uin/100000000001:roleName/tccc-reader', 'RoleSessionName': 'log-test'}
    issued = sdk.sts(running, keys['b']).call_json('AssumeRole', assume)['Response']['Credentials']
    secrets.update([issued['TmpSecretKey'], issued['Token']])
    metadata = json.loads(running.http('GET', '/latest/meta-data/cam/security-credentials/tccc-reader').body)
    secrets.update([metadata['TmpSecretKey'], metadata['Token']])
    sdk.call(sdk.ccc(running, cred=sdk.credential.Credential(metadata['TmpSecretId'], metadata['TmpSecretKey'], metadata['Token'])),
             'DescribeExtension', {'SdkAppId': A_APP, 'ExtensionId': '1003'})
    assert running.stop() == 0
    log = running.stderr_text()
    lines = [line for line in log.splitlines() if ' http=' in line]
    assert len(lines) == 8, log
    assert re.match(r'^tccc-emulator: DescribeExtension OK http=200 \d+\.\dms rid=[0-9a-f-]{36}$', lines[0])
    assert 'AuthFailure.SignatureFailure' in lines[1] and 'AuthFailure.TokenFailure' in lines[3]
    for secret in secrets:
        assert secret not in log
