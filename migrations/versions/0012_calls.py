"""calls staff make to households not yet reached, and what each gave

Revision ID: 0012
Revises: 0011

"""
import sqlalchemy as sa
from alembic import op

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('call_outcome',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('household_id', sa.Integer(), nullable=False),
    sa.Column('invitation_id', sa.Integer(), nullable=True),
    sa.Column('staff_id', sa.Integer(), nullable=True),
    sa.Column('outcome', sa.String(length=20), nullable=False),
    sa.Column('decline_reason', sa.String(length=20), nullable=True),
    sa.Column('registration_id', sa.Integer(), nullable=True),
    sa.Column('decline_id', sa.Integer(), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("decline_reason IN ('work', 'time', 'childcare', 'transportation', 'language', 'health', 'other')", name=op.f('ck_call_outcome_decline_reason')),
    sa.CheckConstraint("outcome IN ('reached_coming', 'reached_cant_come', 'no_answer', 'wrong_number')", name=op.f('ck_call_outcome_outcome')),
    sa.ForeignKeyConstraint(['decline_id'], ['decline.id'], name=op.f('fk_call_outcome_decline_id_decline'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['event_id'], ['event.id'], name=op.f('fk_call_outcome_event_id_event')),
    sa.ForeignKeyConstraint(['household_id'], ['household.id'], name=op.f('fk_call_outcome_household_id_household'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['invitation_id'], ['invitation.id'], name=op.f('fk_call_outcome_invitation_id_invitation'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['registration_id'], ['registration.id'], name=op.f('fk_call_outcome_registration_id_registration'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['staff_id'], ['staff_user.id'], name=op.f('fk_call_outcome_staff_id_staff_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_call_outcome'))
    )
    with op.batch_alter_table('call_outcome', schema=None) as batch_op:
        batch_op.create_index('ix_call_outcome_event_household', ['event_id', 'household_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_call_outcome_household_id'), ['household_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_call_outcome_invitation_id'), ['invitation_id'], unique=False)



def downgrade():
    with op.batch_alter_table('call_outcome', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_call_outcome_invitation_id'))
        batch_op.drop_index(batch_op.f('ix_call_outcome_household_id'))
        batch_op.drop_index('ix_call_outcome_event_household')

    op.drop_table('call_outcome')
