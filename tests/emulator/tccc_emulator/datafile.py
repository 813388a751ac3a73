"""Reads and checks a data file (YAML or JSON, chosen by extension) and builds the State from it.
Error messages name the entry and the key, never a value, since values may be secrets."""

import copy
import json
import os

from .errors import DataFileError
from .state import Credential, Extension, Instance, Role, State, random_password

TOP_KEYS = {'accounts', 'roles', 'instances'}
ACCOUNT_KEYS = {'uin', 'secret_id', 'secret_key', 'token', 'expired_time'}
ROLE_KEYS = {'name', 'uin', 'assumable_by', 'instance_role'}
INSTANCE_KEYS = {'sdk_app_id', 'uin', 'extension_domain', 'outbound_proxy', 'transport', 'skill_groups', 'agents', 'extensions'}
AGENT_KEYS = {'email', 'name'}
EXTENSION_KEYS = {'extension_id', 'extension_name', 'password', 'skill_group_ids', 'relation', 'relation_name', 'status',
                  'registered', 'create_time', 'modify_time'}
STATUSES = (0, 100, 200)


def read_data_file(path):
    """The parsed document; YAML for .yml/.yaml (needs PyYAML), JSON otherwise."""
    try:
        with open(path, 'rb') as handle:
            raw = handle.read()
    except OSError as exc:
        raise DataFileError('cannot read data file %s: %s' % (path, exc.strerror)) from None
    if os.path.splitext(path)[1].lower() in ('.yml', '.yaml'):
        try:
            import yaml  # pylint: disable=import-outside-toplevel
        except ImportError:
            raise DataFileError('PyYAML is needed for a YAML data file (pip install pyyaml), or use a .json file') from None
        try:
            return yaml.safe_load(raw)
        except yaml.YAMLError as exc:
            mark = getattr(exc, 'problem_mark', None)
            where = ' at line %d' % (mark.line + 1) if mark is not None else ''
            raise DataFileError('data file %s is not valid YAML%s' % (path, where)) from None
    try:
        return json.loads(raw.decode('utf-8'))
    except (UnicodeDecodeError, ValueError) as exc:
        raise DataFileError('data file %s is not valid JSON: %s' % (path, getattr(exc, 'msg', 'not UTF-8'))) from None


class _Checker:
    """Type checks that report `where.key` in their message."""

    def __init__(self, where, entry, allowed):
        if not isinstance(entry, dict):
            raise DataFileError('%s must be a mapping' % where)
        unknown = sorted(set(entry) - allowed)
        if unknown:
            raise DataFileError('%s: unknown key %s (known: %s)' % (where, unknown[0], ', '.join(sorted(allowed))))
        self.where = where
        self.entry = entry

    def fail(self, key, expected):
        raise DataFileError('%s.%s must be %s' % (self.where, key, expected))

    def text(self, key, default=None, required=False, allow_int=False):
        if key not in self.entry:
            if required:
                raise DataFileError('%s: missing %s' % (self.where, key))
            return default
        value = self.entry[key]
        if allow_int and isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str) or (required and not value):
            self.fail(key, 'a non-empty string' if required else 'a string')
        return value

    def integer(self, key, default=None, required=False):
        if key not in self.entry:
            if required:
                raise DataFileError('%s: missing %s' % (self.where, key))
            return default
        value = self.entry[key]
        if not isinstance(value, int) or isinstance(value, bool):
            self.fail(key, 'an integer')
        return value

    def boolean(self, key, default):
        value = self.entry.get(key, default)
        if not isinstance(value, bool):
            self.fail(key, 'true or false')
        return value

    def items(self, key, default=None):
        value = self.entry.get(key)
        if value is None:  # YAML turns an empty `key:` into null
            value = default
        if not isinstance(value, list):
            self.fail(key, 'a list')
        return value

    def int_list(self, key, default=None):
        value = self.items(key, default)
        for item in value:
            if not isinstance(item, int) or isinstance(item, bool):
                self.fail(key, 'a list of integers')
        return list(value)


