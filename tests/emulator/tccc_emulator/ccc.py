"""The six TCCC extension actions over the in-memory State. Parameters arrive type-checked (params.py);
value checks and the business rules live here."""

import re

from .errors import ApiError
from .state import Extension

MAX_PAGE_SIZE = 100  # undocumented for DescribeExtensions; the sibling CCC list APIs cap at 100
DEFAULT_PAGE_SIZE = 10
MAX_EXTENSION_IDS = 100
MAX_NAME_LENGTH = 255
EXTENSION_ID = re.compile(r'^[0-9]{1,20}$')

NOT_FOUND = 'InvalidParameterValue.AccountNotExist'
# The SDK's list has no code for an unknown agent; its "account does not exist" covers agent accounts too.
NO_AGENT = 'InvalidParameterValue.AccountNotExist'
ALREADY_EXISTS = 'FailedOperation.DuplicatedAccount'


def _instance(state, params, uin):
    instance = state.instance_for(params['SdkAppId'], uin)
    if instance is None:
        raise ApiError('InvalidParameterValue.InstanceNotExist',
                       'The instance (SdkAppId %d) does not exist or does not belong to this account.' % params['SdkAppId'])
    return instance


def _extension(instance, extension_id):
    extension = instance.extensions.get(extension_id)
    if extension is None:
        raise ApiError(NOT_FOUND, 'Extension %s does not exist in instance %d.' % (extension_id, instance.sdk_app_id))
    return extension


def _check_name(params):
    name = params['ExtensionName']
    if not name.strip() or len(name) > MAX_NAME_LENGTH:
        raise ApiError('InvalidParameterValue', 'ExtensionName must be 1 to %d characters, not all blank.' % MAX_NAME_LENGTH)
    return name


def _check_skill_groups(instance, params):
    groups = params.get('SkillGroupIds')
    if groups is None:
        return None
    if instance.skill_groups is not None:
        unknown = [group for group in groups if group not in instance.skill_groups]
        if unknown:
            raise ApiError('InvalidParameterValue.SkillGroupError', 'Skill group %d does not exist in this instance.' % unknown[0])
    return sorted(set(groups))


def _check_relation(instance, params):
    """The bound agent's email; "" unbinds. An email that names no agent of the instance is refused."""
    relation = params.get('Relation')
    if relation and not instance.has_agent(relation):
        raise ApiError(NO_AGENT, 'Agent %s does not exist in instance %d: create the agent first.' % (relation, instance.sdk_app_id))
    return relation


def _info(instance, extension, with_status):
    info = {
        'SdkAppId': instance.sdk_app_id,
        'FullExtensionId': '%s@%s' % (extension.extension_id, instance.extension_domain),
        'ExtensionId': extension.extension_id,
        'SkillGroupId': ','.join(str(group) for group in extension.skill_group_ids),
        'ExtensionName': extension.name,
        'CreateTime': extension.create_time,
        'ModifyTime': extension.modify_time,
        'Register': extension.registered,
        'Relation': extension.relation,
        'RelationName': extension.relation_name,
    }
    if with_status:
        info['Status'] = extension.status
    return info


def _matches(extension, keyword):
    fields = (extension.extension_id, extension.name, extension.relation, extension.relation_name)
    return any(keyword in value.lower() for value in fields)


def describe_extension(state, params, uin, _now):
    instance = _instance(state, params, uin)
    extension = _extension(instance, params['ExtensionId'])
    return {
        'ExtensionId': extension.extension_id,
        'ExtensionDomain': instance.extension_domain,
        'Password': extension.password,
        'OutboundProxy': instance.outbound_proxy,
        'Transport': instance.transport,
    }


def describe_extensions(state, params, uin, _now):
    instance = _instance(state, params, uin)
    page_number = params['PageNumber']
    page_size = params.get('PageSize', DEFAULT_PAGE_SIZE)
    if page_number < 0:
        raise ApiError('InvalidParameterValue', 'PageNumber must be 0 or more (pages are numbered from 0).')
    if not 1 <= page_size <= MAX_PAGE_SIZE:
        raise ApiError('InvalidParameterValue', 'PageSize must be between 1 and %d.' % MAX_PAGE_SIZE)
    ids = instance.ordered_ids()
    wanted = params.get('ExtensionIds')
    if wanted:
        if len(wanted) > MAX_EXTENSION_IDS:
            raise ApiError('InvalidParameterValue', 'ExtensionIds may list at most %d extensions.' % MAX_EXTENSION_IDS)
        wanted = set(wanted)
        ids = [extension_id for extension_id in ids if extension_id in wanted]
    keyword = params.get('FuzzingKeyWord', '').strip().lower()
    if keyword:
        ids = [extension_id for extension_id in ids if _matches(instance.extensions[extension_id], keyword)]
    page = ids[page_number * page_size:(page_number + 1) * page_size]
    with_status = params.get('IsNeedStatus', False)
    return {
        'Total': len(ids),
        'ExtensionList': [_info(instance, instance.extensions[extension_id], with_status) for extension_id in page],
    }


def create_extension(state, params, uin, now):
    instance = _instance(state, params, uin)
    extension_id = params['ExtensionId']
    if not EXTENSION_ID.match(extension_id):
        raise ApiError('InvalidParameterValue', 'ExtensionId must be 1 to 20 digits.')
    name = _check_name(params)
    groups = _check_skill_groups(instance, params)
    relation = _check_relation(instance, params) or ''
    if extension_id in instance.extensions:
        raise ApiError(ALREADY_EXISTS, 'Extension %s already exists in instance %d.' % (extension_id, instance.sdk_app_id))
    instance.add(Extension(
        extension_id=extension_id,
        name=name,
        password=state.new_password(),
        skill_group_ids=groups or [],
        relation=relation,
        relation_name=instance.agent_name(relation),
        status=0,
        registered=False,
        create_time=now,
        modify_time=now,
    ))
    return {}


def modify_extension(state, params, uin, now):
    """ExtensionName is replaced; SkillGroupIds and Relation only when sent ([] and "" clear them)."""
    instance = _instance(state, params, uin)
    extension = _extension(instance, params['ExtensionId'])
    name = _check_name(params)
    groups = _check_skill_groups(instance, params)
    relation = _check_relation(instance, params)
    extension.name = name
    if groups is not None:
        extension.skill_group_ids = groups
    if relation is not None:
        extension.relation = relation
        extension.relation_name = instance.agent_name(extension.relation)
    extension.modify_time = now
    return {}


def delete_extension(state, params, uin, _now):
    instance = _instance(state, params, uin)
    _extension(instance, params['ExtensionId'])
    instance.remove(params['ExtensionId'])
    return {}


def reset_extension_password(state, params, uin, now):
    instance = _instance(state, params, uin)
    extension = _extension(instance, params['ExtensionId'])
    extension.password = state.new_password()
    extension.modify_time = now
    return {'Password': extension.password}


ACTIONS = {
    'DescribeExtension': describe_extension,
    'DescribeExtensions': describe_extensions,
    'CreateExtension': create_extension,
    'ModifyExtension': modify_extension,
    'DeleteExtension': delete_extension,
    'ResetExtensionPassword': reset_extension_password,
}


def run(action, state, params, uin, now):
    """Answer fields of one ccc action for the account `uin`, under the state lock."""
    with state.lock:
        return ACTIONS[action](state, params, uin, int(now))
