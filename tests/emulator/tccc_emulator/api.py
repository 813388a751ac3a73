"""The API pipeline for POST /: the checks in the order the real gateway applies them (protocol, action and
version, timestamp, signature, token, frequency limit, parameters), then the action itself."""

import datetime
import time
import uuid

from . import ccc, params, signature, sts
from .errors import ApiError

CCC = ('ccc', '2020-02-10')
STS = ('sts', '2018-08-13')
SERVICES = dict([(action, CCC) for action in ccc.ACTIONS] + [('AssumeRole', STS)])
MAX_SKEW = 300
JSON_TYPE = 'application/json'


def _content_type_ok(value):
    media_type, _sep, rest = (value or '').partition(';')
    if media_type.strip().lower() != JSON_TYPE:
        return False
    rest = rest.strip().lower().replace(' ', '')
    return rest in ('', 'charset=utf-8')


def utc_date(timestamp):
    return datetime.datetime.fromtimestamp(timestamp, tz=datetime.timezone.utc).strftime('%Y-%m-%d')


class Api:
    """`handle()` turns one request into (answer code, response document)."""

    def __init__(self, state, limiter, clock_offset=0.0, temp_credential_ttl=None, clock=time.time):
        self.state = state
        self.limiter = limiter
        self.clock_offset = clock_offset
        self.temp_credential_ttl = temp_credential_ttl
        self._clock = clock

    def now(self):
        return self._clock() + self.clock_offset

    def handle(self, method, headers, body):
        """(answer code, response document); `headers` maps lowercase names to values, `body` is the raw bytes."""
        request_id = str(uuid.uuid4())
        try:
            fields = self._process(method, headers, body)
        except ApiError as err:
            return err.code, {'Response': {'Error': {'Code': err.code, 'Message': err.message}, 'RequestId': request_id}}
        fields['RequestId'] = request_id
        return 'OK', {'Response': fields}

    def _process(self, method, headers, body):
        if method != 'POST':
            raise ApiError('UnsupportedProtocol', 'The emulated API accepts only POST requests (got %s).' % method)
        if not _content_type_ok(headers.get('content-type')):
            raise ApiError('InvalidParameter', 'Content-Type must be application/json (optionally with charset=utf-8).')
        action = headers.get('x-tc-action')
        if not action:
            raise ApiError('MissingParameter', 'The request is missing a required parameter `Action`.')
        version = headers.get('x-tc-version')
        if not version:
            raise ApiError('MissingParameter', 'The request is missing a required parameter `Version`.')
        if action not in SERVICES:
            raise ApiError('InvalidAction', 'The action `%s` is not found or not supported by this emulator.' % action)
        service, expected_version = SERVICES[action]
        if version != expected_version:
            raise ApiError('NoSuchVersion', 'The API version `%s` does not exist for %s (use %s).' % (version, service, expected_version))
        timestamp = self._check_timestamp(headers.get('x-tc-timestamp'))
        caller = self._authenticate(method, headers, body, timestamp, service)
        if service == 'ccc' and not self.limiter.allow((caller.uin, action)):
            limit = self.limiter.limit
            raise ApiError('RequestLimitExceeded',
                           'Your current request times equals to `%d` in a second, which exceeds the frequency limit `%d` for a second. '
                           'Please reduce the frequency of calls.' % (limit + 1, limit))
        request_params = params.validate(action, params.parse_body(body))
        if service == 'sts':
            return sts.assume_role(self.state, request_params, caller.uin, self.now(), self.temp_credential_ttl)
        return ccc.run(action, self.state, request_params, caller.uin, self.now())

    def _check_timestamp(self, value):
        if not value:
            raise ApiError('MissingParameter', 'The request is missing a required parameter `Timestamp`.')
        try:
            timestamp = int(value.strip())
        except ValueError:
            raise ApiError('InvalidParameter', 'X-TC-Timestamp must be an integer number of seconds.') from None
        server_time = int(self.now())
        if abs(server_time - timestamp) > MAX_SKEW:
            raise ApiError('AuthFailure.SignatureExpire', 'Signature expired. Timestamp:%d, the server time %d.' % (timestamp, server_time))
        return timestamp

    def _authenticate(self, method, headers, body, timestamp, service):
        auth = signature.parse_authorization(headers.get('authorization'))
        credential = self.state.credential(auth.secret_id)
        if credential is None:
            raise ApiError('AuthFailure.SecretIdNotFound', 'The SecretId is not found, please ensure that your SecretId is correct.')
        if auth.date != utc_date(timestamp):
            raise ApiError('AuthFailure.SignatureFailure',
                           'The Credential date %s is not the UTC date of X-TC-Timestamp (%s): compute it in UTC.' % (auth.date, utc_date(timestamp)))
        if auth.service != service:
            raise ApiError('AuthFailure.SignatureFailure',
                           'The Credential scope names service `%s`, but this action belongs to `%s`.' % (auth.service, service))
        signature.check_signed_headers(auth.signed_headers)
        canonical = signature.canonical_request(
            method, '/', '',
            signature.canonical_headers(headers.get, auth.signed_headers),
            auth.signed_headers,
            signature.payload_hash(body, headers.get('x-tc-content-sha256')),
        )
        expected = signature.compute_signature(credential.secret_key, auth.date, service,
                                               signature.string_to_sign(timestamp, auth.date, service, canonical))
        if not signature.signatures_match(expected, auth.signature):
            raise ApiError('AuthFailure.SignatureFailure', 'The provided credentials could not be validated. Please check your signature is correct.')
        if credential.temporary:
            token = headers.get('x-tc-token')
            if not token:
                raise ApiError('AuthFailure.TokenFailure', 'These are temporary credentials: the X-TC-Token header is required.')
            if not signature.signatures_match(credential.token, token):
                raise ApiError('AuthFailure.TokenFailure', 'The X-TC-Token does not belong to this SecretId.')
            if credential.expired_time is not None and self.now() >= credential.expired_time:
                raise ApiError('AuthFailure.TokenFailure', 'The temporary credentials have expired (ExpiredTime %d).' % credential.expired_time)
        return credential
