"""largest party per event, the school's country, a hash of the network a registration came from

Revision ID: 0008
Revises: 0007

"""
import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('school', schema=None) as batch_op:
        batch_op.add_column(sa.Column('country', sa.String(length=2), nullable=False, server_default='US'))
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('max_party_size', sa.Integer(), nullable=False, server_default='8'))
    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.add_column(sa.Column('address_hash', sa.String(length=16), nullable=True))
        batch_op.create_index('ix_registration_event_address', ['event_id', 'address_hash'], unique=False)
    # The defaults were only for the rows already there; the models set them.
    with op.batch_alter_table('school', schema=None) as batch_op:
        batch_op.alter_column('country', server_default=None)
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.alter_column('max_party_size', server_default=None)


def downgrade():
    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.drop_index('ix_registration_event_address')
        batch_op.drop_column('address_hash')
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.drop_column('max_party_size')
    with op.batch_alter_table('school', schema=None) as batch_op:
        batch_op.drop_column('country')
