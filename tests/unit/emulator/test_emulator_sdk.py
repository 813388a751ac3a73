"""The official Tencent Cloud SDK against the emulator: if the SDK's requests verify and its models parse our
answers, the emulator speaks the real protocol."""

import calendar
import json
import time

A_APP = 1400000000
B_APP = 1400000002
READER_ARN = 'qcs::cam::uin/100000000001:roleName/tccc-reader'


def test_all_six_actions_round_trip(world_emulator, sdk, keys):
    client = sdk.ccc(world_emulator, keys['a'])
    before = int(time.time())
    assert set(sdk.call(client, 'CreateExtension', {'SdkAppId': A_APP, 'ExtensionId': '3001', 'ExtensionName': 'Night shift',
                                                    'SkillGroupIds': [1002, 1000], 'Relation': 'erin.zhao@example.com'})) == {'RequestId'}
    assert sdk.code_of(client, 'CreateExtension', {'SdkAppId': A_APP, 'ExtensionId': '3001', 'ExtensionName': 'Again'}) == \
        'FailedOperation.DuplicatedAccount'

    described = sdk.call(client, 'DescribeExtension', {'SdkAppId': A_APP, 'ExtensionId': '3001'})
    assert described['ExtensionId'] == '3001'
    assert described['ExtensionDomain'] == '1400000000.tccc.qcloud.com'
    assert described['OutboundProxy'] == 'sip.tccc.qcloud.com:5061'
    assert described['Transport'] == 'tls'
    assert len(described['Password']) >= 8

    listed = sdk.call(client, 'DescribeExtensions', {'SdkAppId': A_APP, 'PageNumber': 0, 'ExtensionIds': ['3001'], 'IsNeedStatus': True})
    assert listed['Total'] == 1
    info = listed['ExtensionList'][0]
    assert info['FullExtensionId'] == '3001@1400000000.tccc.qcloud.com'
    assert info['SkillGroupId'] == '1000,1002'
    assert (info['ExtensionName'], info['Relation'], info['RelationName']) == ('Night shift', 'erin.zhao@example.com', 'Erin Zhao')
    assert (info['Status'], info['Register'], info['SdkAppId']) == (0, False, A_APP)
    assert info['CreateTime'] >= before - 5 and info['CreateTime'] == info['ModifyTime']
    assert 'Password' not in info

    sdk.call(client, 'ModifyExtension', {'SdkAppId': A_APP, 'ExtensionId': '3001', 'ExtensionName': 'Day shift', 'SkillGroupIds': [1001],
                                         'Relation': ''})
    info = sdk.call(client, 'DescribeExtensions', {'SdkAppId': A_APP, 'PageNumber': 0, 'ExtensionIds': ['3001']})['ExtensionList'][0]
    assert (info['ExtensionName'], info['SkillGroupId'], info['Relation'], info['RelationName']) == ('Day shift', '1001', '', '')

    reset = sdk.call(client, 'ResetExtensionPassword', {'SdkAppId': A_APP, 'ExtensionId': '3001'})
    assert reset['Password'] != described['Password']
    assert sdk.call(client, 'DescribeExtension', {'SdkAppId': A_APP, 'ExtensionId': '3001'})['Password'] == reset['Password']

    sdk.call(client, 'DeleteExtension', {'SdkAppId': A_APP, 'ExtensionId': '3001'})
    for action in ('DescribeExtension', 'ResetExtensionPassword', 'DeleteExtension'):
        assert sdk.code_of(client, action, {'SdkAppId': A_APP, 'ExtensionId': '3001'}) == 'InvalidParameterValue.AccountNotExist'
    assert sdk.code_of(client, 'ModifyExtension', {'SdkAppId': A_APP, 'ExtensionId': '3001', 'ExtensionName': 'x'}) == \
        'InvalidParameterValue.AccountNotExist'


def test_region_and_language_headers_are_accepted(world_emulator, sdk, keys):
    client = sdk.ccc(world_emulator, keys['a'], region='ap-guangzhou', language='en-US')
    assert sdk.call(client, 'DescribeExtension', {'SdkAppId': A_APP, 'ExtensionId': '1001'})['Password'] == 'testPwd1001Ab'


def test_accounts_only_see_their_own_instances(world_emulator, sdk, keys):
    client_b = sdk.ccc(world_emulator, keys['b'])
    assert sdk.code_of(client_b, 'DescribeExtension', {'SdkAppId': A_APP, 'ExtensionId': '1001'}) == 'InvalidParameterValue.InstanceNotExist'
    assert sdk.code_of(client_b, 'DescribeExtensions', {'SdkAppId': 1499999999, 'PageNumber': 0}) == 'InvalidParameterValue.InstanceNotExist'
    answer = sdk.call(client_b, 'DescribeExtension', {'SdkAppId': B_APP, 'ExtensionId': '2001'})
    assert (answer['Transport'], answer['ExtensionDomain']) == ('udp', '1400000002.tccc.qcloud.com')


