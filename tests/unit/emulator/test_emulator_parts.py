"""In-process tests of the emulator's parts that need no HTTP: the rate limiter (on a fake clock), the fault
plan, parameter checks, data file checks and generated extensions."""

import json
import random

import pytest

from tccc_emulator import params  # pylint: disable=import-error
from tccc_emulator.datafile import build_state, read_data_file  # pylint: disable=import-error
from tccc_emulator.errors import ApiError, DataFileError  # pylint: disable=import-error
from tccc_emulator.faults import FaultPlan  # pylint: disable=import-error
from tccc_emulator.generate import add_generated_extensions  # pylint: disable=import-error
from tccc_emulator.ratelimit import SlidingWindowLimiter  # pylint: disable=import-error
from tccc_emulator.sample import SAMPLE  # pylint: disable=import-error


class FakeClock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def test_limiter_refuses_the_21st_request_inside_any_second():
    clock = FakeClock()
    limiter = SlidingWindowLimiter(20, 1.0, clock)
    for dummy in range(20):
        assert limiter.allow(('uin', 'DescribeExtension'))
        clock.now += 0.01
    assert not limiter.allow(('uin', 'DescribeExtension'))
    assert limiter.allow(('uin', 'DescribeExtensions')), 'the limit is per action'
    assert limiter.allow(('other uin', 'DescribeExtension')), 'the limit is per account'


def test_limiter_window_slides_and_refusals_do_not_count():
    clock = FakeClock()
    limiter = SlidingWindowLimiter(2, 1.0, clock)
    assert limiter.allow('k')          # t=1000.0
    clock.now += 0.6
    assert limiter.allow('k')          # t=1000.6
    clock.now += 0.3
    assert not limiter.allow('k')      # t=1000.9: two inside the last second
    clock.now += 0.1
    assert limiter.allow('k')          # t=1001.0: the first left the window; the refusal did not count
    assert not limiter.allow('k')
    clock.now += 0.6
    assert limiter.allow('k')          # t=1001.6: the one at 1000.6 left


def test_limiter_zero_is_off():
    limiter = SlidingWindowLimiter(0, 1.0, FakeClock())
    assert all(limiter.allow('k') for dummy in range(1000))


def _kinds(plan, count, action='DescribeExtensions'):
    return [plan.decide(action).kind for dummy in range(count)]


def test_fault_plan_is_reproducible_and_respects_shares():
    rates = {'throttle': 0.2, 'html_502': 0.2, 'drop': 0.1, 'truncate': 0.1}
    first = _kinds(FaultPlan(7, rates), 2000)
    assert first == _kinds(FaultPlan(7, rates), 2000)
    assert first != _kinds(FaultPlan(8, rates), 2000)
    for kind, share in rates.items():
        assert abs(first.count(kind) / 2000.0 - share) < 0.05, kind
    assert abs(first.count(None) / 2000.0 - 0.4) < 0.05


def test_fault_plan_eligibility():
    everything = FaultPlan(1, {'drop': 1.0})
    assert everything.decide('DescribeExtension').kind == 'drop'
    assert everything.decide('metadata').kind is None, 'metadata is faulted only when named'
    only_create = FaultPlan(1, {'drop': 1.0}, actions=['CreateExtension', 'metadata'])
    assert only_create.decide('DescribeExtension').kind is None
    assert only_create.decide('CreateExtension').kind == 'drop'
    assert only_create.decide('metadata').kind == 'drop'
    with pytest.raises(ValueError):
        FaultPlan(1, {'drop': 0.6, 'truncate': 0.6})


def test_fault_plan_latency_and_jitter():
    plan = FaultPlan(3, {}, latency_ms=100, jitter_ms=50)
    delays = [plan.decide('DescribeExtension').delay for dummy in range(200)]
    assert all(0.1 <= delay <= 0.15 for delay in delays)
    assert len(set(delays)) > 100


@pytest.mark.parametrize('action, body, code', [
    ('DescribeExtension', {'ExtensionId': '1001'}, 'MissingParameter'),
    ('DescribeExtension', {'SdkAppId': 1, 'ExtensionId': '1', 'Extra': 1}, 'UnknownParameter'),
    ('DescribeExtension', {'SdkAppId': '1400000000', 'ExtensionId': '1001'}, 'InvalidParameter'),
    ('DescribeExtension', {'SdkAppId': True, 'ExtensionId': '1001'}, 'InvalidParameter'),
    ('DescribeExtension', {'SdkAppId': 1400000000.0, 'ExtensionId': '1001'}, 'InvalidParameter'),
    ('DescribeExtension', {'SdkAppId': 1400000000, 'ExtensionId': 1001}, 'InvalidParameter'),
    ('DescribeExtensions', {'SdkAppId': 1, 'PageNumber': 0, 'ExtensionIds': '1001'}, 'InvalidParameter'),
    ('DescribeExtensions', {'SdkAppId': 1, 'PageNumber': 0, 'ExtensionIds': [1001]}, 'InvalidParameter'),
    ('DescribeExtensions', {'SdkAppId': 1, 'PageNumber': 0, 'IsNeedStatus': 1}, 'InvalidParameter'),
    ('DescribeExtensions', {'SdkAppId': 1, 'PageNumber': 0, 'PageSize': None}, 'InvalidParameter'),
    ('CreateExtension', {'SdkAppId': 1, 'ExtensionId': '1', 'ExtensionName': 'x', 'SkillGroupIds': ['1000']}, 'InvalidParameter'),
    ('AssumeRole', {'RoleArn': 'x', 'RoleSessionName': 'y', 'Tags': [{'Key': 'a'}]}, 'InvalidParameter'),
])
def test_parameter_errors(action, body, code):
    with pytest.raises(ApiError) as caught:
        params.validate(action, body)
    assert caught.value.code == code


