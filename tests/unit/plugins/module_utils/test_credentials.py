# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""The credential chain: every source, every precedence pair, every broken file, refresh and secrecy.

Nothing here touches the real HOME, environment, metadata service or STS: each test passes its own
home directory, environment dict, clock, metadata GET and STS call.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import pathlib
import shutil
import socket
import stat
import tempfile
import threading
import traceback

import pytest
import requests

from ansible_collections.tencentcloud.tccc.plugins.doc_fragments.common import ModuleDocFragment
from ansible_collections.tencentcloud.tccc.plugins.module_utils import _credential_sources as credential_metadata
from ansible_collections.tencentcloud.tccc.plugins.module_utils import _credential_sources as credential_types
from ansible_collections.tencentcloud.tccc.plugins.module_utils import _credentials as creds_mod
from ansible_collections.tencentcloud.tccc.plugins.module_utils._credentials import CredentialSource, Credentials, metadata_get, resolve_credentials
from ansible_collections.tencentcloud.tccc.plugins.module_utils._errors import ApiError, ConfigError
from ansible_collections.tencentcloud.tccc.tests.unit.conftest import reply

NOW = 1706400000.0
# Every secret key and token below contains this marker, so one check finds any leak.
MARK = "S3CR3T"

OPT = {"secret_id": "AKIDoption00000001", "secret_key": "option-%s-key" % MARK, "security_token": "option-%s-token" % MARK}
ENV = {"TENCENTCLOUD_SECRET_ID": "AKIDenv000000000002", "TENCENTCLOUD_SECRET_KEY": "env-%s-key" % MARK}
ENV_TOKEN = "env-%s-token" % MARK
TCCLI = {"secretId": "AKIDtccli0000000003", "secretKey": "tccli-%s-key" % MARK, "token": "tccli-%s-token" % MARK}
INI_ID, INI_KEY = "AKIDini000000000004", "ini-%s-key" % MARK
ROLE = {"TmpSecretId": "AKIDcvm000000000005", "TmpSecretKey": "cvm-%s-key" % MARK, "Token": "cvm-%s-token" % MARK}
ARN = "qcs::cam::uin/100000000001:roleName/tccc-operator"


def params(**values):
    base = dict.fromkeys(("secret_id", "secret_key", "security_token", "profile", "cam_role_name", "assume_role_arn",
                          "assume_role_session_name", "assume_role_duration"))
    base.update(values)
    return base


def chain_text(exc):
    """Everything a traceback would print about ``exc`` and the exceptions chained to it."""
    parts = []
    while exc is not None:
        parts.extend(traceback.format_exception_only(type(exc), exc))
        parts.append(repr(exc))
        parts.append(repr(exc.args))
        exc = exc.__cause__ or (None if exc.__suppress_context__ else exc.__context__)
    return "".join(parts)


def assert_no_secret(text):
    assert MARK not in text
    for secret_id in (OPT["secret_id"], ENV["TENCENTCLOUD_SECRET_ID"], TCCLI["secretId"], INI_ID, ROLE["TmpSecretId"]):
        assert secret_id not in text


class Clock:
    def __init__(self, now=NOW):
        self.now = now

    def __call__(self):
        return self.now


class Metadata:
    """A fake metadata GET: answers from a script (an Exception is raised) and records the URLs."""

    def __init__(self, *script):
        self.script = list(script)
        self.calls = []

    def __call__(self, url, timeout):
        self.calls.append((url, timeout))
        item = self.script.pop(0)
        if isinstance(item, Exception):
            raise item
        return item


def role_answer(expires, n=0, **changes):
    body = dict(ROLE, Code="Success", ExpiredTime=expires, Expiration="2024-01-28T00:00:00Z")
    if n:
        body["TmpSecretId"] += "-%d" % n
        body["TmpSecretKey"] += "-%d" % n
        body["Token"] += "-%d" % n
    body.update(changes)
    return 200, json.dumps(body)


class Sts:
    """A fake STS AssumeRole: records the base credentials and the parameters of each call."""

    def __init__(self, clock, lifetime=7200, error=None, wrap=False):
        self.clock = clock
        self.lifetime = lifetime
        self.error = error
        self.wrap = wrap
        self.calls = []

    def __call__(self, credentials, call_params):
        self.calls.append((credentials, call_params))
        if self.error is not None:
            raise self.error
        n = len(self.calls)
        answer = {"Credentials": {"TmpSecretId": "AKIDsts%010d" % n, "TmpSecretKey": "sts-%s-key-%d" % (MARK, n),
                                  "Token": "sts-%s-token-%d" % (MARK, n)},
                  "ExpiredTime": int(self.clock() + self.lifetime), "Expiration": "2024-01-28T02:00:00Z", "RequestId": "req-%d" % n}
        return {"Response": answer} if self.wrap else answer


def no_http(url, timeout):
    raise AssertionError("unexpected metadata GET %s" % url)


def no_sts(credentials, call_params):
    raise AssertionError("unexpected STS call")


class Ctx:
    def __init__(self, tmp_path):
        self.home = tmp_path / "home"
        self.home.mkdir()
        self.etc = tmp_path / "etc" / "credentials"

    def resolve(self, opts=None, env=None, **kwargs):
        kwargs.setdefault("http_get", no_http)
        kwargs.setdefault("sts_call", no_sts)
        kwargs.setdefault("clock", Clock())
        return resolve_credentials(params(**(opts or {})), env=env or {}, home=str(self.home), system_file=str(self.etc), **kwargs)

    def error(self, opts=None, env=None, **kwargs):
        with pytest.raises(ConfigError) as info:
            self.resolve(opts, env, **kwargs)
        assert_no_secret(chain_text(info.value))
        return info.value

    def tccli(self, profile="default", data=None, mode=0o600, directory=None):
        path = (directory or self.home / ".tccli") / ("%s.credential" % profile)
        return write(path, json.dumps(TCCLI if data is None else data), mode)

    def configure(self, profile="default", data=None, mode=0o644):
        path = self.home / ".tccli" / ("%s.configure" % profile)
        return write(path, json.dumps({"_sys_param": {"region": "ap-shanghai", "output": "json"}} if data is None else data), mode)

    def ini(self, text=None, path=None, mode=0o600):
        if text is None:
            text = "[default]\nsecret_id = %s\nsecret_key = %s\n" % (INI_ID, INI_KEY)
        return write(path or self.home / ".tencentcloud" / "credentials", text, mode)


