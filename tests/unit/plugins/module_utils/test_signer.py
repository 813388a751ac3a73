# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""The signer against every official vector in the reference, and against the official SDK's own
signing code on random input (the SDK is a test-only oracle)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import hashlib
import json

import pytest

from ansible_collections.tencentcloud.tccc.plugins.module_utils import _signer as signer

SECRET_ID = "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE"
SECRET_KEY = "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE"
TIMESTAMP = 1551113065
CVM_BODY = b'{"Limit": 1, "Filters": [{"Values": ["\\u672a\\u547d\\u540d"], "Name": "instance-name"}]}'


def test_official_cvm_example():
    canonical = signer.canonical_request("cvm.tencentcloudapi.com", CVM_BODY, "application/json; charset=utf-8")
    assert canonical.rsplit("\n", 1)[-1] == "35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064"
    assert hashlib.sha256(canonical.encode()).hexdigest() == "5ffe6a04c0664d6b969fab9a13bdab201d63ee709638e2749d62a09ca18d7031"
    assert signer.signature(SECRET_KEY, TIMESTAMP, "cvm", canonical) == "72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168"


def test_official_example_signing_x_tc_action():
    canonical = signer.canonical_request("cvm.tencentcloudapi.com", CVM_BODY, "application/json; charset=utf-8",
                                         extra_headers={"x-tc-action": "describeinstances"})
    assert "\ncontent-type;host;x-tc-action\n" in canonical
    assert hashlib.sha256(canonical.encode()).hexdigest() == "7019a55be8395899b900fb5564e4200d984910f34794a27cb3fb7d10ff6a1e84"
    k_date = signer._hmac(("TC3" + "*" * 32).encode(), "2019-02-25")
    assert k_date.hex() == "da98fb70dcf6b112dc21038d1eeeb3a95c74b4dcb12c1131f864f6066bd02be0"
    assert signer.signature("*" * 32, TIMESTAMP, "cvm", canonical) == "10b1a37a7301a02ca19a647ad722d5e43b4b3cff309d421d85b46093f6ab6c4f"


def test_signing_key_for_ccc():
    assert signer.signing_key(SECRET_KEY, "2019-02-25", "ccc").hex() == "207b6710033c3c41d90564f77ee0039c567df44281c44a97a7a8e90e7918fb38"


CCC_VECTORS = [
    ("DescribeExtensions", "ccc.tencentcloudapi.com",
     b'{"SdkAppId": 1400000000, "PageNumber": 0, "ExtensionIds": ["1001", "1002"], "PageSize": 100, "IsNeedStatus": true}',
     "fa28af0dfa9a19a311486b85940a79564f0e02e5efb5fb011635a6926e8cc681", {}),
    ("DescribeExtension", "ccc.tencentcloudapi.com", b'{"SdkAppId": 1400000000, "ExtensionId": "1001"}',
     "97bfe9b792683e2e6077f74377d0667e9b4241fca573ebea9b6d1b885eddec87", {"token": "a-session-token", "language": "zh-CN"}),
    ("CreateExtension", "ccc.tencentcloudapi.com",
     b'{"SdkAppId": 1400000000, "ExtensionId": "1001", "ExtensionName": "\\u5206\\u673a1"}',
     "7922af67e236b281523705865b47cc9ceba799eec5bb8a3f48ea8f972e453c83", {}),
    ("DescribeExtension", "ccc.ap-guangzhou.tencentcloudapi.com", b'{"SdkAppId": 1400000000, "ExtensionId": "1001"}',
     "ace9cc1593bceaf861f8bebaae937725cea4414fe3c7a4272f5c80a9cb4f1dd0", {"region": "ap-guangzhou"}),
]


@pytest.mark.parametrize("action, host, body, expected, extra", CCC_VECTORS, ids=[v[0] + "-" + v[1] for v in CCC_VECTORS])
def test_ccc_vectors(action, host, body, expected, extra):
    headers = signer.sign(SECRET_ID, SECRET_KEY, host, "ccc", action, "2020-02-10", body, TIMESTAMP, **extra)
    assert headers["Authorization"] == (
        "TC3-HMAC-SHA256 Credential=%s/2019-02-25/ccc/tc3_request, SignedHeaders=content-type;host, Signature=%s" % (SECRET_ID, expected))
    assert headers["Host"] == host
    assert headers["Content-Type"] == "application/json"
    assert headers["X-TC-Timestamp"] == str(TIMESTAMP)
    assert headers["X-TC-Action"] == action
    assert headers["X-TC-Version"] == "2020-02-10"


