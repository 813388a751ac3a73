"""TC3-HMAC-SHA256 as the server sees it: parse the Authorization header and recompute the signature from
the bytes and headers actually received. Written from the public signature documentation, independently of
the collection's client signer, so that a bug there cannot be mirrored here."""

import hashlib
import hmac
import re
from collections import namedtuple

from .errors import ApiError

ALGORITHM = 'TC3-HMAC-SHA256'
UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD'
REQUIRED_SIGNED_HEADERS = ('content-type', 'host')

Authorization = namedtuple('Authorization', 'secret_id date service signed_headers signature')

_HEX64 = re.compile(r'^[0-9a-f]{64}$')
_DATE = re.compile(r'^\d{4}-\d{2}-\d{2}$')


def _invalid(detail):
    return ApiError('AuthFailure.InvalidAuthorization', 'The Authorization header is malformed: %s.' % detail)


def parse_authorization(value):
    """Split `TC3-HMAC-SHA256 Credential=ID/DATE/SERVICE/tc3_request, SignedHeaders=a;b, Signature=HEX`."""
    if not value:
        raise ApiError('AuthFailure.InvalidAuthorization', 'The Authorization header is missing.')
    algorithm, _sep, rest = value.strip().partition(' ')
    if algorithm != ALGORITHM:
        raise _invalid('the algorithm must be %s' % ALGORITHM)
    fields = {}
    for part in rest.split(','):
        name, sep, field_value = part.strip().partition('=')
        if not sep or name in fields:
            raise _invalid('expected Credential=..., SignedHeaders=..., Signature=...')
        fields[name] = field_value
    if sorted(fields) != ['Credential', 'Signature', 'SignedHeaders']:
        raise _invalid('expected exactly Credential, SignedHeaders and Signature')
    scope = fields['Credential'].split('/')
    if len(scope) != 4 or scope[3] != 'tc3_request' or not scope[0]:
        raise _invalid('Credential must be SecretId/Date/Service/tc3_request')
    if not _DATE.match(scope[1]):
        raise _invalid('the Credential date must be YYYY-MM-DD')
    signature = fields['Signature']
    if not _HEX64.match(signature):
        raise _invalid('Signature must be 64 lowercase hex digits')
    signed_headers = fields['SignedHeaders'].split(';')
    return Authorization(scope[0], scope[1], scope[2], signed_headers, signature)


def check_signed_headers(signed_headers):
    """The documented rules: lowercase, sorted, unique, and content-type and host always included."""
    for name in signed_headers:
        if not name or name != name.lower():
            raise ApiError('AuthFailure.SignatureFailure', 'SignedHeaders must be lowercase header names separated by ";".')
    if signed_headers != sorted(set(signed_headers)):
        raise ApiError('AuthFailure.SignatureFailure', 'SignedHeaders must be sorted and must not repeat a header.')
    for name in REQUIRED_SIGNED_HEADERS:
        if name not in signed_headers:
            raise ApiError('AuthFailure.SignatureFailure', 'SignedHeaders must include content-type and host.')


def canonical_headers(get_header, signed_headers):
    """`name:value\\n` per signed header, names and values lowercased and trimmed as the docs require."""
    lines = []
    for name in signed_headers:
        value = get_header(name)
        if value is None:
            raise ApiError('AuthFailure.SignatureFailure', 'Header %s is listed in SignedHeaders but was not sent.' % name)
        lines.append('%s:%s\n' % (name, value.strip().lower()))
    return ''.join(lines)


def payload_hash(body, content_sha256_header=None):
    if content_sha256_header is not None and content_sha256_header.strip().upper() == UNSIGNED_PAYLOAD:
        return hashlib.sha256(UNSIGNED_PAYLOAD.encode('ascii')).hexdigest()
    return hashlib.sha256(body).hexdigest()


def canonical_request(method, canonical_uri, canonical_query, headers_block, signed_headers, hashed_payload):
    return '\n'.join([method, canonical_uri, canonical_query, headers_block, ';'.join(signed_headers), hashed_payload])


def string_to_sign(timestamp, date, service, canonical):
    scope = '%s/%s/tc3_request' % (date, service)
    digest = hashlib.sha256(canonical.encode('utf-8')).hexdigest()
    return '\n'.join([ALGORITHM, str(timestamp), scope, digest])


def _hmac(key, message):
    return hmac.new(key, message.encode('utf-8'), hashlib.sha256).digest()


def signing_key(secret_key, date, service):
    k_date = _hmac(('TC3' + secret_key).encode('utf-8'), date)
    k_service = _hmac(k_date, service)
    return _hmac(k_service, 'tc3_request')


def compute_signature(secret_key, date, service, to_sign):
    return hmac.new(signing_key(secret_key, date, service), to_sign.encode('utf-8'), hashlib.sha256).hexdigest()


def signatures_match(expected, received):
    return hmac.compare_digest(expected.encode('utf-8'), received.encode('utf-8'))
