"""the place written per language; a short SMS sender name per school

Revision ID: 0009
Revises: 0008

"""
import sqlalchemy as sa
from alembic import op

revision = '0009'
down_revision = '0008'
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
