"""Request parameter schemas of the emulated actions and the gateway-style checks applied to them:
body must be a JSON object, then missing, unknown and wrongly typed parameters, in that order."""

import json

from .errors import ApiError

INTEGER = 'Integer'
STRING = 'String'
BOOLEAN = 'Boolean'
STRINGS = 'Array of String'
INTEGERS = 'Array of Integer'
TAGS = 'Array of Tag'

REQUIRED = True
OPTIONAL = False

_EXTENSION_WRITE = {
    'SdkAppId': (INTEGER, REQUIRED),
    'ExtensionId': (STRING, REQUIRED),
    'ExtensionName': (STRING, REQUIRED),
    'SkillGroupIds': (INTEGERS, OPTIONAL),
    'Relation': (STRING, OPTIONAL),
}

SCHEMAS = {
    'DescribeExtension': {'SdkAppId': (INTEGER, REQUIRED), 'ExtensionId': (STRING, REQUIRED)},
    'DescribeExtensions': {
        'SdkAppId': (INTEGER, REQUIRED),
        'PageNumber': (INTEGER, REQUIRED),
        'ExtensionIds': (STRINGS, OPTIONAL),
        'PageSize': (INTEGER, OPTIONAL),
        'FuzzingKeyWord': (STRING, OPTIONAL),
        'IsNeedStatus': (BOOLEAN, OPTIONAL),
    },
    # Create and Modify take the same parameters (Modify also requires ExtensionName).
    'CreateExtension': _EXTENSION_WRITE,
    'ModifyExtension': _EXTENSION_WRITE,
    'DeleteExtension': {'SdkAppId': (INTEGER, REQUIRED), 'ExtensionId': (STRING, REQUIRED)},
    'ResetExtensionPassword': {'SdkAppId': (INTEGER, REQUIRED), 'ExtensionId': (STRING, REQUIRED)},
    'AssumeRole': {
        'RoleArn': (STRING, REQUIRED),
        'RoleSessionName': (STRING, REQUIRED),
        'DurationSeconds': (INTEGER, OPTIONAL),
        'Policy': (STRING, OPTIONAL),
        'ExternalId': (STRING, OPTIONAL),
        'SourceIdentity': (STRING, OPTIONAL),
        'Tags': (TAGS, OPTIONAL),
    },
}


# The API's Integer is 64-bit: Long in the official Java SDK's models, int64 in the Go SDK's.
INTEGER_RANGE = (-2 ** 63, 2 ** 63 - 1)


def _is_int(value):
    # bool is an int subclass in Python, but JSON true is not an Integer to the API
    return isinstance(value, int) and not isinstance(value, bool) and INTEGER_RANGE[0] <= value <= INTEGER_RANGE[1]


def _is_tag(value):
    return isinstance(value, dict) and set(value) == {'Key', 'Value'} and all(isinstance(v, str) for v in value.values())


_TYPE_CHECKS = {
    INTEGER: _is_int,
    STRING: lambda value: isinstance(value, str),
    BOOLEAN: lambda value: isinstance(value, bool),
    STRINGS: lambda value: isinstance(value, list) and all(isinstance(item, str) for item in value),
    INTEGERS: lambda value: isinstance(value, list) and all(_is_int(item) for item in value),
    TAGS: lambda value: isinstance(value, list) and all(_is_tag(item) for item in value),
}


def parse_body(body):
    """The JSON object in the body; an empty body counts as no parameters."""
    if not body.strip():
        return {}
    try:
        params = json.loads(body.decode('utf-8'))
    except (UnicodeDecodeError, ValueError):
        raise ApiError('InvalidParameter', 'The request body is not valid UTF-8 JSON.') from None
    except RecursionError:
        # json gives up on deeply nested arrays or objects with RecursionError, not ValueError.
        raise ApiError('InvalidParameter', 'The request body nests arrays or objects too deeply.') from None
    if not isinstance(params, dict):
        raise ApiError('InvalidParameter', 'The request body must be a JSON object of parameters.')
    return params


def validate(action, params):
    schema = SCHEMAS[action]
    for name, (_kind, required) in schema.items():
        if required and name not in params:
            raise ApiError('MissingParameter', 'The request is missing a required parameter `%s`.' % name)
    for name in params:
        if name not in schema:
            raise ApiError('UnknownParameter', 'The parameter `%s` is not recognized.' % name)
    for name, value in params.items():
        kind = schema[name][0]
        if not _TYPE_CHECKS[kind](value):
            raise ApiError('InvalidParameter', 'The value type of parameter `%s` is invalid: expected %s.' % (name, kind))
    return params