def test_temporary_key_from_the_data_file_needs_its_token(world_emulator, sdk, keys):
    temp = keys['temp']
    params = {'SdkAppId': A_APP, 'ExtensionId': '1002'}
    assert sdk.call(sdk.ccc(world_emulator, temp), 'DescribeExtension', params)['ExtensionId'] == '1002'
    no_token = sdk.credential.Credential(temp['secret_id'], temp['secret_key'])
    assert sdk.code_of(sdk.ccc(world_emulator, cred=no_token), 'DescribeExtension', params) == 'AuthFailure.TokenFailure'
    wrong_token = sdk.credential.Credential(temp['secret_id'], temp['secret_key'], temp['token'] + 'x')
    assert sdk.code_of(sdk.ccc(world_emulator, cred=wrong_token), 'DescribeExtension', params) == 'AuthFailure.TokenFailure'
    with_expired = sdk.ccc(world_emulator, keys['expired'])
    try:
        sdk.call(with_expired, 'DescribeExtension', params)
        raise AssertionError('expired temporary key accepted')
    except sdk.error as err:
        assert err.get_code() == 'AuthFailure.TokenFailure'
        assert 'expired' in err.get_message()


def _assume(sdk, running, key, arn=READER_ARN, **extra):
    params = dict({'RoleArn': arn, 'RoleSessionName': 'emulator-test'}, **extra)
    return sdk.sts(running, key).call_json('AssumeRole', params)['Response']


def test_sts_duration_is_what_the_api_documents(world_emulator, sdk, keys):
    # AssumeRole documents a default of 7200 and a maximum of 43200 seconds, and no minimum.
    before = int(time.time())
    assert _assume(sdk, world_emulator, keys['b'], DurationSeconds=300)['ExpiredTime'] <= before + 300 + 5
    assert before + 7200 - 5 <= _assume(sdk, world_emulator, keys['b'])['ExpiredTime'] <= int(time.time()) + 7200 + 5
    for duration in (0, 43201):
        assert _sts_code(sdk, world_emulator, keys['b'], RoleArn=READER_ARN, RoleSessionName='s1',
                         DurationSeconds=duration) == 'InvalidParameterValue'


def test_sts_assume_role_then_ccc_with_the_issued_keys(world_emulator, sdk, keys):
    before = int(time.time())
    answer = _assume(sdk, world_emulator, keys['b'], DurationSeconds=900)
    assert set(answer) == {'Credentials', 'ExpiredTime', 'Expiration', 'RequestId'}
    assert set(answer['Credentials']) == {'Token', 'TmpSecretId', 'TmpSecretKey'}
    assert before + 900 - 5 <= answer['ExpiredTime'] <= int(time.time()) + 900 + 5
    assert calendar.timegm(time.strptime(answer['Expiration'], '%Y-%m-%dT%H:%M:%SZ')) == answer['ExpiredTime']
    issued = answer['Credentials']
    cred = sdk.credential.Credential(issued['TmpSecretId'], issued['TmpSecretKey'], issued['Token'])
    # The role belongs to account A: the temporary keys act as A, although B assumed the role.
    client = sdk.ccc(world_emulator, cred=cred)
    assert sdk.call(client, 'DescribeExtension', {'SdkAppId': A_APP, 'ExtensionId': '1001'})['ExtensionId'] == '1001'
    assert sdk.code_of(client, 'DescribeExtension', {'SdkAppId': B_APP, 'ExtensionId': '2001'}) == 'InvalidParameterValue.InstanceNotExist'
    tokenless = sdk.credential.Credential(issued['TmpSecretId'], issued['TmpSecretKey'])
    assert sdk.code_of(sdk.ccc(world_emulator, cred=tokenless), 'DescribeExtension', {'SdkAppId': A_APP, 'ExtensionId': '1001'}) == \
        'AuthFailure.TokenFailure'


def _sts_code(sdk, running, key, **params):
    try:
        sdk.sts(running, key).call_json('AssumeRole', params)
    except sdk.error as err:
        return err.get_code()
    raise AssertionError('AssumeRole succeeded')


