"""Deterministic extra extensions for --extensions N: same seed, same extensions, at any N."""

from .state import Extension, random_password

FIRST_NAMES = ('Li', 'Wei', 'Fang', 'Min', 'Jing', 'Lei', 'Yan', 'Hui', 'Tao', 'Xin', 'Grace', 'Kevin', 'Linda', 'Peter')
LAST_NAMES = ('Wang', 'Li', 'Zhang', 'Liu', 'Chen', 'Yang', 'Huang', 'Zhao', 'Wu', 'Zhou', 'Xu', 'Sun', 'Ma', 'Zhu')
DESKS = ('Front desk', 'Sales', 'Support', 'Billing', 'Dispatch', 'Reception', 'Helpdesk', 'Outbound', 'Claims', 'VIP line')
BASE_TIME = 1704067200  # 2024-01-01T00:00:00Z: fixed so that generated data does not depend on the day it runs


def _free_ids(instance, count):
    candidate = 1001
    found = []
    while len(found) < count:
        if str(candidate) not in instance.extensions:
            found.append(str(candidate))
        candidate += 1
    return found


def add_generated_extensions(instance, count, rng):
    """Add `count` extensions with the smallest free numeric ids from 1001 up; three in four have an agent."""
    groups = list(instance.skill_groups or [1000])
    for index, extension_id in enumerate(_free_ids(instance, count)):
        relation = relation_name = ''
        if rng.random() < 0.75:
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            relation = '%s.%s.%s@example.com' % (first.lower(), last.lower(), extension_id)
            relation_name = '%s %s' % (first, last)
            instance.add_agent(relation, relation_name)
        status = rng.choice((0, 100, 100, 200))
        created = BASE_TIME + index * 60
        instance.add(Extension(
            extension_id=extension_id,
            name='%s %s' % (rng.choice(DESKS), extension_id),
            password=random_password(rng),
            skill_group_ids=sorted(rng.sample(groups, rng.randint(1, min(2, len(groups))))),
            relation=relation,
            relation_name=relation_name,
            status=status,
            registered=status != 0,
            create_time=created,
            modify_time=created + rng.randint(0, 86400),
        ))