def test_optional_headers_only_when_set():
    headers = signer.sign(SECRET_ID, SECRET_KEY, "ccc.tencentcloudapi.com", "ccc", "DescribeExtension", "2020-02-10", b"{}", TIMESTAMP,
                          token="tok", region="ap-beijing", language="en-US", request_client="ansible-tccc_0.1.0")
    assert headers["X-TC-Token"] == "tok"
    assert headers["X-TC-Region"] == "ap-beijing"
    assert headers["X-TC-Language"] == "en-US"
    assert headers["X-TC-RequestClient"] == "ansible-tccc_0.1.0"
    bare = signer.sign(SECRET_ID, SECRET_KEY, "ccc.tencentcloudapi.com", "ccc", "DescribeExtension", "2020-02-10", b"{}", TIMESTAMP)
    assert not set(bare) & {"X-TC-Token", "X-TC-Region", "X-TC-Language", "X-TC-RequestClient"}


@pytest.mark.parametrize("timestamp, date", [
    (0, "1970-01-01"),
    (1551113065, "2019-02-25"),
    # 23:59:59 and 00:00:00 UTC: a local-time date would be wrong on one side in UTC+8 (pitfall 1).
    (1706399999, "2024-01-27"),
    (1706400000, "2024-01-28"),
])
def test_utc_date(timestamp, date):
    assert signer.utc_date(timestamp) == date


def test_signature_depends_on_every_signed_input():
    base = dict(secret_id=SECRET_ID, secret_key=SECRET_KEY, host="ccc.tencentcloudapi.com", service="ccc", action="DescribeExtension",
                version="2020-02-10", body=b'{"a":1}', timestamp=TIMESTAMP)
    reference = signer.sign(**base)["Authorization"]
    for name, value in [("secret_key", SECRET_KEY + "x"), ("host", "ccc.tencentcloudapi.com:8443"), ("service", "sts"),
                        ("body", b'{"a":2}'), ("timestamp", TIMESTAMP + 86400)]:
        changed = dict(base, **{name: value})
        assert signer.sign(**changed)["Authorization"] != reference, name


# --- the official SDK as an oracle -----------------------------------------------------------

sdk_client = pytest.importorskip("tencentcloud.common.abstract_client")
hypothesis = pytest.importorskip("hypothesis")
st = hypothesis.strategies


class _SdkRequest:
    def __init__(self, host, body, timestamp):
        self.method = "POST"
        self.uri = "/"
        self.data = body
        self.header = {"Content-Type": "application/json", "Host": host, "X-TC-Timestamp": str(timestamp)}


def sdk_signature(secret_key, host, service, body_text, timestamp):
    client = sdk_client.AbstractClient.__new__(sdk_client.AbstractClient)
    client.profile = type("Profile", (), {"unsignedPayload": False})()
    return client._get_tc3_signature({}, _SdkRequest(host, body_text, timestamp), signer.utc_date(timestamp), service, secret_key)


hosts = st.tuples(
    st.sampled_from(["ccc.tencentcloudapi.com", "ccc.ap-guangzhou.tencentcloudapi.com", "ccc.intl.tencentcloudapi.com", "127.0.0.1", "localhost"]),
    st.one_of(st.none(), st.integers(1, 65535)),
).map(lambda hp: hp[0] if hp[1] is None else "%s:%d" % hp)
bodies = st.dictionaries(
    st.text(min_size=1, max_size=12),
    st.one_of(st.integers(), st.text(), st.booleans(), st.lists(st.text(max_size=8), max_size=4)),
    max_size=6,
)
keys = st.text(alphabet=st.characters(min_codepoint=33, max_codepoint=126), min_size=1, max_size=48)


@hypothesis.settings(max_examples=300, deadline=None)
@hypothesis.given(secret_key=keys, host=hosts, params=bodies, ensure_ascii=st.booleans(),
                  timestamp=st.integers(0, 4102444800), service=st.sampled_from(["ccc", "sts", "cvm"]))
def test_signer_matches_official_sdk(secret_key, host, params, ensure_ascii, timestamp, service):
    body_text = json.dumps(params, ensure_ascii=ensure_ascii)
    canonical = signer.canonical_request(host, body_text.encode("utf-8"))
    ours = signer.signature(secret_key, timestamp, service, canonical)
    assert ours == sdk_signature(secret_key, host, service, body_text, timestamp)