def _accounts(entries, state):
    for index, entry in enumerate(entries):
        check = _Checker('accounts[%d]' % index, entry, ACCOUNT_KEYS)
        secret_id = check.text('secret_id', required=True)
        if secret_id in state.credentials:
            raise DataFileError('accounts[%d]: secret_id repeats an earlier account' % index)
        if secret_id != secret_id.strip():
            raise DataFileError('accounts[%d].secret_id has leading or trailing whitespace' % index)
        token = check.text('token')
        expired_time = check.integer('expired_time')
        if expired_time is not None and token is None:
            raise DataFileError('accounts[%d]: expired_time needs token (only temporary credentials expire)' % index)
        state.credentials[secret_id] = Credential(
            secret_id=secret_id,
            secret_key=check.text('secret_key', required=True),
            uin=check.text('uin', required=True, allow_int=True),
            token=token,
            expired_time=expired_time,
        )


def _roles(entries, state):
    seen = set()
    for index, entry in enumerate(entries):
        check = _Checker('roles[%d]' % index, entry, ROLE_KEYS)
        uin = check.text('uin', required=True, allow_int=True)
        name = check.text('name', required=True)
        if (uin, name) in seen:
            raise DataFileError('roles[%d]: role %s of uin %s is defined twice' % (index, name, uin))
        seen.add((uin, name))
        assumable_by = check.items('assumable_by', [uin])
        if not all(isinstance(item, (str, int)) and not isinstance(item, bool) for item in assumable_by):
            check.fail('assumable_by', 'a list of uins')
        state.roles.append(Role(name=name, uin=uin, assumable_by=[str(item) for item in assumable_by],
                                instance_role=check.boolean('instance_role', False)))


def _extension(where, entry, instance, state, now):
    check = _Checker(where, entry, EXTENSION_KEYS)
    extension_id = check.text('extension_id', required=True, allow_int=True)
    if extension_id in instance.extensions:
        raise DataFileError('%s: extension %s is defined twice' % (where, extension_id))
    status = check.integer('status', 0)
    if status not in STATUSES:
        check.fail('status', 'one of 0 (offline), 100 (idle), 200 (busy)')
    relation = check.text('relation', '')
    relation_name = check.text('relation_name', None)
    create_time = check.integer('create_time', int(now))
    if relation_name is None:
        relation_name = instance.agent_name(relation)
    instance.add_agent(relation, relation_name)
    instance.add(Extension(
        extension_id=extension_id,
        name=check.text('extension_name', required=True),
        password=check.text('password') or random_password(state.rng),
        skill_group_ids=check.int_list('skill_group_ids', []),
        relation=relation,
        relation_name=relation_name,
        status=status,
        registered=check.boolean('registered', status != 0),
        create_time=create_time,
        modify_time=check.integer('modify_time', create_time),
    ))


def _instances(entries, state, now):
    for index, entry in enumerate(entries):
        where = 'instances[%d]' % index
        check = _Checker(where, entry, INSTANCE_KEYS)
        sdk_app_id = check.integer('sdk_app_id', required=True)
        if sdk_app_id in state.instances:
            raise DataFileError('%s: sdk_app_id %d is defined twice' % (where, sdk_app_id))
        skill_groups = check.int_list('skill_groups') if 'skill_groups' in entry else None
        instance = Instance(
            sdk_app_id=sdk_app_id,
            uin=check.text('uin', required=True, allow_int=True),
            extension_domain=check.text('extension_domain', '%d.tccc.qcloud.com' % sdk_app_id),
            outbound_proxy=check.text('outbound_proxy', 'sip.tccc.qcloud.com:5061'),
            transport=check.text('transport', 'tls'),
            skill_groups=skill_groups,
            agents_listed='agents' in entry,
        )
        for agent_index, agent in enumerate(check.items('agents', [])):
            agent_check = _Checker('%s.agents[%d]' % (where, agent_index), agent, AGENT_KEYS)
            instance.agents[agent_check.text('email', required=True)] = agent_check.text('name', required=True)
        for ext_index, ext_entry in enumerate(check.items('extensions', [])):
            _extension('%s.extensions[%d]' % (where, ext_index), ext_entry, instance, state, now)
        state.instances[sdk_app_id] = instance


def build_state(document, rng, now):
    """A State from a parsed data file (or the embedded sample); `now` stamps entries without times."""
    if not isinstance(document, dict):
        raise DataFileError('the data file must be a mapping with accounts, roles and instances')
    top = _Checker('data file', copy.deepcopy(document), TOP_KEYS)
    state = State(rng)
    _accounts(top.items('accounts', []), state)
    _roles(top.items('roles', []), state)
    _instances(top.items('instances', []), state, now)
    if not state.credentials:
        raise DataFileError('the data file defines no accounts: nobody could sign a request')
    return state