def write(path, text, mode):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    os.chmod(str(path), mode)
    return path


@pytest.fixture
def ctx(tmp_path):
    return Ctx(tmp_path)


def pair(credentials):
    return credentials.secret_id, credentials.secret_key, credentials.token


# ---------------------------------------------------------------- 1. module options

def test_options_give_the_key_and_their_own_token(ctx):
    got = ctx.resolve(OPT).get()
    assert pair(got) == (OPT["secret_id"], OPT["secret_key"], OPT["security_token"])
    assert got.source == "option" and got.expires_at is None


def test_options_without_token(ctx):
    got = ctx.resolve({"secret_id": OPT["secret_id"], "secret_key": OPT["secret_key"]}).get()
    assert got.token is None


@pytest.mark.parametrize("given, missing", [("secret_id", "secret_key"), ("secret_key", "secret_id")])
def test_half_an_option_pair_names_the_missing_option(ctx, given, missing):
    err = ctx.error({given: OPT[given]}, env=ENV)
    assert err.option == missing
    assert "%s is set but %s is not" % (given, missing) in str(err)


def test_option_token_alone_is_an_error(ctx):
    err = ctx.error({"security_token": OPT["security_token"]}, env=ENV)
    assert err.option == "security_token"


def test_empty_options_count_as_unset(ctx):
    got = ctx.resolve({"secret_id": "", "secret_key": "", "security_token": ""}, env=ENV).get()
    assert got.source == "env"


@pytest.mark.parametrize("field", ["secret_id", "secret_key", "security_token"])
@pytest.mark.parametrize("pad", [" %s", "%s ", "%s\n", "\t%s"])
def test_whitespace_in_an_option_is_refused(ctx, field, pad):
    opts = dict(OPT)
    opts[field] = pad % opts[field]
    err = ctx.error(opts)
    assert err.option == field
    assert "the %s option" % field in str(err) and "strip it" in str(err)


# ---------------------------------------------------------------- 2. environment

def test_environment_key_without_token(ctx):
    got = ctx.resolve(env=ENV).get()
    assert pair(got) == (ENV["TENCENTCLOUD_SECRET_ID"], ENV["TENCENTCLOUD_SECRET_KEY"], None)
    assert got.source == "env"


@pytest.mark.parametrize("variables, expected", [
    ({"TENCENTCLOUD_SECURITY_TOKEN": ENV_TOKEN}, ENV_TOKEN),
    ({"TENCENTCLOUD_TOKEN": ENV_TOKEN}, ENV_TOKEN),
    ({"TENCENTCLOUD_SECURITY_TOKEN": ENV_TOKEN, "TENCENTCLOUD_TOKEN": "other-%s" % MARK}, ENV_TOKEN),
    ({"TENCENTCLOUD_SECURITY_TOKEN": "", "TENCENTCLOUD_TOKEN": ENV_TOKEN}, ENV_TOKEN),
])
def test_environment_token_variables(ctx, variables, expected):
    assert ctx.resolve(env=dict(ENV, **variables)).get().token == expected


@pytest.mark.parametrize("present, missing", [("TENCENTCLOUD_SECRET_ID", "TENCENTCLOUD_SECRET_KEY"),
                                              ("TENCENTCLOUD_SECRET_KEY", "TENCENTCLOUD_SECRET_ID")])
def test_half_an_environment_pair_names_the_missing_variable(ctx, present, missing):
    ctx.tccli()
    err = ctx.error(env={present: ENV[present]})
    assert "%s is set but %s is not" % (present, missing) in str(err)


@pytest.mark.parametrize("name", ["TENCENTCLOUD_SECRET_ID", "TENCENTCLOUD_SECRET_KEY", "TENCENTCLOUD_SECURITY_TOKEN",
                                  "TENCENTCLOUD_TOKEN"])
@pytest.mark.parametrize("pad", [" %s", "%s\n", "%s\r\n"])
def test_whitespace_in_an_environment_variable_is_refused(ctx, name, pad):
    env = dict(ENV, TENCENTCLOUD_TOKEN=ENV_TOKEN) if name == "TENCENTCLOUD_TOKEN" else dict(ENV, TENCENTCLOUD_SECURITY_TOKEN=ENV_TOKEN)
    env[name] = pad % env[name]
    err = ctx.error(env=env)
    assert "the environment variable %s" % name in str(err) and "strip it" in str(err)


def test_whitespace_only_variable_is_refused_not_ignored(ctx):
    err = ctx.error(env=dict(ENV, TENCENTCLOUD_SECRET_KEY="   "))
    assert "TENCENTCLOUD_SECRET_KEY" in str(err)


# ---------------------------------------------------------------- precedence between sources

def test_options_beat_environment_and_never_take_its_token(ctx):
    env = dict(ENV, TENCENTCLOUD_SECURITY_TOKEN=ENV_TOKEN, TENCENTCLOUD_TOKEN=ENV_TOKEN)
    got = ctx.resolve({"secret_id": OPT["secret_id"], "secret_key": OPT["secret_key"]}, env=env).get()
    assert pair(got) == (OPT["secret_id"], OPT["secret_key"], None)


