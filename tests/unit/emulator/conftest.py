"""Fixtures for the emulator's tests: start `python tests/emulator` as a subprocess on a free port, and send
it requests either through the official SDK or raw (signed here, then tampered with on purpose)."""

import http.client
import json
import os
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

EMULATOR_DIR = Path(__file__).resolve().parents[2] / 'emulator'
DATA_DIR = Path(__file__).resolve().parent / 'data'
WORLD_FILE = DATA_DIR / 'world.yml'
STARTUP_GUARD_SECONDS = 60  # only bounds a hang; the emulator normally starts in well under a second

sys.path.insert(0, str(EMULATOR_DIR))

from tccc_emulator import signature  # noqa: E402 pylint: disable=wrong-import-position,import-error


def load_world():
    import yaml  # pylint: disable=import-outside-toplevel
    with open(WORLD_FILE, 'rb') as handle:
        return yaml.safe_load(handle)


def utc_date(timestamp):
    return time.strftime('%Y-%m-%d', time.gmtime(timestamp))


def sign_headers(host, action, body, key, version='2020-02-10', service='ccc', timestamp=None, date=None,
                 content_type='application/json', signed_headers=('content-type', 'host'), unsigned_payload=False):
    """Headers of a correctly signed request (by the emulator's own signature functions, which the vector
    tests check against the official examples); callers then break one thing at a time."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    date = utc_date(timestamp) if date is None else date
    headers = {
        'Host': host,
        'Content-Type': content_type,
        'X-TC-Action': action,
        'X-TC-Version': version,
        'X-TC-Timestamp': str(timestamp),
    }
    if unsigned_payload:
        headers['X-TC-Content-SHA256'] = 'UNSIGNED-PAYLOAD'
    lower = dict((name.lower(), value) for name, value in headers.items())
    canonical = signature.canonical_request('POST', '/', '', signature.canonical_headers(lower.get, list(signed_headers)),
                                            list(signed_headers), signature.payload_hash(body, lower.get('x-tc-content-sha256')))
    sig = signature.compute_signature(key['secret_key'], date, service, signature.string_to_sign(timestamp, date, service, canonical))
    headers['Authorization'] = 'TC3-HMAC-SHA256 Credential=%s/%s/%s/tc3_request, SignedHeaders=%s, Signature=%s' % (
        key['secret_id'], date, service, ';'.join(signed_headers), sig)
    if key.get('token'):
        headers['X-TC-Token'] = key['token']
    return headers


class Reply:
    """One raw HTTP answer: status, headers, body bytes, and the parsed Response when the body is JSON."""

    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body

    @property
    def response(self):
        return json.loads(self.body.decode('utf-8'))['Response']

    @property
    def code(self):
        return self.response.get('Error', {}).get('Code', 'OK')


class Running:
    """A started emulator process."""

    def __init__(self, args, workdir):
        self.stderr_path = Path(workdir) / ('emulator-%d.stderr' % id(self))
        self._stderr = open(self.stderr_path, 'wb')  # pylint: disable=consider-using-with
        env = dict(os.environ)
        for name in ('http_proxy', 'https_proxy', 'HTTP_PROXY', 'HTTPS_PROXY'):
            env.pop(name, None)
        # ansible-test units runs every test in a fork that exits without tearing down module fixtures: the
        # emulator stops when this pipe closes, which happens whenever the process that started it ends.
        self.process = subprocess.Popen(  # pylint: disable=consider-using-with
            [sys.executable, str(EMULATOR_DIR), '--port', '0', '--exit-on-stdin-close'] + list(args),
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._stderr, env=env)
        self.first_line = self._read_first_line()
        self.port = int(self.first_line.rsplit(':', 1)[1])
        self.host = '127.0.0.1:%d' % self.port

    def _read_first_line(self):
        ready, _w, _x = select.select([self.process.stdout], [], [], STARTUP_GUARD_SECONDS)
        line = self.process.stdout.readline().decode('utf-8') if ready else ''
        if not line.startswith('tccc-emulator listening on http://127.0.0.1:'):
            self.process.kill()
            self.process.wait()
            raise AssertionError('emulator did not start: %r\n%s' % (line, self.stderr_text()))
        return line

    def stderr_text(self):
        if not self._stderr.closed:
            self._stderr.flush()
        return self.stderr_path.read_text(encoding='utf-8', errors='replace')

    def stop(self, signum=signal.SIGTERM):
        if self.process.poll() is None:
            self.process.send_signal(signum)
            self.process.wait(timeout=STARTUP_GUARD_SECONDS)
        self._stderr.close()
        self.process.stdout.close()
        self.process.stdin.close()
        return self.process.returncode

    def http(self, method, path, body=b'', headers=None):
        conn = http.client.HTTPConnection('127.0.0.1', self.port, timeout=STARTUP_GUARD_SECONDS)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            resp = conn.getresponse()
            return Reply(resp.status, dict(resp.getheaders()), resp.read())
        finally:
            conn.close()

    def sign(self, action, body, key, host=None, **sign_args):
        """Headers of a correctly signed POST / carrying `body`; `host` is what the signature covers."""
        return sign_headers(host or self.host, action, body, key, **sign_args)

    def call(self, action, params=None, key=None, body=None, headers=None, **sign_args):
        """POST / signed with `key` (a world.yml account entry); `headers` overrides after signing."""
        body = json.dumps(params or {}).encode('utf-8') if body is None else body
        signed = sign_headers(self.host, action, body, key, **sign_args)
        signed.update(headers or {})
        return self.http('POST', '/', body, dict((k, v) for k, v in signed.items() if v is not None))

    def stats(self):
        return json.loads(self.http('GET', '/_emulator/stats').body)


@pytest.fixture(scope='session')
def world_file():
    return str(WORLD_FILE)


@pytest.fixture(scope='session')
def world():
    return load_world()


@pytest.fixture(scope='session')
def keys(world):
    accounts = world['accounts']
    return {'a': accounts[0], 'b': accounts[1], 'temp': accounts[2], 'expired': accounts[3]}


def _starter(workdir):
    started = []

    def start(*args):
        running = Running(args, workdir)
        started.append(running)
        return running

    return start, started


def _stop_all(started):
    for running in started:
        assert running.stop() == 0, running.stderr_text()


@pytest.fixture
def start_emulator(tmp_path):
    """start_emulator(*flags) -> Running; every process started is stopped (and must exit 0) at teardown."""
    start, started = _starter(tmp_path)
    yield start
    _stop_all(started)


@pytest.fixture(scope='module')
def start_module_emulator(tmp_path_factory):
    """Like start_emulator, for emulators shared by the tests of one module (tests then use ids they own)."""
    start, started = _starter(tmp_path_factory.mktemp('emulator'))
    yield start
    _stop_all(started)


@pytest.fixture(scope='module')
def world_emulator(start_module_emulator):
    """The world.yml emulator without rate limit, shared by a test module."""
    return start_module_emulator('--data', str(WORLD_FILE), '--rate-limit', '0', '--quiet')


class Sdk:
    """The official Tencent Cloud SDK pointed at an emulator over plain HTTP."""

    def __init__(self):
        self.credential = pytest.importorskip('tencentcloud.common.credential')
        self.common_client = pytest.importorskip('tencentcloud.common.common_client')
        self.client_profile = pytest.importorskip('tencentcloud.common.profile.client_profile')
        self.http_profile = pytest.importorskip('tencentcloud.common.profile.http_profile')
        self.ccc_client = pytest.importorskip('tencentcloud.ccc.v20200210.ccc_client')
        self.models = pytest.importorskip('tencentcloud.ccc.v20200210.models')
        self.error = pytest.importorskip('tencentcloud.common.exception.tencent_cloud_sdk_exception').TencentCloudSDKException

    def profile(self, running, language=None):
        profile = self.client_profile.ClientProfile(httpProfile=self.http_profile.HttpProfile(protocol='http', endpoint=running.host))
        if language:
            profile.language = language
        return profile

    def cred(self, key):
        return self.credential.Credential(key['secret_id'], key['secret_key'], key.get('token'))

    def ccc(self, running, key=None, cred=None, region='', language=None):
        return self.ccc_client.CccClient(cred or self.cred(key), region, self.profile(running, language))

    def sts(self, running, key):
        return self.common_client.CommonClient('sts', '2018-08-13', self.cred(key), 'ap-guangzhou', self.profile(running))

    def call(self, client, action, params):
        """The Response fields of one ccc action, through the SDK's typed request and response models."""
        request = getattr(self.models, action + 'Request')()
        request.from_json_string(json.dumps(params))
        return json.loads(getattr(client, action)(request).to_json_string())

    def code_of(self, client, action, params):
        with pytest.raises(self.error) as caught:
            self.call(client, action, params)
        return caught.value.get_code()


@pytest.fixture
def sdk(monkeypatch):
    for name in ('http_proxy', 'https_proxy', 'HTTP_PROXY', 'HTTPS_PROXY'):
        monkeypatch.delenv(name, raising=False)
    return Sdk()
