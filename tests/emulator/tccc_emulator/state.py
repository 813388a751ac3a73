"""The in-memory world the emulator serves: credentials, roles, TCCC instances and their extensions.
Every read and write goes through one lock, so concurrent requests see consistent snapshots."""

import secrets
import string
import threading
from dataclasses import dataclass, field
from typing import Dict, List, Optional

PASSWORD_ALPHABET = string.ascii_letters + string.digits
PASSWORD_LENGTH = 13  # the length of the passwords in the public API examples


@dataclass
class Credential:
    secret_id: str
    secret_key: str
    uin: str
    token: Optional[str] = None
    expired_time: Optional[int] = None
    source: str = 'data file'

    @property
    def temporary(self):
        return self.token is not None


@dataclass
class Role:
    name: str
    uin: str
    assumable_by: List[str]
    instance_role: bool = False

    @property
    def arn(self):
        return 'qcs::cam::uin/%s:roleName/%s' % (self.uin, self.name)


@dataclass
class Extension:
    extension_id: str
    name: str
    password: str
    skill_group_ids: List[int]
    relation: str
    relation_name: str
    status: int
    registered: bool
    create_time: int
    modify_time: int


@dataclass
class Instance:
    sdk_app_id: int
    uin: str
    extension_domain: str
    outbound_proxy: str
    transport: str
    skill_groups: Optional[List[int]] = None
    agents: Dict[str, str] = field(default_factory=dict)
    # True when the data file lists the instance's agents: a Relation must then name one of them.
    agents_listed: bool = False
    extensions: Dict[str, Extension] = field(default_factory=dict)
    _order: Optional[List[str]] = None

    def ordered_ids(self):
        """Extension ids in stable id order (numeric ids by value); cached until the next create or delete."""
        if self._order is None:
            self._order = sorted(self.extensions, key=id_sort_key)
        return self._order

    def add(self, extension):
        self.extensions[extension.extension_id] = extension
        self._order = None

    def remove(self, extension_id):
        del self.extensions[extension_id]
        self._order = None

    def add_agent(self, email, name):
        """An agent bound in the data (or generated) exists, whether or not `agents` lists it."""
        if email and email not in self.agents:
            self.agents[email] = name

    def has_agent(self, email):
        return not self.agents_listed or email in self.agents

    def agent_name(self, email):
        if not email:
            return ''
        if email in self.agents:
            return self.agents[email]
        for extension in self.extensions.values():
            if extension.relation == email and extension.relation_name:
                return extension.relation_name
        return ''


def id_sort_key(extension_id):
    if extension_id.isdigit():
        return (0, int(extension_id), extension_id)
    return (1, 0, extension_id)


def random_password(rng):
    return ''.join(rng.choice(PASSWORD_ALPHABET) for dummy in range(PASSWORD_LENGTH))


class State:
    """Holds the world; `lock` guards every attribute and every object reachable from them."""

    def __init__(self, rng):
        self.lock = threading.RLock()
        self.rng = rng
        self.credentials = {}
        self.roles = []
        self.instances = {}
        self._metadata_cache = {}

    def credential(self, secret_id):
        with self.lock:
            return self.credentials.get(secret_id)

    def instance_for(self, sdk_app_id, uin):
        """The instance when it exists and belongs to `uin`, else None (the API does not tell them apart)."""
        instance = self.instances.get(sdk_app_id)
        if instance is None or instance.uin != uin:
            return None
        return instance

    def find_role(self, uin, name):
        with self.lock:
            for role in self.roles:
                if role.uin == uin and role.name == name:
                    return role
        return None

    def instance_roles(self):
        with self.lock:
            return [role for role in self.roles if role.instance_role]

    def new_password(self):
        with self.lock:
            return random_password(self.rng)

    def issue_temporary(self, uin, lifetime, now, source):
        """Mint a TmpSecretId/TmpSecretKey/Token triple that the API accepts until now + lifetime."""
        credential = Credential(
            secret_id='AKID' + _random_token(32),
            secret_key=_random_token(32),
            uin=uin,
            token=secrets.token_urlsafe(96),
            expired_time=int(now) + int(lifetime),
            source=source,
        )
        with self.lock:
            self._forget_long_expired(now)
            self.credentials[credential.secret_id] = credential
        return credential

    def metadata_credential(self, role, lifetime, now):
        """Like the CVM metadata service: the same keys until half their lifetime is used, then fresh ones."""
        with self.lock:
            cached = self._metadata_cache.get(role.name)
            if cached is not None and cached.expired_time - now > lifetime / 2.0:
                return cached
            credential = self.issue_temporary(role.uin, lifetime, now, 'metadata')
            self._metadata_cache[role.name] = credential
            return credential

    def _forget_long_expired(self, now):
        # Expired keys stay known for a day so that their use is answered "expired", not "unknown id";
        # after that they go, so that long benchmark runs do not grow without bound.
        cutoff = now - 86400
        stale = [key for key, cred in self.credentials.items()
                 if cred.source in ('sts', 'metadata') and cred.expired_time < cutoff]
        for key in stale:
            del self.credentials[key]


def _random_token(length):
    return ''.join(secrets.choice(PASSWORD_ALPHABET) for dummy in range(length))