def test_options_beat_profile_without_reading_it(ctx):
    ctx.tccli(data="not json", mode=0o644)
    assert ctx.resolve(OPT, env={"TCCLI_PROFILE": "default"}).get().source == "option"


def test_options_beat_cvm_role(ctx):
    assert ctx.resolve(dict(OPT, cam_role_name="ops")).get().source == "option"


def test_environment_beats_a_profile_named_in_the_environment_without_reading_it(ctx):
    ctx.tccli(mode=0o666)
    ctx.ini(text="garbage")
    assert ctx.resolve({}, env=dict(ENV, TENCENTCLOUD_PROFILE="default")).get().source == "env"


def test_a_profile_option_beats_keys_in_the_environment(ctx):
    # Before, the environment's keys won and the profile the task named was silently ignored.
    path = ctx.tccli("prod")
    assert ctx.resolve({"profile": "prod"}, env=ENV).get().source == "profile prod (%s)" % path


def test_a_profile_option_that_does_not_exist_fails_though_the_environment_has_keys(ctx):
    with pytest.raises(ConfigError) as caught:
        ctx.resolve({"profile": "doesnotexist"}, env=ENV)
    assert "doesnotexist" in str(caught.value)


def test_a_cvm_role_option_beats_keys_and_a_profile_in_the_environment(ctx):
    ctx.tccli("prod")
    http = Metadata(role_answer(NOW + 7200))
    got = ctx.resolve({"cam_role_name": "ops"}, env=dict(ENV, TENCENTCLOUD_PROFILE="prod"), http_get=http).get()
    assert got.source == "cvm role ops"


def test_environment_beats_cvm_role(ctx):
    assert ctx.resolve(env=dict(ENV, TENCENTCLOUD_CAM_ROLE_NAME="ops")).get().source == "env"


def test_named_profile_beats_cvm_role(ctx):
    path = ctx.tccli("prod")
    got = ctx.resolve({"profile": "prod", "cam_role_name": "ops"}).get()
    assert got.source == "profile prod (%s)" % path


def test_implicit_default_profile_does_not_override_an_asked_for_cvm_role(ctx):
    ctx.tccli(data="broken", mode=0o644)
    http = Metadata(role_answer(NOW + 7200))
    assert ctx.resolve({"cam_role_name": "ops"}, http_get=http).get().source == "cvm role ops"


def test_tccli_profile_beats_sdk_ini(ctx):
    ctx.tccli()
    ctx.ini()
    assert ctx.resolve().get().secret_id == TCCLI["secretId"]


def test_home_ini_hides_system_ini(ctx):
    ctx.ini(text="[prod]\nsecret_id = %s\nsecret_key = %s\n" % (INI_ID, INI_KEY))
    ctx.ini(path=ctx.etc)
    err = ctx.error()
    assert "has no [default] section" in str(err) and str(ctx.etc) not in str(err)


def test_system_ini_when_home_has_none(ctx):
    ctx.ini(path=ctx.etc)
    got = ctx.resolve().get()
    assert pair(got) == (INI_ID, INI_KEY, None) and got.source == "profile default (%s)" % ctx.etc


def test_environment_token_never_pairs_with_profile_keys(ctx):
    ctx.ini()
    assert ctx.resolve(env={"TENCENTCLOUD_TOKEN": ENV_TOKEN, "TENCENTCLOUD_SECURITY_TOKEN": ENV_TOKEN}).get().token is None
    ctx.tccli()
    assert ctx.resolve(env={"TENCENTCLOUD_TOKEN": ENV_TOKEN}).get().token == TCCLI["token"]


def test_environment_token_alone_with_cvm_role_is_not_used(ctx):
    http = Metadata(role_answer(NOW + 7200))
    got = ctx.resolve(env={"TENCENTCLOUD_TOKEN": ENV_TOKEN, "TENCENTCLOUD_CAM_ROLE_NAME": "ops"}, http_get=http).get()
    assert got.token == ROLE["Token"]


# ---------------------------------------------------------------- 3. profiles

def test_tccli_default_profile(ctx):
    path = ctx.tccli()
    source = ctx.resolve()
    got = source.get()
    assert pair(got) == (TCCLI["secretId"], TCCLI["secretKey"], TCCLI["token"])
    assert got.source == "profile default (%s)" % path and got.expires_at is None
    assert source.region is None


def test_tccli_without_token(ctx):
    ctx.tccli(data={"secretId": TCCLI["secretId"], "secretKey": TCCLI["secretKey"], "type": "default"})
    assert ctx.resolve().get().token is None


@pytest.mark.parametrize("opts, env, expected", [
    ({"profile": "a"}, {"TENCENTCLOUD_PROFILE": "b", "TCCLI_PROFILE": "c"}, "a"),
    ({}, {"TENCENTCLOUD_PROFILE": "b", "TCCLI_PROFILE": "c"}, "b"),
    ({}, {"TCCLI_PROFILE": "c"}, "c"),
    ({}, {}, "default"),
    ({"profile": ""}, {"TENCENTCLOUD_PROFILE": ""}, "default"),
])
def test_profile_name_precedence(ctx, opts, env, expected):
    for name in ("a", "b", "c", "default"):
        ctx.tccli(name, dict(TCCLI, secretId="AKID%s" % name))
    assert ctx.resolve(opts, env=env).get().secret_id == "AKID%s" % expected


def test_shared_credentials_dir(ctx, tmp_path):
    shared = tmp_path / "shared"
    path = ctx.tccli(directory=shared)
    got = ctx.resolve(env={"TENCENTCLOUD_SHARED_CREDENTIALS_DIR": str(shared)}).get()
    assert got.source == "profile default (%s)" % path


def test_shared_credentials_dir_with_tilde_uses_the_given_home(ctx):
    ctx.tccli(directory=ctx.home / "creds")
    assert ctx.resolve(env={"TENCENTCLOUD_SHARED_CREDENTIALS_DIR": "~/creds"}).get().secret_id == TCCLI["secretId"]


