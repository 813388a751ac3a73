"""Raw requests, signed correctly and then broken one thing at a time: each must get the error code the
real gateway gives, in the real order of checks."""

import json
import re
import time

import pytest

A_APP = 1400000000
DESCRIBE = {'SdkAppId': A_APP, 'ExtensionId': '1001'}


def test_a_correct_raw_request_is_accepted(world_emulator, keys):
    reply = world_emulator.call('DescribeExtension', DESCRIBE, keys['a'])
    assert reply.status == 200
    assert reply.headers['Content-Type'] == 'application/json'
    assert reply.code == 'OK'
    assert re.match(r'^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}$', reply.response['RequestId'])


def test_changed_body_byte(world_emulator, keys):
    body = json.dumps(DESCRIBE).encode()
    headers = world_emulator.sign('DescribeExtension', body, keys['a'])
    tampered = body.replace(b'1001', b'1002')
    reply = world_emulator.http('POST', '/', tampered, headers)
    assert reply.code == 'AuthFailure.SignatureFailure'


def test_changed_key(world_emulator, keys):
    wrong = dict(keys['a'], secret_key=keys['a']['secret_key'][:-1] + 'X')
    assert world_emulator.call('DescribeExtension', DESCRIBE, wrong).code == 'AuthFailure.SignatureFailure'


def test_unknown_secret_id(world_emulator, keys):
    unknown = dict(keys['a'], secret_id='AKIDnobody0000000000000000000000000')
    reply = world_emulator.call('DescribeExtension', DESCRIBE, unknown)
    assert reply.code == 'AuthFailure.SecretIdNotFound'
    assert 'AKIDnobody' not in reply.response['Error']['Message']


def test_token_missing_wrong_or_expired(world_emulator, keys):
    assert world_emulator.call('DescribeExtension', DESCRIBE, keys['temp']).code == 'OK'
    missing = world_emulator.call('DescribeExtension', DESCRIBE, keys['temp'], headers={'X-TC-Token': None})
    assert missing.code == 'AuthFailure.TokenFailure'
    wrong = world_emulator.call('DescribeExtension', DESCRIBE, keys['temp'], headers={'X-TC-Token': keys['expired']['token']})
    assert wrong.code == 'AuthFailure.TokenFailure'
    assert keys['expired']['token'] not in wrong.body.decode()
    expired = world_emulator.call('DescribeExtension', DESCRIBE, keys['expired'])
    assert expired.code == 'AuthFailure.TokenFailure'
    assert 'expired' in expired.response['Error']['Message']


def test_permanent_key_ignores_a_stray_token(world_emulator, keys):
    assert world_emulator.call('DescribeExtension', DESCRIBE, keys['a'], headers={'X-TC-Token': 'whatever'}).code == 'OK'


def test_credential_date_must_be_the_utc_date_of_the_timestamp(world_emulator, keys):
    now = int(time.time())
    yesterday = time.strftime('%Y-%m-%d', time.gmtime(now - 86400))
    reply = world_emulator.call('DescribeExtension', DESCRIBE, keys['a'], date=yesterday)
    assert reply.code == 'AuthFailure.SignatureFailure'
    assert 'UTC' in reply.response['Error']['Message']


@pytest.mark.parametrize('action, params, service', [
    ('DescribeExtension', DESCRIBE, 'cvm'),
    ('DescribeExtension', DESCRIBE, 'sts'),
    ('AssumeRole', {'RoleArn': 'qcs::cam::uin/100000000001:roleName/tccc-reader', 'RoleSessionName': 'ab'}, 'ccc'),
])
def test_service_in_the_scope_must_match_the_action(world_emulator, keys, action, params, service):
    version = '2018-08-13' if action == 'AssumeRole' else '2020-02-10'
    reply = world_emulator.call(action, params, keys['a'], service=service, version=version)
    assert reply.code == 'AuthFailure.SignatureFailure'
    assert 'service `%s`' % service in reply.response['Error']['Message']


@pytest.mark.parametrize('signed_host', ['ccc.tencentcloudapi.com', 'http://127.0.0.1:{port}', '127.0.0.1'])
def test_host_header_is_signed(world_emulator, keys, signed_host):
    body = json.dumps(DESCRIBE).encode()
    headers = world_emulator.sign('DescribeExtension', body, keys['a'])
    resigned = world_emulator.sign('DescribeExtension', body, keys['a'], host=signed_host.format(port=world_emulator.port))
    headers['Authorization'] = resigned['Authorization']
    assert world_emulator.http('POST', '/', body, headers).code == 'AuthFailure.SignatureFailure'


def test_content_type(world_emulator, keys):
    with_charset = world_emulator.call('DescribeExtension', DESCRIBE, keys['a'], content_type='application/json; charset=utf-8')
    assert with_charset.code == 'OK'
    changed_after_signing = world_emulator.call('DescribeExtension', DESCRIBE, keys['a'],
                                                headers={'Content-Type': 'application/json; charset=utf-8'})
    assert changed_after_signing.code == 'AuthFailure.SignatureFailure'
    form = world_emulator.call('DescribeExtension', DESCRIBE, keys['a'], content_type='application/x-www-form-urlencoded')
    assert form.code == 'InvalidParameter'


