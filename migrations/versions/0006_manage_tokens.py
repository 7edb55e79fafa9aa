"""manage links sent again: a table of token hashes per registration

Revision ID: 0006
Revises: 0005

"""
import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('manage_token',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('registration_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['registration_id'], ['registration.id'], name=op.f('fk_manage_token_registration_id_registration'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_manage_token')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_manage_token_token_hash'))
    )
    with op.batch_alter_table('manage_token', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_manage_token_registration_id'), ['registration_id'], unique=False)


def downgrade():
    with op.batch_alter_table('manage_token', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_manage_token_registration_id'))
    op.drop_table('manage_token')
