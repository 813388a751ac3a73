"""The world served when no --data file is given: one account, one role, one instance, five extensions.
All keys and passwords here are made up for the emulator and are valid nowhere else."""

SAMPLE_SECRET_ID = 'AKIDEMULATORtcccSAMPLE00000000000001'
SAMPLE_UIN = '100000000001'
SAMPLE_SDK_APP_ID = 1400000000


def _extension(extension_id, name, password, skill_group_ids, relation, relation_name, status, created):
    return {
        'extension_id': extension_id,
        'extension_name': name,
        'password': password,
        'skill_group_ids': skill_group_ids,
        'relation': relation,
        'relation_name': relation_name,
        'status': status,
        'registered': status != 0,
        'create_time': created,
        'modify_time': created + 3600,
    }


SAMPLE = {
    'accounts': [
        {'uin': SAMPLE_UIN, 'secret_id': SAMPLE_SECRET_ID, 'secret_key': 'tcccEmulatorSampleSecretKey00001'},
    ],
    'roles': [
        {'name': 'tccc-automation', 'uin': SAMPLE_UIN, 'assumable_by': [SAMPLE_UIN], 'instance_role': True},
    ],
    'instances': [
        {
            'sdk_app_id': SAMPLE_SDK_APP_ID,
            'uin': SAMPLE_UIN,
            'extension_domain': '1400000000.tccc.qcloud.com',
            'outbound_proxy': 'sip.tccc.qcloud.com:5061',
            'transport': 'tls',
            'skill_groups': [1000, 1001, 1002, 1003],
            'agents': [
                {'email': 'alice.chen@example.com', 'name': 'Alice Chen'},
                {'email': 'bob.wang@example.com', 'name': 'Bob Wang'},
                {'email': 'carol.li@example.com', 'name': 'Carol Li'},
                {'email': 'david.zhang@example.com', 'name': 'David Zhang'},
                {'email': 'erin.zhao@example.com', 'name': 'Erin Zhao'},
            ],
            'extensions': [
                _extension('1001', 'Front desk', 'Xb7pQm2LrT9vK', [1000, 1001], 'alice.chen@example.com', 'Alice Chen', 100, 1704067200),
                _extension('1002', 'Sales line 1', 'Hq4nWz8cVd3sJ', [1001], 'bob.wang@example.com', 'Bob Wang', 200, 1704070800),
                _extension('1003', 'Sales line 2', 'Tm6rYe1gPk5bN', [1001], '', '', 0, 1704074400),
                _extension('1004', 'Support desk', 'Lc9vAs3hFj7wQ', [1002], 'carol.li@example.com', 'Carol Li', 100, 1704078000),
                _extension('1005', 'After-hours support', 'Ru2kDx6tMn8eZ', [1002, 1003], 'david.zhang@example.com', 'David Zhang', 0,
                           1704081600),
            ],
        },
    ],
}