@pytest.mark.parametrize("data, region", [
    ({"_sys_param": {"region": "ap-shanghai", "output": "json"}, "ccc": {"endpoint": "ccc.tencentcloudapi.com"}}, "ap-shanghai"),
    ({"region": "ap-beijing", "output": "json"}, "ap-beijing"),
    ({"_sys_param": {"output": "json"}}, None),
])
def test_region_from_tccli_configure(ctx, data, region):
    ctx.tccli("prod")
    ctx.configure("prod", data)
    assert ctx.resolve({"profile": "prod"}).region == region


def test_no_region_without_configure_or_from_other_sources(ctx):
    ctx.tccli()
    assert ctx.resolve().region is None
    ctx.configure()
    assert ctx.resolve(OPT).region is None
    assert ctx.resolve().region == "ap-shanghai"


def test_the_region_option_wins_over_the_profile_region(ctx):
    ctx.tccli()
    ctx.configure()
    assert ctx.resolve({"region": "ap-nanjing"}).region == "ap-nanjing"
    assert ctx.resolve(dict(OPT, region="ap-nanjing")).region == "ap-nanjing"


def test_malformed_configure_is_named(ctx):
    ctx.tccli()
    path = ctx.configure(data=[])
    assert str(path) in str(ctx.error())
    write(path, "{", 0o644)
    assert "%s is not valid JSON" % path in str(ctx.error())


def test_ini_section_named_after_profile(ctx):
    ctx.ini(text="[default]\nsecret_id = AKIDother\nsecret_key = other-%s\n[prod]\nsecret_id=%s\nsecret_key=%s\n"
            % (MARK, INI_ID, INI_KEY))
    assert pair(ctx.resolve(env={"TENCENTCLOUD_PROFILE": "prod"}).get()) == (INI_ID, INI_KEY, None)


def test_ini_keys_with_percent_signs_are_read_verbatim(ctx):
    ctx.ini(text="[default]\nsecret_id = %s\nsecret_key = a%%b%%(c)s-%s\n" % (INI_ID, MARK))
    assert ctx.resolve().get().secret_key == "a%%b%%(c)s-%s" % MARK


def test_named_profile_that_does_not_exist(ctx):
    ini = ctx.ini()
    err = ctx.error({"profile": "prod"})
    assert err.option == "profile"
    text = str(err)
    assert "profile 'prod'" in text and "prod.credential (absent)" in text
    assert "%s (has no [prod] section)" % ini in text


def test_named_profile_from_environment_that_does_not_exist(ctx):
    err = ctx.error(env={"TCCLI_PROFILE": "prod"})
    assert "TCCLI_PROFILE" in str(err) and str(ctx.etc) in str(err) and err.option is None


def test_profile_name_must_not_be_a_path(ctx):
    ctx.tccli()
    for name in ("../default", "a/b", ".."):
        assert "must not be a path" in str(ctx.error({"profile": name}))


@pytest.fixture
def open_home(tmp_path):
    """A home directory every user can traverse, as most are (pytest's own temp root is 0700)."""
    base = tempfile.mkdtemp(prefix="tccc-open-home-", dir="/tmp")
    if not os.stat("/tmp").st_mode & stat.S_IXOTH:
        pytest.skip("/tmp is closed to other users here")
    os.chmod(base, 0o755)
    ctx = Ctx(tmp_path)
    ctx.home = pathlib.Path(base) / "home"
    ctx.home.mkdir(mode=0o755)
    os.chmod(str(ctx.home), 0o755)
    yield ctx
    shutil.rmtree(base)


def test_tccli_layout_of_a_private_directory_and_a_0644_file_is_accepted_quietly(open_home):
    # tccli writes ~/.tccli/<profile>.credential with the umask (0644) in a directory it forces to 0700.
    path = open_home.tccli(mode=0o644)
    os.chmod(str(path.parent), 0o700)
    source = open_home.resolve()
    assert pair(source.get())[:2] == (TCCLI["secretId"], TCCLI["secretKey"])
    assert source.warnings == []


@pytest.mark.parametrize("which", ["tccli", "ini"])
@pytest.mark.parametrize("mode", [0o644, 0o604, 0o666])
def test_a_key_file_every_user_can_read_is_used_with_one_warning(open_home, which, mode):
    path = open_home.tccli(mode=mode) if which == "tccli" else open_home.ini(mode=mode)
    os.chmod(str(path.parent), 0o755)
    source = open_home.resolve()
    assert source.get().secret_id == (TCCLI["secretId"] if which == "tccli" else INI_ID)
    (warning,) = source.warnings
    assert str(path) in warning and "chmod 600 %s" % path in warning and "every user" in warning
    assert_no_secret(warning)


@pytest.mark.parametrize("mode", [0o640, 0o660, 0o620])
def test_a_group_shared_key_file_is_used_quietly(open_home, mode):
    # A shared /etc/tencentcloud/credentials, 0640 root:ansible: refusing it (and the old advice,
    # chmod 600) locked out every member of the group.
    path = open_home.ini(path=open_home.home / "etc" / "credentials", mode=mode)
    os.chmod(str(path.parent), 0o755)
    if os.geteuid() == 0:
        os.chown(str(path), 0, 65534)
    open_home.etc = path
    source = open_home.resolve()
    assert source.get().secret_id == INI_ID and source.warnings == []


def test_a_file_inside_a_closed_directory_is_private(ctx):
    # pytest's temp root is closed to others: whatever the file's mode, nobody else reaches it.
    ctx.ini(mode=0o644)
    source = ctx.resolve()
    assert source.get().secret_id == INI_ID and source.warnings == []


