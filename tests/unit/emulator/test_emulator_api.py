"""Parameters, paging, filters and business errors of the six extension actions, over HTTP."""

import hashlib
import http.client
import json
import socket

import pytest

A_APP = 1400000000
SAMPLE_KEY = {'secret_id': 'AKIDEMULATORtcccSAMPLE00000000000001', 'secret_key': 'tcccEmulatorSampleSecretKey00001'}


def _ids(reply):
    return [info['ExtensionId'] for info in reply.response['ExtensionList']]


def _list(running, key, **params):
    reply = running.call('DescribeExtensions', dict({'SdkAppId': A_APP, 'PageNumber': 0}, **params), key)
    assert reply.code == 'OK', reply.body
    return reply


@pytest.fixture(scope='module')
def big(start_module_emulator):
    """The embedded sample plus 23 generated extensions: 28 in all."""
    return start_module_emulator('--extensions', '23', '--rate-limit', '0', '--quiet')


def test_paging_visits_every_extension_once_in_id_order(big):
    seen = []
    page = 0
    while True:
        reply = _list(big, SAMPLE_KEY, PageNumber=page, PageSize=5)
        assert reply.response['Total'] == 28
        if not reply.response['ExtensionList']:
            break
        seen.extend(_ids(reply))
        page += 1
    assert page == 6
    assert seen == [str(number) for number in range(1001, 1029)]
    assert _ids(_list(big, SAMPLE_KEY, PageNumber=2, PageSize=10)) == [str(number) for number in range(1021, 1029)]
    assert len(_ids(_list(big, SAMPLE_KEY))) == 10, 'PageSize defaults to 10'
    assert len(_ids(_list(big, SAMPLE_KEY, PageSize=100))) == 28


@pytest.mark.parametrize('params', [{'PageNumber': -1}, {'PageSize': 0}, {'PageSize': 101}, {'ExtensionIds': [str(n) for n in range(101)]}])
def test_paging_bounds(big, params):
    reply = big.call('DescribeExtensions', dict({'SdkAppId': A_APP, 'PageNumber': 0}, **params), SAMPLE_KEY)
    assert reply.code == 'InvalidParameterValue'


def test_extension_ids_filter_ignores_unknown_ids(world_emulator, keys):
    reply = _list(world_emulator, keys['a'], ExtensionIds=['1003', '9999', '1001', '1001'])
    assert (reply.response['Total'], _ids(reply)) == (2, ['1001', '1003'])
    empty = _list(world_emulator, keys['a'], ExtensionIds=['9999'])
    assert (empty.response['Total'], empty.response['ExtensionList']) == (0, [])


@pytest.mark.parametrize('keyword, expected', [
    ('1010', ['1010']),              # id
    ('SALES', ['1002', '1003']),     # name, case-insensitive
    ('carol.li@', ['1010']),         # agent email
    ('bob wang', ['1002']),          # agent name
    ('@example.com', ['1001', '1002', '1010']),
    ('no such thing', []),
])
def test_fuzzing_keyword(world_emulator, keys, keyword, expected):
    reply = _list(world_emulator, keys['a'], FuzzingKeyWord=keyword, ExtensionIds=['1001', '1002', '1003', '1010'])
    assert (_ids(reply), reply.response['Total']) == (expected, len(expected))


def test_keyword_total_counts_all_pages(big):
    reply = _list(big, SAMPLE_KEY, FuzzingKeyWord='10', PageSize=3)
    assert reply.response['Total'] == 28 and len(reply.response['ExtensionList']) == 3


def test_extension_info_fields_and_status(world_emulator, keys):
    without = _list(world_emulator, keys['a'], ExtensionIds=['1001', '1010'])
    assert all('Status' not in info for info in without.response['ExtensionList'])
    with_status = _list(world_emulator, keys['a'], ExtensionIds=['1001', '1002', '1010'], IsNeedStatus=True)
    infos = with_status.response['ExtensionList']
    assert [(info['Status'], info['Register']) for info in infos] == [(100, True), (200, True), (0, False)]
    assert infos[0] == {
        'SdkAppId': A_APP, 'FullExtensionId': '1001@1400000000.tccc.qcloud.com', 'ExtensionId': '1001', 'SkillGroupId': '1000,1001',
        'ExtensionName': 'Front desk', 'CreateTime': infos[0]['CreateTime'], 'ModifyTime': infos[0]['ModifyTime'], 'Status': 100,
        'Register': True, 'Relation': 'alice.chen@example.com', 'RelationName': 'Alice Chen'}
    assert isinstance(infos[0]['CreateTime'], int)