def test_sts_errors(world_emulator, sdk, keys):
    running, a = world_emulator, keys['a']
    assert _sts_code(sdk, running, a, RoleArn='qcs::cam::uin/100000000002:roleName/tccc-b-admin', RoleSessionName='s1') == \
        'UnauthorizedOperation'
    assert _sts_code(sdk, running, a, RoleArn='qcs::cam::uin/100000000001:roleName/nobody', RoleSessionName='s1') == \
        'ResourceNotFound.RoleNotExist'
    assert _sts_code(sdk, running, a, RoleArn='tccc-reader', RoleSessionName='s1') == 'InvalidParameterValue'
    assert _sts_code(sdk, running, a, RoleArn=READER_ARN, RoleSessionName='s1', DurationSeconds=43201) == 'InvalidParameterValue'
    assert _sts_code(sdk, running, a, RoleArn=READER_ARN, RoleSessionName='s') == 'InvalidParameterValue'
    assert _sts_code(sdk, running, a, RoleArn=READER_ARN, RoleSessionName='s1', Policy='{not json') == 'InvalidParameter'
    assert _sts_code(sdk, running, a, RoleArn=READER_ARN) == 'MissingParameter'
    assert _sts_code(sdk, running, a, RoleArn=READER_ARN, RoleSessionName='s1', Duration=900) == 'UnknownParameter'
    policy = '%7B%22version%22%3A%222.0%22%2C%22statement%22%3A%5B%5D%7D'
    assert _assume(sdk, running, a, Policy=policy, Tags=[{'Key': 'team', 'Value': 'ops'}])['Credentials']['Token']


def test_temp_credential_ttl_overrides_the_duration(start_emulator, world_file, sdk, keys):
    long_lived = start_emulator('--data', world_file, '--temp-credential-ttl', '3600')
    answer = _assume(sdk, long_lived, keys['a'], DurationSeconds=900)
    assert answer['ExpiredTime'] >= int(time.time()) + 3600 - 5

    expired = start_emulator('--data', world_file, '--temp-credential-ttl', '0')
    issued = _assume(sdk, expired, keys['a'])['Credentials']
    cred = sdk.credential.Credential(issued['TmpSecretId'], issued['TmpSecretKey'], issued['Token'])
    try:
        sdk.call(sdk.ccc(expired, cred=cred), 'DescribeExtension', {'SdkAppId': A_APP, 'ExtensionId': '1001'})
        raise AssertionError('expired STS key accepted')
    except sdk.error as err:
        assert (err.get_code(), 'expired' in err.get_message()) == ('AuthFailure.TokenFailure', True)


def test_metadata_service(world_emulator, sdk):
    listing = world_emulator.http('GET', '/latest/meta-data/cam/security-credentials/')
    assert (listing.status, listing.body) == (200, b'tccc-reader')
    first = world_emulator.http('GET', '/latest/meta-data/cam/security-credentials/tccc-reader')
    document = json.loads(first.body)
    assert first.status == 200
    assert set(document) == {'TmpSecretId', 'TmpSecretKey', 'ExpiredTime', 'Expiration', 'Token', 'Code'}
    assert document['Code'] == 'Success'
    assert document['ExpiredTime'] > time.time() + 3600
    again = json.loads(world_emulator.http('GET', '/latest/meta-data/cam/security-credentials/tccc-reader').body)
    assert again['TmpSecretId'] == document['TmpSecretId'], 'keys are reused until half their lifetime is gone'
    assert world_emulator.http('GET', '/latest/meta-data/cam/security-credentials/tccc-b-admin').status == 404
    assert world_emulator.http('GET', '/latest/meta-data/cam/security-credentials/nobody').status == 404

    # The SDK's own CVM role provider, pointed at the emulator instead of the link-local metadata address.
    provider = sdk.credential.CVMRoleCredential()
    provider._role_endpoint = 'http://%s/latest/meta-data/cam/security-credentials/' % world_emulator.host  # pylint: disable=protected-access
    client = sdk.ccc(world_emulator, cred=provider)
    assert sdk.call(client, 'DescribeExtension', {'SdkAppId': A_APP, 'ExtensionId': '1003'})['Password'] == 'testPwd1003Ef'
    assert provider.role == 'tccc-reader'


def test_metadata_keys_rotate_and_expire(start_emulator, world_file, sdk):
    running = start_emulator('--data', world_file, '--temp-credential-ttl', '0')
    path = '/latest/meta-data/cam/security-credentials/tccc-reader'
    first = json.loads(running.http('GET', path).body)
    second = json.loads(running.http('GET', path).body)
    assert first['TmpSecretId'] != second['TmpSecretId']
    cred = sdk.credential.Credential(second['TmpSecretId'], second['TmpSecretKey'], second['Token'])
    assert sdk.code_of(sdk.ccc(running, cred=cred), 'DescribeExtension', {'SdkAppId': A_APP, 'ExtensionId': '1001'}) == \
        'AuthFailure.TokenFailure'