@pytest.mark.parametrize("mode", [0o600, 0o400])
def test_private_key_files_are_accepted(ctx, mode):
    ctx.ini(mode=mode)
    assert ctx.resolve().get().secret_id == INI_ID


def test_unreadable_file(ctx):
    (ctx.home / ".tccli" / "default.credential").mkdir(parents=True)
    err = ctx.error()
    assert "cannot read %s" % (ctx.home / ".tccli" / "default.credential") in str(err)


@pytest.mark.parametrize("text, expected", [
    ('{"secretId": "AKIDtccli0000000003", "secretKey": "tccli-%s-key",' % MARK, "is not valid JSON (line 1"),
    ('["AKIDtccli0000000003", "tccli-%s-key"]' % MARK, "is not a JSON object"),
    (b'{"secretId": "\xff\xfe %s"}' % MARK.encode(), "is not UTF-8 text"),
    (json.dumps({"secretKey": TCCLI["secretKey"]}), "has no secretId"),
    (json.dumps({"secretId": TCCLI["secretId"], "secretKey": ""}), "has no secretKey"),
    (json.dumps({"secretId": TCCLI["secretId"], "secretKey": 12345}), "must be a string"),
])
def test_malformed_tccli_file(ctx, text, expected):
    path = write(ctx.home / ".tccli" / "default.credential", text, 0o600)
    err = ctx.error()
    assert str(path) in str(err) and expected in str(err)


@pytest.mark.parametrize("text, expected", [
    ("secret_id = AKIDini000000000004\nsecret_key = %s-line-one\n" % MARK, "is not a valid INI file (line 1)"),
    ("[default]\nsecret_id = x\n%s-no-equals-sign\n" % MARK, "is not a valid INI file (line 3)"),
    ("[default]\nsecret_key = %s\n" % INI_KEY, "section [default] of"),
    ("[default]\nsecret_id = %s\nsecret_key = \"%s\"\n" % (INI_ID, INI_KEY), "write it without them"),
])
def test_malformed_ini_file_never_quotes_its_lines(ctx, text, expected):
    path = ctx.ini(text=text)
    err = ctx.error()
    assert str(path) in str(err) and expected in str(err)


def test_tccli_cvm_role_profile_points_to_cam_role_name(ctx):
    ctx.tccli(data={"type": "cvm-role"})
    assert "set cam_role_name" in str(ctx.error())


def test_tccli_sso_keys_carry_their_expiry(ctx):
    ctx.tccli(data=dict(TCCLI, type="sso", expiresAt=int(NOW) + 3600))
    source = ctx.resolve()
    assert source.get().expires_at == NOW + 3600


def test_expired_tccli_keys_are_refused(ctx):
    path = ctx.tccli(data=dict(TCCLI, type="oauth", expiresAt=int(NOW) - 1))
    assert "from %s expired" % path in str(ctx.error())


@pytest.mark.parametrize("field", ["secretId", "secretKey", "token"])
def test_whitespace_in_a_tccli_file_is_refused(ctx, field):
    data = dict(TCCLI)
    data[field] = data[field] + "\n"
    path = ctx.tccli(data=data)
    assert "%s in %s has leading or trailing whitespace" % (field, path) in str(ctx.error())


def test_no_credentials_anywhere(ctx):
    err = ctx.error(env={"TENCENTCLOUD_TOKEN": ENV_TOKEN})
    text = str(err)
    for name in ("secret_id", "secret_key", "TENCENTCLOUD_SECRET_ID", "TENCENTCLOUD_SECRET_KEY", "cam_role_name",
                 "TENCENTCLOUD_CAM_ROLE_NAME", str(ctx.home / ".tccli" / "default.credential"),
                 str(ctx.home / ".tencentcloud" / "credentials"), str(ctx.etc)):
        assert name in text
    assert "TENCENTCLOUD_TOKEN is set, but an environment token is only used with" in text


# ---------------------------------------------------------------- 4. CVM role

def test_cvm_role_from_option(ctx):
    http = Metadata(role_answer(NOW + 7200))
    got = ctx.resolve({"cam_role_name": "ops role"}, http_get=http).get()
    assert pair(got) == (ROLE["TmpSecretId"], ROLE["TmpSecretKey"], ROLE["Token"])
    assert got.expires_at == NOW + 7200 and got.source == "cvm role ops role"
    assert http.calls == [("http://metadata.tencentyun.com/latest/meta-data/cam/security-credentials/ops%20role", 2)]


def test_cvm_role_from_environment_and_custom_endpoint(ctx):
    http = Metadata(role_answer(NOW + 7200))
    env = {"TENCENTCLOUD_CAM_ROLE_NAME": "ops", "TENCENTCLOUD_METADATA_ENDPOINT": "http://127.0.0.1:8099/"}
    assert ctx.resolve(env=env, http_get=http).get().source == "cvm role ops"
    assert http.calls[0][0] == "http://127.0.0.1:8099/latest/meta-data/cam/security-credentials/ops"


def test_cvm_role_not_attached(ctx):
    err = ctx.error({"cam_role_name": "ops"}, http_get=Metadata((404, "<html>Not Found</html>")))
    assert "not attached to this CVM instance" in str(err) and err.option == "cam_role_name"
    err = ctx.error(env={"TENCENTCLOUD_CAM_ROLE_NAME": "ops"}, http_get=Metadata((404, "")))
    assert "from the environment variable TENCENTCLOUD_CAM_ROLE_NAME" in str(err) and err.option is None


@pytest.mark.parametrize("failure", [requests.exceptions.ConnectTimeout("timed out"), requests.exceptions.ConnectionError("refused"),
                                     socket.timeout("timed out"), OSError(113, "No route to host")])
def test_cvm_role_off_instance(ctx, failure):
    err = ctx.error({"cam_role_name": "ops"}, http_get=Metadata(failure))
    assert str(err).startswith("cam_role_name is set but the instance metadata service at http://metadata.tencentyun.com did not answer")
    assert "this only works on a CVM instance with that role attached" in str(err)


