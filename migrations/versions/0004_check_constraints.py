"""check constraints: capacity, party sizes, statuses

The database itself refuses an impossible number or status, whatever code
(a script, a console, a future bug) writes it.

Revision ID: 0004
Revises: 0003

"""
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

# The limits as they were when this revision was written (see portal/models).
MAX_CAPACITY, MAX_ADULTS, MAX_CHILDREN = 5000, 10, 15

CHECKS = {
    'event': [
        ('ck_event_capacity', f'capacity BETWEEN 1 AND {MAX_CAPACITY}'),
        ('ck_event_childcare_capacity', f'childcare_capacity BETWEEN 0 AND {MAX_CAPACITY}'),
        ('ck_event_status', "status IN ('draft', 'published', 'cancelled')"),
    ],
    'registration': [
        ('ck_registration_adults', f'adults BETWEEN 1 AND {MAX_ADULTS}'),
        ('ck_registration_children', f'children BETWEEN 0 AND {MAX_CHILDREN}'),
        ('ck_registration_arrived_adults', f'arrived_adults IS NULL OR arrived_adults BETWEEN 0 AND {MAX_ADULTS}'),
        ('ck_registration_arrived_children',
         f'arrived_children IS NULL OR arrived_children BETWEEN 0 AND {MAX_CHILDREN}'),
        ('ck_registration_status', "status IN ('confirmed', 'waitlisted', 'cancelled')"),
        ('ck_registration_attendance', "attendance IN ('unknown', 'attended', 'no_show')"),
    ],
    'check_in': [
        ('ck_check_in_adults', f'adults BETWEEN 0 AND {MAX_ADULTS}'),
        ('ck_check_in_children', f'children BETWEEN 0 AND {MAX_CHILDREN}'),
    ],
}


def upgrade():
    for table, checks in CHECKS.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for name, condition in checks:
                batch_op.create_check_constraint(op.f(name), condition)


def downgrade():
    for table, checks in CHECKS.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for name, _condition in checks:
                batch_op.drop_constraint(op.f(name), type_='check')