def test_more_signed_headers_and_unsigned_payload(world_emulator, keys):
    signed = world_emulator.call('DescribeExtension', DESCRIBE, keys['a'], signed_headers=('content-type', 'host', 'x-tc-action'))
    assert signed.code == 'OK'
    action_changed = world_emulator.call('DescribeExtensions', {'SdkAppId': A_APP, 'PageNumber': 0}, keys['a'],
                                         signed_headers=('content-type', 'host', 'x-tc-action'), headers={'X-TC-Action': 'DescribeExtension'})
    assert action_changed.code == 'AuthFailure.SignatureFailure'
    assert world_emulator.call('DescribeExtension', DESCRIBE, keys['a'], signed_headers=('host',)).code == 'AuthFailure.SignatureFailure'
    body = json.dumps(DESCRIBE).encode()
    headers = world_emulator.sign('DescribeExtension', body, keys['a'], unsigned_payload=True)
    assert world_emulator.http('POST', '/', body, headers).code == 'OK'


def test_non_ascii_body_raw_or_escaped(world_emulator, keys):
    for index, body in enumerate([b'{"SdkAppId": 1400000000, "ExtensionId": "4001", "ExtensionName": "\\u5206\\u673a1"}',
                                  '{"SdkAppId": 1400000000, "ExtensionId": "4002", "ExtensionName": "\u5206\u673a1"}'.encode('utf-8')]):
        assert world_emulator.call('CreateExtension', body=body, key=keys['a']).code == 'OK'
        listed = world_emulator.call('DescribeExtensions', {'SdkAppId': A_APP, 'PageNumber': 0, 'ExtensionIds': ['400%d' % (index + 1)]},
                                     keys['a'])
        assert listed.response['ExtensionList'][0]['ExtensionName'] == '\u5206\u673a1'


def test_timestamp_window(world_emulator, keys):
    now = int(time.time())
    assert world_emulator.call('DescribeExtension', DESCRIBE, keys['a'], timestamp=now - 240).code == 'OK'
    for skewed in (now - 400, now + 400):
        reply = world_emulator.call('DescribeExtension', DESCRIBE, keys['a'], timestamp=skewed)
        assert reply.code == 'AuthFailure.SignatureExpire'
        match = re.match(r'^Signature expired\. Timestamp:(\d+), the server time (\d+)\.$', reply.response['Error']['Message'])
        assert match and int(match.group(1)) == skewed
        assert abs(int(match.group(2)) - now) < 60


def test_clock_offset_and_skew_correction(start_emulator, world_file, sdk, keys):
    running = start_emulator('--data', world_file, '--clock-offset', '1000')
    code = sdk.code_of(sdk.ccc(running, keys['a']), 'DescribeExtension', DESCRIBE)
    assert code == 'AuthFailure.SignatureExpire'
    reply = running.call('DescribeExtension', DESCRIBE, keys['a'])
    server_time = int(re.search(r'the server time (\d+)', reply.response['Error']['Message']).group(1))
    assert abs(server_time - (time.time() + 1000)) < 60
    assert running.call('DescribeExtension', DESCRIBE, keys['a'], timestamp=server_time).code == 'OK'


@pytest.mark.parametrize('change, code', [
    ({'Authorization': None}, 'AuthFailure.InvalidAuthorization'),
    ({'Authorization': 'TC3-HMAC-SHA256 Credential=x'}, 'AuthFailure.InvalidAuthorization'),
    ({'X-TC-Action': None}, 'MissingParameter'),
    ({'X-TC-Version': None}, 'MissingParameter'),
    ({'X-TC-Timestamp': None}, 'MissingParameter'),
    ({'X-TC-Timestamp': 'yesterday'}, 'InvalidParameter'),
    ({'X-TC-Action': 'DescribeInstances'}, 'InvalidAction'),
    ({'X-TC-Version': '2017-03-12'}, 'NoSuchVersion'),
])
def test_protocol_errors(world_emulator, keys, change, code):
    assert world_emulator.call('DescribeExtension', DESCRIBE, keys['a'], headers=change).code == code


def test_only_post(world_emulator):
    for method in ('GET', 'PUT', 'DELETE'):
        reply = world_emulator.http(method, '/')
        assert (reply.status, reply.code) == (200, 'UnsupportedProtocol')
    assert world_emulator.http('POST', '/elsewhere').status == 404


def test_order_of_checks(world_emulator, keys):
    now = int(time.time())
    unknown = dict(keys['a'], secret_id='AKIDnobody0000000000000000000000000')
    # action and version before the clock; the clock before the key; the key before its signature
    assert world_emulator.call('NoSuchAction', DESCRIBE, unknown, timestamp=now - 1000).code == 'InvalidAction'
    assert world_emulator.call('DescribeExtension', DESCRIBE, unknown, timestamp=now - 1000, version='1999-01-01').code == 'NoSuchVersion'
    assert world_emulator.call('DescribeExtension', DESCRIBE, unknown, timestamp=now - 1000).code == 'AuthFailure.SignatureExpire'
    assert world_emulator.call('DescribeExtension', DESCRIBE, unknown, service='cvm').code == 'AuthFailure.SecretIdNotFound'
    # the signature before the token, the token before the parameters
    wrong_key = dict(keys['temp'], secret_key='x' * 32, token=None)
    assert world_emulator.call('DescribeExtension', DESCRIBE, wrong_key).code == 'AuthFailure.SignatureFailure'
    assert world_emulator.call('DescribeExtension', {'Bogus': 1}, dict(keys['temp'], token=None)).code == 'AuthFailure.TokenFailure'
    assert world_emulator.call('DescribeExtension', {'Bogus': 1}, keys['a']).code == 'MissingParameter'