@pytest.mark.parametrize("answer, expected", [
    ((500, "oops"), "answered HTTP 500"),
    ((200, "<html>%s</html>" % MARK), "not a JSON object"),
    (role_answer(NOW + 7200, Code="Failed"), "answered Code 'Failed'"),
    (role_answer(NOW + 7200, Token=""), "has no Token"),
    (role_answer(NOW + 7200, ExpiredTime="soon"), "no numeric expiry time"),
    (role_answer(NOW - 5), "expired at"),
    (role_answer(NOW + 7200, TmpSecretKey=" %s" % ROLE["TmpSecretKey"]), "TmpSecretKey in the answer of the metadata service"),
])
def test_cvm_role_bad_answers_never_echo_the_body(ctx, answer, expected):
    assert expected in str(ctx.error({"cam_role_name": "ops"}, http_get=Metadata(answer)))


def test_cvm_role_name_with_whitespace(ctx):
    err = ctx.error(env={"TENCENTCLOUD_CAM_ROLE_NAME": "ops "})
    assert "TENCENTCLOUD_CAM_ROLE_NAME" in str(err)


# ---------------------------------------------------------------- 5. AssumeRole

def _expect_assumed(ctx, opts, env, base_pair, base_source, **kwargs):
    clock = Clock()
    sts = Sts(clock)
    got = ctx.resolve(opts, env, sts_call=sts, clock=clock, **kwargs).get()
    assert len(sts.calls) == 1
    base, call_params = sts.calls[0]
    assert pair(base) == base_pair and base.source.startswith(base_source)
    assert call_params == {"RoleArn": ARN, "RoleSessionName": "ansible-tccc", "DurationSeconds": 7200}
    assert pair(got) == ("AKIDsts0000000001", "sts-%s-key-1" % MARK, "sts-%s-token-1" % MARK)
    assert got.expires_at == NOW + 7200 and got.source == "assume role %s via %s" % (ARN, base.source)


def test_assume_role_with_option_keys(ctx):
    base_pair = (OPT["secret_id"], OPT["secret_key"], OPT["security_token"])
    _expect_assumed(ctx, dict(OPT, assume_role_arn=ARN), {}, base_pair, "option")


def test_assume_role_with_environment_keys(ctx):
    env = dict(ENV, TENCENTCLOUD_ASSUME_ROLE_ARN=ARN)
    _expect_assumed(ctx, {}, env, (ENV["TENCENTCLOUD_SECRET_ID"], ENV["TENCENTCLOUD_SECRET_KEY"], None), "env")


def test_assume_role_with_tccli_profile(ctx):
    ctx.tccli()
    _expect_assumed(ctx, {}, {"TENCENTCLOUD_ROLE_ARN": ARN}, (TCCLI["secretId"], TCCLI["secretKey"], TCCLI["token"]),
                    "profile default")


def test_assume_role_with_ini_profile(ctx):
    ctx.ini()
    _expect_assumed(ctx, {"assume_role_arn": ARN}, {}, (INI_ID, INI_KEY, None), "profile default")


def test_assume_role_with_cvm_role(ctx):
    http = Metadata(role_answer(NOW + 7200))
    _expect_assumed(ctx, {"assume_role_arn": ARN, "cam_role_name": "ops"}, {},
                    (ROLE["TmpSecretId"], ROLE["TmpSecretKey"], ROLE["Token"]), "cvm role ops", http_get=http)


def test_assume_role_answer_may_be_the_whole_response(ctx):
    clock = Clock()
    got = ctx.resolve(dict(OPT, assume_role_arn=ARN), sts_call=Sts(clock, wrap=True), clock=clock).get()
    assert got.secret_id == "AKIDsts0000000001"


@pytest.mark.parametrize("opts, env, expected", [
    ({"assume_role_arn": ARN}, {"TENCENTCLOUD_ASSUME_ROLE_ARN": "qcs::cam::uin/1:roleName/env"}, (ARN, "ansible-tccc", 7200)),
    ({}, {"TENCENTCLOUD_ASSUME_ROLE_ARN": ARN, "TENCENTCLOUD_ROLE_ARN": "qcs::cam::uin/1:roleName/tccli"}, (ARN, "ansible-tccc", 7200)),
    ({"assume_role_arn": ARN, "assume_role_session_name": "opt-session", "assume_role_duration": 900},
     {"TENCENTCLOUD_ASSUME_ROLE_SESSION_NAME": "env-session", "TENCENTCLOUD_ASSUME_ROLE_SESSION_DURATION": "1800"},
     (ARN, "opt-session", 900)),
    ({"assume_role_arn": ARN}, {"TENCENTCLOUD_ASSUME_ROLE_SESSION_NAME": "env-session", "TENCENTCLOUD_ROLE_SESSION_NAME": "x1",
                                "TENCENTCLOUD_ASSUME_ROLE_SESSION_DURATION": "1800"}, (ARN, "env-session", 1800)),
    ({"assume_role_arn": ARN}, {"TENCENTCLOUD_ROLE_SESSION_NAME": "tccli-session"}, (ARN, "tccli-session", 7200)),
    ({"assume_role_arn": ARN, "assume_role_duration": 43200}, {}, (ARN, "ansible-tccc", 43200)),
])
def test_assume_role_settings_precedence(ctx, opts, env, expected):
    clock = Clock()
    sts = Sts(clock)
    ctx.resolve(dict(OPT, **opts), env, sts_call=sts, clock=clock)
    call_params = sts.calls[0][1]
    assert (call_params["RoleArn"], call_params["RoleSessionName"], call_params["DurationSeconds"]) == expected


