"""the place written per language; a short SMS sender name per school

Revision ID: 0004_i18n
Revises: 0004_booking_limits

"""
from alembic import op
import sqlalchemy as sa


revision = '0004_i18n'
down_revision = '0004_booking_limits'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('event_text', schema=None) as batch_op:
        batch_op.add_column(sa.Column('location', sa.String(length=300), server_default='', nullable=False))
    with op.batch_alter_table('school', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sms_name', sa.String(length=30), server_default='', nullable=False))


def downgrade():
    with op.batch_alter_table('school', schema=None) as batch_op:
        batch_op.drop_column('sms_name')
    with op.batch_alter_table('event_text', schema=None) as batch_op:
        batch_op.drop_column('location')