def test_parameters_accepted():
    body = {'SdkAppId': 1, 'PageNumber': 0, 'ExtensionIds': [], 'PageSize': 5, 'FuzzingKeyWord': '', 'IsNeedStatus': False}
    assert params.validate('DescribeExtensions', body) == body
    assert params.parse_body(b'') == {}
    assert params.parse_body(b' {"a": 1} ') == {'a': 1}
    for bad in (b'[1]', b'{"a":', b'\xff\xfe', b'"text"'):
        with pytest.raises(ApiError) as caught:
            params.parse_body(bad)
        assert caught.value.code == 'InvalidParameter'


def _document(**changes):
    document = json.loads(json.dumps(SAMPLE))
    document.update(changes)
    return document


@pytest.mark.parametrize('document, words', [
    (_document(extra=1), ['unknown key extra']),
    (_document(accounts=[{'uin': '1', 'secret_id': 'AKIDx', 'secret_key': 'sk-value', 'colour': 'red'}]), ['accounts[0]', 'colour']),
    (_document(accounts=[{'uin': '1', 'secret_id': 'AKIDx'}]), ['accounts[0]', 'missing secret_key']),
    (_document(accounts=[{'uin': '1', 'secret_id': 'AKIDx ', 'secret_key': 'sk-value'}]), ['whitespace']),
    (_document(accounts=[{'uin': '1', 'secret_id': 'AKIDx', 'secret_key': 'sk-value', 'expired_time': 5}]), ['needs token']),
    (_document(accounts=[]), ['no accounts']),
    (_document(roles=[{'uin': '1'}]), ['roles[0]', 'missing name']),
    (_document(instances=[{'sdk_app_id': '14', 'uin': '1'}]), ['instances[0].sdk_app_id', 'integer']),
    (_document(instances=[{'sdk_app_id': 14, 'uin': '1', 'extensions': [{'extension_id': '1', 'extension_name': 'x', 'status': 50}]}]),
     ['instances[0].extensions[0].status']),
    (_document(instances=[{'sdk_app_id': 14, 'uin': '1', 'extensions': [{'extension_id': '1', 'extension_name': 'x'},
                                                                        {'extension_id': 1, 'extension_name': 'y'}]}]),
     ['defined twice']),
    ([1, 2], ['must be a mapping']),
])
def test_data_file_errors_name_the_entry_not_the_secret(document, words):
    with pytest.raises(DataFileError) as caught:
        build_state(document, random.Random(0), 0)
    message = str(caught.value)
    for word in words:
        assert word in message
    assert 'sk-value' not in message
    assert 'tcccEmulatorSampleSecretKey00001' not in message


def test_data_file_formats(tmp_path):
    json_file = tmp_path / 'world.json'
    json_file.write_text(json.dumps(SAMPLE), encoding='utf-8')
    assert read_data_file(str(json_file)) == SAMPLE
    yaml_file = tmp_path / 'broken.yaml'
    yaml_file.write_text('accounts: [\n', encoding='utf-8')
    with pytest.raises(DataFileError, match='not valid YAML'):
        read_data_file(str(yaml_file))
    with pytest.raises(DataFileError, match='cannot read'):
        read_data_file(str(tmp_path / 'missing.json'))


def test_data_file_defaults():
    document = {'accounts': [{'uin': 100, 'secret_id': 'AKIDx', 'secret_key': 'k'}],
                'instances': [{'sdk_app_id': 14, 'uin': 100, 'extensions': [{'extension_id': 7, 'extension_name': 'x'}]}]}
    state = build_state(document, random.Random(0), 1700000000)
    instance = state.instances[14]
    assert (instance.uin, instance.extension_domain, instance.outbound_proxy, instance.transport) == (
        '100', '14.tccc.qcloud.com', 'sip.tccc.qcloud.com:5061', 'tls')
    extension = instance.extensions['7']
    assert (extension.status, extension.registered, extension.create_time, extension.relation) == (0, False, 1700000000, '')
    assert len(extension.password) == 13 and extension.password.isalnum()


def _generated(seed, count):
    state = build_state(SAMPLE, random.Random(seed), 0)
    instance = state.instances[1400000000]
    add_generated_extensions(instance, count, random.Random(seed))
    return instance


def test_generated_extensions_are_deterministic_and_skip_taken_ids():
    first = _generated(5, 50)
    assert len(first.extensions) == 55
    assert first.ordered_ids()[:7] == ['1001', '1002', '1003', '1004', '1005', '1006', '1007']
    assert first.ordered_ids()[-1] == '1055'
    again = _generated(5, 50)
    assert [vars(e) for e in first.extensions.values()] == [vars(e) for e in again.extensions.values()]
    other = _generated(6, 50)
    assert [e.password for e in first.extensions.values()] != [e.password for e in other.extensions.values()]
    for extension in first.extensions.values():
        assert extension.status in (0, 100, 200)
        assert set(extension.skill_group_ids) <= {1000, 1001, 1002, 1003}