def test_tccli_profile_role_needs_arn_and_session_name_like_tccli(ctx):
    clock = Clock()
    ctx.tccli(data=dict(TCCLI, **{"role-arn": ARN, "role-session-name": "from-profile"}))
    sts = Sts(clock)
    ctx.resolve(sts_call=sts, clock=clock)
    assert sts.calls[0][1]["RoleSessionName"] == "from-profile"
    ctx.tccli(data=dict(TCCLI, **{"role-arn": ARN}))
    assert ctx.resolve().get().source.startswith("profile default")


@pytest.mark.parametrize("opts, env, origin", [
    ({"assume_role_duration": 0}, {}, "the assume_role_duration option"),
    ({"assume_role_duration": 43201}, {}, "the assume_role_duration option"),
    ({}, {"TENCENTCLOUD_ASSUME_ROLE_SESSION_DURATION": "2h"}, "the environment variable TENCENTCLOUD_ASSUME_ROLE_SESSION_DURATION"),
    ({"assume_role_session_name": "has space"}, {}, "the assume_role_session_name option"),
    ({"assume_role_session_name": "x"}, {}, "the assume_role_session_name option"),
    ({}, {"TENCENTCLOUD_ROLE_SESSION_NAME": "a" * 129}, "the environment variable TENCENTCLOUD_ROLE_SESSION_NAME"),
    ({"assume_role_arn": ARN + " "}, {}, "the assume_role_arn option"),
])
def test_bad_assume_role_settings(ctx, opts, env, origin):
    assert origin in str(ctx.error(dict(OPT, **dict({"assume_role_arn": ARN}, **opts)), env))


def test_assume_role_without_base_credentials(ctx):
    err = ctx.error({"assume_role_arn": ARN})
    assert err.option == "assume_role_arn" and "no credentials were found to call AssumeRole with" in str(err)


def test_assume_role_failure_names_the_role_and_the_reason(ctx):
    sts = Sts(Clock(), error=ApiError("AuthFailure.UnauthorizedOperation", "not allowed", request_id="req-9", action="AssumeRole"))
    err = ctx.error(dict(OPT, assume_role_arn=ARN), sts_call=sts)
    text = str(err)
    assert text.startswith("AssumeRole of %s (session ansible-tccc) with the credentials from option failed" % ARN)
    assert "AuthFailure.UnauthorizedOperation: not allowed (request id req-9)" in text and "sts:AssumeRole" in text
    assert err.option == "assume_role_arn"


def test_assume_role_answer_without_credentials(ctx):
    err = ctx.error(dict(OPT, assume_role_arn=ARN), sts_call=lambda credentials, call_params: {"RequestId": "r"})
    assert "has no Credentials" in str(err)


def test_assume_role_needs_an_sts_call(ctx):
    with pytest.raises(ValueError):
        resolve_credentials(params(assume_role_arn=ARN, **OPT), env={}, home=str(ctx.home))


def test_assume_role_keeps_the_profile_region(ctx):
    ctx.tccli()
    ctx.configure()
    clock = Clock()
    assert ctx.resolve({"assume_role_arn": ARN}, sts_call=Sts(clock), clock=clock).region == "ap-shanghai"


# ---------------------------------------------------------------- refresh

def test_cvm_role_refresh_only_within_five_minutes_of_expiry(ctx):
    clock = Clock()
    http = Metadata(role_answer(NOW + 7200), role_answer(NOW + 14400, n=1))
    source = ctx.resolve({"cam_role_name": "ops"}, http_get=http, clock=clock)
    first = source.get()
    clock.now = NOW + 7200 - 301
    assert source.get() is first and len(http.calls) == 1
    clock.now = NOW + 7200 - 300
    second = source.get()
    assert second.secret_id == ROLE["TmpSecretId"] + "-1" and second.expires_at == NOW + 14400
    assert len(http.calls) == 2
    assert source.get() is second and len(http.calls) == 2


def test_short_lived_keys_refresh_at_half_their_life(ctx):
    clock = Clock()
    http = Metadata(role_answer(NOW + 120), role_answer(NOW + 240, n=1))
    source = ctx.resolve({"cam_role_name": "ops"}, http_get=http, clock=clock)
    clock.now = NOW + 59
    source.get()
    assert len(http.calls) == 1
    clock.now = NOW + 60
    assert source.get().expires_at == NOW + 240


def test_static_keys_never_refresh(ctx):
    clock = Clock()
    ctx.tccli(data=dict(TCCLI, type="sso", expiresAt=int(NOW) + 600))
    source = ctx.resolve(clock=clock)
    first = source.get()
    clock.now = NOW + 10 ** 6
    assert source.get() is first


def test_refresh_failure_raises_at_get(ctx):
    clock = Clock()
    http = Metadata(role_answer(NOW + 7200), requests.exceptions.ConnectTimeout("timed out"))
    source = ctx.resolve({"cam_role_name": "ops"}, http_get=http, clock=clock)
    clock.now = NOW + 7000
    with pytest.raises(ConfigError) as info:
        source.get()
    assert "did not answer" in str(info.value)
    assert_no_secret(chain_text(info.value))


def test_assume_role_refresh_renews_its_cvm_base_first(ctx):
    clock = Clock()
    http = Metadata(role_answer(NOW + 3600), role_answer(NOW + 7200, n=1))
    sts = Sts(clock, lifetime=7200)
    source = ctx.resolve({"cam_role_name": "ops", "assume_role_arn": ARN}, http_get=http, sts_call=sts, clock=clock)
    clock.now = NOW + 3600
    assert source.get() is not None and len(sts.calls) == 1
    clock.now = NOW + 7200 - 300
    got = source.get()
    assert len(sts.calls) == 2 and len(http.calls) == 2
    assert sts.calls[1][0].secret_id == ROLE["TmpSecretId"] + "-1"
    assert got.secret_id == "AKIDsts0000000002"


