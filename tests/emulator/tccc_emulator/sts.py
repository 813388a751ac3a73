"""Where temporary credentials come from: STS AssumeRole (sts 2018-08-13) and the CVM instance metadata
service. Both mint keys that the ccc API then accepts with their token, acting as the role's account."""

import json
import re
import time
from urllib.parse import unquote

from .errors import ApiError

# STS AssumeRole's DurationSeconds (https://www.tencentcloud.com/document/api/1150/49456): default 7200, maximum
# 43200; no minimum is documented, so any lifetime of a second or more is accepted.
DEFAULT_DURATION = 7200
MIN_DURATION = 1
MAX_DURATION = 43200
METADATA_LIFETIME = 7200
ROLE_ARN = re.compile(r'^qcs::cam::uin/(?P<uin>[0-9]+):roleName/(?P<name>[\w+=,.@-]+)$')
SESSION_NAME = re.compile(r'^[\w+=,.@-]{2,128}$')
METADATA_PREFIX = '/latest/meta-data/cam/security-credentials/'


def iso8601(timestamp):
    return time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime(timestamp))


def _check_policy(policy):
    # The API wants the policy URL-encoded; plain JSON decodes to itself, so both are accepted.
    try:
        document = json.loads(unquote(policy))
    except ValueError:
        document = None
    if not isinstance(document, dict):
        raise ApiError('InvalidParameter', 'Policy must be a URL-encoded JSON policy document.')


def assume_role(state, params, caller_uin, now, lifetime_override=None):
    """The AssumeRole answer fields; `lifetime_override` (--temp-credential-ttl) replaces DurationSeconds."""
    match = ROLE_ARN.match(params['RoleArn'])
    if match is None:
        raise ApiError('InvalidParameterValue', 'RoleArn must look like qcs::cam::uin/<uin>:roleName/<name>.')
    if not SESSION_NAME.match(params['RoleSessionName']):
        raise ApiError('InvalidParameterValue', 'RoleSessionName must be 2 to 128 characters of letters, digits and =,.@_-+.')
    duration = params.get('DurationSeconds', DEFAULT_DURATION)
    if not MIN_DURATION <= duration <= MAX_DURATION:
        raise ApiError('InvalidParameterValue', 'DurationSeconds must be between %d and %d.' % (MIN_DURATION, MAX_DURATION))
    if 'Policy' in params:
        _check_policy(params['Policy'])
    role = state.find_role(match.group('uin'), match.group('name'))
    if role is None:
        raise ApiError('ResourceNotFound.RoleNotExist', 'The role %s does not exist.' % params['RoleArn'])
    if caller_uin not in role.assumable_by:
        raise ApiError('UnauthorizedOperation', 'Account %s is not allowed to assume the role %s.' % (caller_uin, params['RoleArn']))
    lifetime = duration if lifetime_override is None else lifetime_override
    credential = state.issue_temporary(role.uin, lifetime, now, 'sts')
    return {
        'Credentials': {
            'Token': credential.token,
            'TmpSecretId': credential.secret_id,
            'TmpSecretKey': credential.secret_key,
        },
        'ExpiredTime': credential.expired_time,
        'Expiration': iso8601(credential.expired_time),
    }


def metadata(state, path, now, lifetime_override=None):
    """(HTTP status, content type, body) for a GET under /latest/meta-data/cam/security-credentials/."""
    if path.rstrip('/') + '/' == METADATA_PREFIX:
        names = [role.name for role in state.instance_roles()]
        # No trailing newline: the official SDK uses the whole listing as the role name.
        return 200, 'text/plain', '\n'.join(names).encode('utf-8')
    if not path.startswith(METADATA_PREFIX):
        return 404, 'text/plain', b'Not Found'
    name = unquote(path[len(METADATA_PREFIX):])
    for role in state.instance_roles():
        if role.name == name:
            lifetime = METADATA_LIFETIME if lifetime_override is None else lifetime_override
            credential = state.metadata_credential(role, lifetime, now)
            body = {
                'TmpSecretId': credential.secret_id,
                'TmpSecretKey': credential.secret_key,
                'ExpiredTime': credential.expired_time,
                'Expiration': iso8601(credential.expired_time),
                'Token': credential.token,
                'Code': 'Success',
            }
            return 200, 'application/json', json.dumps(body).encode('utf-8')
    return 404, 'text/plain', b'Not Found'