@pytest.mark.parametrize('action, params, code', [
    ('DescribeExtension', {'SdkAppId': '1400000000', 'ExtensionId': '1001'}, 'InvalidParameter'),
    ('DescribeExtension', {'SdkAppId': A_APP}, 'MissingParameter'),
    ('DescribeExtension', {'SdkAppId': A_APP, 'ExtensionId': '1001', 'Verbose': True}, 'UnknownParameter'),
    ('DescribeExtensions', {'SdkAppId': A_APP, 'PageNumber': 0, 'ExtensionIds': [1001]}, 'InvalidParameter'),
    ('DescribeExtensions', {'SdkAppId': A_APP, 'PageNumber': 0, 'IsNeedStatus': 'true'}, 'InvalidParameter'),
    ('DescribeExtensions', {'SdkAppId': A_APP}, 'MissingParameter'),
    ('DescribeExtension', {'SdkAppId': 1400000002, 'ExtensionId': '2001'}, 'InvalidParameterValue.InstanceNotExist'),
    ('DescribeExtension', {'SdkAppId': A_APP, 'ExtensionId': '2001'}, 'InvalidParameterValue.AccountNotExist'),
    ('CreateExtension', {'SdkAppId': A_APP, 'ExtensionId': '1001', 'ExtensionName': 'x'}, 'FailedOperation.DuplicatedAccount'),
    ('CreateExtension', {'SdkAppId': A_APP, 'ExtensionId': 'abc', 'ExtensionName': 'x'}, 'InvalidParameterValue'),
    ('CreateExtension', {'SdkAppId': A_APP, 'ExtensionId': '5001', 'ExtensionName': '  '}, 'InvalidParameterValue'),
    ('CreateExtension', {'SdkAppId': A_APP, 'ExtensionId': '5001', 'ExtensionName': 'x', 'SkillGroupIds': [5555]},
     'InvalidParameterValue.SkillGroupError'),
    ('CreateExtension', {'SdkAppId': A_APP, 'ExtensionId': '5001'}, 'MissingParameter'),
    ('ModifyExtension', {'SdkAppId': A_APP, 'ExtensionId': '1001'}, 'MissingParameter'),
    ('ModifyExtension', {'SdkAppId': A_APP, 'ExtensionId': '9999', 'ExtensionName': 'x'}, 'InvalidParameterValue.AccountNotExist'),
    ('DeleteExtension', {'SdkAppId': A_APP, 'ExtensionId': '9999'}, 'InvalidParameterValue.AccountNotExist'),
    ('ResetExtensionPassword', {'SdkAppId': A_APP, 'ExtensionId': '9999'}, 'InvalidParameterValue.AccountNotExist'),
])
def test_parameter_and_business_errors(world_emulator, keys, action, params, code):
    reply = world_emulator.call(action, params, keys['a'])
    assert (reply.status, reply.code) == (200, code)
    assert reply.response['Error']['Message']
    assert reply.response['RequestId']


@pytest.mark.parametrize('body', [b'{"SdkAppId": 1400000000,', b'[1400000000]', b'\xff'])
def test_body_must_be_a_json_object(world_emulator, keys, body):
    assert world_emulator.call('DescribeExtension', body=body, key=keys['a']).code == 'InvalidParameter'


def test_empty_body_means_no_parameters(world_emulator, keys):
    assert world_emulator.call('DescribeExtension', body=b'', key=keys['a']).code == 'MissingParameter'