def test_assume_role_far_from_expiry_is_not_refreshed(ctx):
    clock = Clock()
    sts = Sts(clock)
    source = ctx.resolve(dict(OPT, assume_role_arn=ARN), sts_call=sts, clock=clock)
    for step in range(0, 6900, 300):
        clock.now = NOW + step
        source.get()
    assert len(sts.calls) == 1


def test_concurrent_gets_trigger_one_refresh():
    clock = Clock()
    entered, release = threading.Event(), threading.Event()
    calls = []

    def refresh():
        calls.append(1)
        entered.set()
        release.wait(30)
        return Credentials("AKIDnew", "new-%s" % MARK, "tok-%s" % MARK, NOW + 7200, "test")

    source = CredentialSource(Credentials("AKIDold", "old-%s" % MARK, "tok-%s" % MARK, NOW + 600, "test"), refresh=refresh,
                              clock=clock)
    clock.now = NOW + 400
    results, started = [], threading.Barrier(9)

    def reader():
        started.wait(30)
        results.append(source.get().secret_id)

    threads = [threading.Thread(target=reader) for dummy in range(8)]
    for thread in threads:
        thread.start()
    started.wait(30)
    assert entered.wait(30)
    release.set()
    for thread in threads:
        thread.join(30)
    assert len(calls) == 1
    assert results == ["AKIDnew"] * 8


def test_concurrent_first_use_of_cvm_role_through_resolve(ctx):
    clock = Clock()
    gate = threading.Event()
    answers = [role_answer(NOW + 600), role_answer(NOW + 7200, n=1)]
    calls = []

    def http_get(url, timeout):
        calls.append(url)
        if len(calls) == 2:
            gate.wait(30)
        return answers[len(calls) - 1]

    source = ctx.resolve({"cam_role_name": "ops"}, http_get=http_get, clock=clock)
    clock.now = NOW + 400
    results = []
    threads = [threading.Thread(target=lambda: results.append(source.get().secret_id)) for dummy in range(6)]
    for thread in threads:
        thread.start()
    gate.set()
    for thread in threads:
        thread.join(30)
    assert len(calls) == 2 and results == [ROLE["TmpSecretId"] + "-1"] * 6


# ---------------------------------------------------------------- secrecy and shape

def test_credentials_repr_hides_key_and_token():
    cred = Credentials("AKIDabcdefgh1234", "key-%s" % MARK, "token-%s" % MARK, NOW, "option")
    for text in (repr(cred), str(cred), "%s" % (cred,), repr([cred])):
        assert MARK not in text and "AKIDabcdefgh1234" not in text
    assert "****1234" in repr(cred) and "option" in repr(cred)


def test_credentials_are_immutable_and_comparable():
    cred = Credentials("AKID1", "k", None, None, "env")
    with pytest.raises(AttributeError):
        cred.secret_key = "other"
    with pytest.raises(AttributeError):
        del cred.token
    assert cred == Credentials("AKID1", "k", None, None, "env") and cred != Credentials("AKID1", "k2", None, None, "env")
    assert len({cred, Credentials("AKID1", "k", None, None, "env")}) == 1


def test_source_repr_hides_secrets(ctx):
    source = ctx.resolve(OPT)
    assert MARK not in repr(source)


def test_defaults_match_the_documented_table():
    assert credential_types.REFRESH_MARGIN == 300 and credential_metadata.METADATA_TIMEOUT == 2
    assert creds_mod.DEFAULT_SESSION_NAME == "ansible-tccc" and creds_mod.DEFAULT_DURATION == 7200
    for name in ("TENCENTCLOUD_SECURITY_TOKEN", "TENCENTCLOUD_TOKEN", "TENCENTCLOUD_PROFILE", "TCCLI_PROFILE",
                 "TENCENTCLOUD_SHARED_CREDENTIALS_DIR", "TENCENTCLOUD_CAM_ROLE_NAME", "TENCENTCLOUD_ASSUME_ROLE_ARN",
                 "TENCENTCLOUD_ROLE_ARN", "TENCENTCLOUD_ASSUME_ROLE_SESSION_NAME", "TENCENTCLOUD_ROLE_SESSION_NAME",
                 "TENCENTCLOUD_ASSUME_ROLE_SESSION_DURATION", "TENCENTCLOUD_METADATA_ENDPOINT", "/etc/tencentcloud/credentials"):
        assert name in ModuleDocFragment.DOCUMENTATION


# ---------------------------------------------------------------- the real metadata GET, against a local server

def _metadata(request):
    body = json.dumps(dict(ROLE, Code="Success", ExpiredTime=int(NOW) + 7200)).encode()
    reply(request, 200 if request.path.endswith("/ops") else 404, body)


@pytest.fixture
def metadata_server(local_server):
    return local_server(_metadata).endpoint


def test_metadata_get_ignores_proxy_settings(metadata_server, monkeypatch):
    # A proxy that does not exist: a GET that honoured it would fail.
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")
    monkeypatch.setenv("http_proxy", "http://127.0.0.1:9")
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    status, text = metadata_get(metadata_server + "/latest/meta-data/cam/security-credentials/ops", 2)
    assert status == 200 and json.loads(text)["Code"] == "Success"


def test_metadata_get_failure_is_an_ioerror():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(IOError):
        metadata_get("http://127.0.0.1:%d/latest/meta-data/" % port, 2)


def test_resolve_uses_the_real_metadata_get_by_default(ctx, metadata_server):
    env = {"TENCENTCLOUD_METADATA_ENDPOINT": metadata_server}
    got = ctx.resolve({"cam_role_name": "ops"}, env=env, http_get=None).get()
    assert got.token == ROLE["Token"]
    assert "not attached" in str(ctx.error({"cam_role_name": "nope"}, env=env, http_get=None))
