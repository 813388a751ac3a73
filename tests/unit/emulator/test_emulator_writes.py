"""What the write actions refuse and what they change, as the extension modules depend on it."""

import json

import pytest

A_APP = 1400000000


def _info(running, key, extension_id):
    reply = running.call('DescribeExtensions', {'SdkAppId': A_APP, 'PageNumber': 0, 'ExtensionIds': [extension_id]}, key)
    assert reply.code == 'OK', reply.body
    found = reply.response['ExtensionList']
    return found[0] if found else None


def _password(running, key, extension_id):
    reply = running.call('DescribeExtension', {'SdkAppId': A_APP, 'ExtensionId': extension_id}, key)
    assert reply.code == 'OK', reply.body
    return reply.response['Password']


@pytest.mark.parametrize('action, params', [
    ('CreateExtension', {'SdkAppId': A_APP, 'ExtensionId': '5301', 'ExtensionName': 'x', 'Relation': 'nobody@example.com'}),
    ('ModifyExtension', {'SdkAppId': A_APP, 'ExtensionId': '1003', 'ExtensionName': 'x', 'Relation': 'nobody@example.com'}),
])
def test_relation_to_an_unknown_agent_is_refused_and_not_applied(world_emulator, keys, action, params):
    before = _info(world_emulator, keys['a'], params['ExtensionId'])
    reply = world_emulator.call(action, params, keys['a'])
    assert reply.code == 'InvalidParameterValue.AccountNotExist'
    assert 'nobody@example.com' in reply.response['Error']['Message']
    assert _info(world_emulator, keys['a'], params['ExtensionId']) == before


@pytest.mark.parametrize('email, name', [
    ('erin.zhao@example.com', 'Erin Zhao'),   # listed under agents
    ('carol.li@example.com', 'Carol Li'),     # bound to an extension in the data file, so an agent too
])
def test_relation_binds_a_known_agent_and_empty_unbinds(world_emulator, keys, email, name):
    params = {'SdkAppId': A_APP, 'ExtensionId': '5302', 'ExtensionName': 'Bound'}
    assert world_emulator.call('CreateExtension', dict(params, Relation=email), keys['a']).code == 'OK'
    info = _info(world_emulator, keys['a'], '5302')
    assert (info['Relation'], info['RelationName']) == (email, name)
    assert world_emulator.call('ModifyExtension', dict(params, Relation=''), keys['a']).code == 'OK'
    info = _info(world_emulator, keys['a'], '5302')
    assert (info['Relation'], info['RelationName']) == ('', '')
    assert world_emulator.call('DeleteExtension', {'SdkAppId': A_APP, 'ExtensionId': '5302'}, keys['a']).code == 'OK'


def test_an_instance_without_an_agents_list_accepts_any_relation(start_emulator, tmp_path, world):
    data = {'accounts': world['accounts'][:1], 'instances': [{'sdk_app_id': A_APP, 'uin': world['accounts'][0]['uin']}]}
    path = tmp_path / 'no-agents.json'
    path.write_text(json.dumps(data))
    running = start_emulator('--data', str(path), '--quiet')
    reply = running.call('CreateExtension', {'SdkAppId': A_APP, 'ExtensionId': '1001', 'ExtensionName': 'x',
                                             'Relation': 'anyone@example.com'}, world['accounts'][0])
    assert reply.code == 'OK'


def test_generated_extensions_bind_agents_that_exist(start_emulator):
    running = start_emulator('--extensions', '8', '--rate-limit', '0', '--quiet')
    key = {'secret_id': 'AKIDEMULATORtcccSAMPLE00000000000001', 'secret_key': 'tcccEmulatorSampleSecretKey00001'}
    reply = running.call('DescribeExtensions', {'SdkAppId': A_APP, 'PageNumber': 0, 'PageSize': 100}, key)
    generated = [info for info in reply.response['ExtensionList'] if int(info['ExtensionId']) > 1005 and info['Relation']]
    assert generated
    params = {'SdkAppId': A_APP, 'ExtensionId': '1003', 'ExtensionName': 'Sales line 2', 'Relation': generated[0]['Relation']}
    assert running.call('ModifyExtension', params, key).code == 'OK'
    assert _info(running, key, '1003')['RelationName'] == generated[0]['RelationName']


def test_reset_password_is_what_describe_extension_returns_next(world_emulator, keys):
    old = _password(world_emulator, keys['a'], '1010')
    reply = world_emulator.call('ResetExtensionPassword', {'SdkAppId': A_APP, 'ExtensionId': '1010'}, keys['a'])
    assert reply.code == 'OK'
    new = reply.response['Password']
    assert new != old and len(new) == 13
    assert _password(world_emulator, keys['a'], '1010') == new


def test_second_create_and_second_delete_are_refused(world_emulator, keys):
    create = {'SdkAppId': A_APP, 'ExtensionId': '5303', 'ExtensionName': 'Once'}
    delete = {'SdkAppId': A_APP, 'ExtensionId': '5303'}
    assert world_emulator.call('CreateExtension', create, keys['a']).code == 'OK'
    assert world_emulator.call('CreateExtension', create, keys['a']).code == 'FailedOperation.DuplicatedAccount'
    assert world_emulator.call('DeleteExtension', delete, keys['a']).code == 'OK'
    assert world_emulator.call('DeleteExtension', delete, keys['a']).code == 'InvalidParameterValue.AccountNotExist'
    assert world_emulator.call('ModifyExtension', dict(create, ExtensionName='Gone'), keys['a']).code == 'InvalidParameterValue.AccountNotExist'
    assert _info(world_emulator, keys['a'], '5303') is None


@pytest.mark.parametrize('groups', [[10 ** 22], [2 ** 63], [True]])
def test_skill_group_ids_outside_the_api_integer_are_refused(world_emulator, keys, groups):
    # The API's Integer is 64-bit (Long in the official Java SDK's CreateExtensionRequest).
    reply = world_emulator.call('CreateExtension', {'SdkAppId': A_APP, 'ExtensionId': '5309', 'ExtensionName': 'x', 'SkillGroupIds': groups},
                                keys['a'])
    assert reply.code == 'InvalidParameter'
    assert _info(world_emulator, keys['a'], '5309') is None
