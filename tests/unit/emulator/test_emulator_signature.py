"""The emulator's TC3 verification against the official worked examples and SDK-produced vectors."""

import hashlib

import pytest

from tccc_emulator import signature  # pylint: disable=import-error
from tccc_emulator.errors import ApiError  # pylint: disable=import-error

SECRET_KEY = 'Gu5t9xGARNpq86cd98joQYCN3EXAMPLE'
TIMESTAMP = 1551113065
DATE = '2019-02-25'


def _sign(secret_key, service, headers, signed_headers, body):
    canonical = signature.canonical_request('POST', '/', '', signature.canonical_headers(headers.get, signed_headers),
                                            signed_headers, signature.payload_hash(body))
    return canonical, signature.compute_signature(secret_key, DATE, service, signature.string_to_sign(TIMESTAMP, DATE, service, canonical))


def test_official_cvm_example():
    body = b'{"Limit": 1, "Filters": [{"Values": ["\\u672a\\u547d\\u540d"], "Name": "instance-name"}]}'
    headers = {'content-type': 'application/json; charset=utf-8', 'host': 'cvm.tencentcloudapi.com'}
    assert signature.payload_hash(body) == '35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064'
    canonical, sig = _sign(SECRET_KEY, 'cvm', headers, ['content-type', 'host'], body)
    assert hashlib.sha256(canonical.encode()).hexdigest() == '5ffe6a04c0664d6b969fab9a13bdab201d63ee709638e2749d62a09ca18d7031'
    assert sig == '72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168'


def test_official_example_signing_x_tc_action_lowercases_the_value():
    body = b'{"Limit": 1, "Filters": [{"Values": ["\\u672a\\u547d\\u540d"], "Name": "instance-name"}]}'
    headers = {'content-type': 'application/json; charset=utf-8', 'host': 'cvm.tencentcloudapi.com', 'x-tc-action': 'DescribeInstances'}
    canonical, sig = _sign('*' * 32, 'cvm', headers, ['content-type', 'host', 'x-tc-action'], body)
    assert 'x-tc-action:describeinstances\n' in canonical
    assert hashlib.sha256(canonical.encode()).hexdigest() == '7019a55be8395899b900fb5564e4200d984910f34794a27cb3fb7d10ff6a1e84'
    assert sig == '10b1a37a7301a02ca19a647ad722d5e43b4b3cff309d421d85b46093f6ab6c4f'


@pytest.mark.parametrize('host, body, expected', [
    ('ccc.tencentcloudapi.com',
     b'{"SdkAppId": 1400000000, "PageNumber": 0, "ExtensionIds": ["1001", "1002"], "PageSize": 100, "IsNeedStatus": true}',
     'fa28af0dfa9a19a311486b85940a79564f0e02e5efb5fb011635a6926e8cc681'),
    ('ccc.tencentcloudapi.com', b'{"SdkAppId": 1400000000, "ExtensionId": "1001"}',
     '97bfe9b792683e2e6077f74377d0667e9b4241fca573ebea9b6d1b885eddec87'),
    ('ccc.tencentcloudapi.com', b'{"SdkAppId": 1400000000, "ExtensionId": "1001", "ExtensionName": "\\u5206\\u673a1"}',
     '7922af67e236b281523705865b47cc9ceba799eec5bb8a3f48ea8f972e453c83'),
    ('ccc.ap-guangzhou.tencentcloudapi.com', b'{"SdkAppId": 1400000000, "ExtensionId": "1001"}',
     'ace9cc1593bceaf861f8bebaae937725cea4414fe3c7a4272f5c80a9cb4f1dd0'),
])
def test_ccc_vectors_from_the_official_sdk(host, body, expected):
    headers = {'content-type': 'application/json', 'host': host}
    assert _sign(SECRET_KEY, 'ccc', headers, ['content-type', 'host'], body)[1] == expected


def test_signing_key_vector():
    assert signature.signing_key(SECRET_KEY, DATE, 'ccc').hex() == '207b6710033c3c41d90564f77ee0039c567df44281c44a97a7a8e90e7918fb38'


def test_unsigned_payload_hashes_the_marker_not_the_body():
    assert signature.payload_hash(b'{"a": 1}', 'UNSIGNED-PAYLOAD') == hashlib.sha256(b'UNSIGNED-PAYLOAD').hexdigest()
    assert signature.payload_hash(b'{"a": 1}', None) == hashlib.sha256(b'{"a": 1}').hexdigest()


def test_parse_authorization():
    auth = signature.parse_authorization('TC3-HMAC-SHA256 Credential=AKIDx/2019-02-25/ccc/tc3_request, '
                                         'SignedHeaders=content-type;host, Signature=' + 'a' * 64)
    assert auth == signature.Authorization('AKIDx', '2019-02-25', 'ccc', ['content-type', 'host'], 'a' * 64)


@pytest.mark.parametrize('value', [
    None,
    '',
    'HMAC-SHA256 Credential=AKIDx/2019-02-25/ccc/tc3_request, SignedHeaders=content-type;host, Signature=' + 'a' * 64,
    'TC3-HMAC-SHA256 Credential=AKIDx/2019-02-25/ccc, SignedHeaders=content-type;host, Signature=' + 'a' * 64,
    'TC3-HMAC-SHA256 Credential=AKIDx/20190225/ccc/tc3_request, SignedHeaders=content-type;host, Signature=' + 'a' * 64,
    'TC3-HMAC-SHA256 Credential=AKIDx/2019-02-25/ccc/tc3_request, SignedHeaders=content-type;host, Signature=XYZ',
    'TC3-HMAC-SHA256 Credential=AKIDx/2019-02-25/ccc/tc3_request, Signature=' + 'a' * 64,
    'TC3-HMAC-SHA256 Credential=AKIDx/2019-02-25/ccc/tc3_request, Credential=AKIDx/2019-02-25/ccc/tc3_request, Signature=' + 'a' * 64,
])
def test_malformed_authorization(value):
    with pytest.raises(ApiError) as caught:
        signature.parse_authorization(value)
    assert caught.value.code == 'AuthFailure.InvalidAuthorization'


@pytest.mark.parametrize('names', [['host'], ['content-type'], ['host', 'content-type'], ['content-type', 'Host'],
                                   ['content-type', 'content-type', 'host']])
def test_signed_headers_rules(names):
    with pytest.raises(ApiError) as caught:
        signature.check_signed_headers(names)
    assert caught.value.code == 'AuthFailure.SignatureFailure'


def test_signed_header_that_was_not_sent():
    with pytest.raises(ApiError) as caught:
        signature.canonical_headers({'content-type': 'application/json'}.get, ['content-type', 'host'])
    assert caught.value.code == 'AuthFailure.SignatureFailure'