def test_modify_keeps_what_is_not_sent(world_emulator, keys):
    assert world_emulator.call('CreateExtension', {'SdkAppId': A_APP, 'ExtensionId': '5100', 'ExtensionName': 'Temp',
                                                   'SkillGroupIds': [1001], 'Relation': 'bob.wang@example.com'}, keys['a']).code == 'OK'
    assert world_emulator.call('ModifyExtension', {'SdkAppId': A_APP, 'ExtensionId': '5100', 'ExtensionName': 'Renamed'}, keys['a']).code == 'OK'
    info = _list(world_emulator, keys['a'], ExtensionIds=['5100']).response['ExtensionList'][0]
    assert (info['ExtensionName'], info['SkillGroupId'], info['Relation'], info['RelationName']) == (
        'Renamed', '1001', 'bob.wang@example.com', 'Bob Wang')
    assert world_emulator.call('DeleteExtension', {'SdkAppId': A_APP, 'ExtensionId': '5100'}, keys['a']).code == 'OK'


def test_writes_never_touch_the_data_file(world_emulator, world_file, keys):
    with open(world_file, 'rb') as handle:
        before = hashlib.sha256(handle.read()).hexdigest()
    assert world_emulator.call('CreateExtension', {'SdkAppId': A_APP, 'ExtensionId': '5200', 'ExtensionName': 'x'}, keys['a']).code == 'OK'
    assert world_emulator.call('ResetExtensionPassword', {'SdkAppId': A_APP, 'ExtensionId': '5200'}, keys['a']).code == 'OK'
    assert world_emulator.call('DeleteExtension', {'SdkAppId': A_APP, 'ExtensionId': '5200'}, keys['a']).code == 'OK'
    with open(world_file, 'rb') as handle:
        assert hashlib.sha256(handle.read()).hexdigest() == before


def test_answers_are_json_documents_with_request_ids(world_emulator, keys):
    reply = world_emulator.call('DescribeExtension', {'SdkAppId': A_APP, 'ExtensionId': '1001'}, keys['a'])
    assert set(json.loads(reply.body)) == {'Response'}
    assert set(reply.response) == {'ExtensionId', 'ExtensionDomain', 'Password', 'OutboundProxy', 'Transport', 'RequestId'}


def test_chunked_body_is_read_and_verified(world_emulator, keys):
    body = json.dumps({'SdkAppId': A_APP, 'ExtensionId': '1001'}).encode()
    headers = world_emulator.sign('DescribeExtension', body, keys['a'])
    headers['Transfer-Encoding'] = 'chunked'
    conn = http.client.HTTPConnection('127.0.0.1', world_emulator.port, timeout=60)
    try:
        conn.request('POST', '/', body=iter([body[:10], body[10:]]), headers=headers, encode_chunked=True)
        answer = json.loads(conn.getresponse().read())['Response']
    finally:
        conn.close()
    assert answer['ExtensionId'] == '1001'


def test_oversized_and_unreadable_bodies(world_emulator):
    def exchange(head):
        with socket.create_connection(('127.0.0.1', world_emulator.port), timeout=60) as sock:
            sock.sendall(head)
            received = b''
            while True:
                chunk = sock.recv(65536)
                if not chunk:
                    return received
                received += chunk

    too_big = exchange(b'POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 20000000\r\n\r\n')
    assert too_big.startswith(b'HTTP/1.1 200 ')
    assert json.loads(too_big.split(b'\r\n\r\n', 1)[1])['Response']['Error']['Code'] == 'RequestSizeLimitExceeded'
    assert exchange(b'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: many\r\n\r\n').startswith(b'HTTP/1.1 400 ')


@pytest.mark.parametrize('opening, closing', [(b'[', b']'), (b'{"a":', b'}')])
def test_a_deeply_nested_body_is_a_parameter_error_not_an_internal_one(world_emulator, keys, opening, closing):
    # json gives up on deep nesting with RecursionError, which is not a ValueError: the emulator
    # answered InternalError and logged a traceback.
    depth = 100000
    body = b'{"SdkAppId": ' + opening * depth + b'1' + closing * depth + b'}'
    reply = world_emulator.call('DescribeExtension', body=body, key=keys['a'])
    assert (reply.status, reply.code) == (200, 'InvalidParameter')
    assert 'Traceback' not in world_emulator.stderr_text()
