"""invitations to households, the text messages that answer them, and
registrations that point to their household

Revision ID: 0011
Revises: 0010

"""
import sqlalchemy as sa
from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('invitation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('household_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('channel', sa.String(length=10), nullable=False),
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.Column('sent_at', sa.DateTime(), nullable=False),
    sa.Column('answered_at', sa.DateTime(), nullable=True),
    sa.Column('answer', sa.String(length=20), nullable=False),
    sa.Column('decline_reason', sa.String(length=20), nullable=True),
    sa.Column('decline_id', sa.Integer(), nullable=True),
    sa.Column('registration_id', sa.Integer(), nullable=True),
    sa.Column('follow_up_at', sa.DateTime(), nullable=True),
    sa.Column('follow_up_sent_at', sa.DateTime(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("answer IN ('none', 'registered', 'cant_come')", name=op.f('ck_invitation_answer')),
    sa.CheckConstraint("channel IN ('sms', 'email')", name=op.f('ck_invitation_channel')),
    sa.ForeignKeyConstraint(['created_by_id'], ['staff_user.id'], name=op.f('fk_invitation_created_by_id_staff_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['decline_id'], ['decline.id'], name=op.f('fk_invitation_decline_id_decline'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['event_id'], ['event.id'], name=op.f('fk_invitation_event_id_event')),
    sa.ForeignKeyConstraint(['household_id'], ['household.id'], name=op.f('fk_invitation_household_id_household'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['registration_id'], ['registration.id'], name=op.f('fk_invitation_registration_id_registration'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_invitation')),
    sa.UniqueConstraint('event_id', 'household_id', name='uq_invitation_event_household'),
    sa.UniqueConstraint('token_hash', name=op.f('uq_invitation_token_hash'))
    )
    with op.batch_alter_table('invitation', schema=None) as batch_op:
        batch_op.create_index('ix_invitation_event_answer', ['event_id', 'answer'], unique=False)
        batch_op.create_index(batch_op.f('ix_invitation_household_id'), ['household_id'], unique=False)

    op.create_table('inbound_sms',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('provider_id', sa.String(length=64), nullable=False),
    sa.Column('phone', sa.String(length=32), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('invitation_id', sa.Integer(), nullable=True),
    sa.Column('understood_as', sa.String(length=20), nullable=False),
    sa.Column('received_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['invitation_id'], ['invitation.id'], name=op.f('fk_inbound_sms_invitation_id_invitation'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_inbound_sms')),
    sa.UniqueConstraint('provider_id', name=op.f('uq_inbound_sms_provider_id'))
    )
    with op.batch_alter_table('inbound_sms', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_inbound_sms_invitation_id'), ['invitation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_inbound_sms_phone'), ['phone'], unique=False)

    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.add_column(sa.Column('invitation_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_outbox_message_invitation_id'), ['invitation_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_outbox_message_invitation_id_invitation'), 'invitation', ['invitation_id'], ['id'], ondelete='SET NULL')

    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.add_column(sa.Column('household_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_registration_household_id'), ['household_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_registration_household_id_household'), 'household', ['household_id'], ['id'], ondelete='SET NULL')



def downgrade():
    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_registration_household_id_household'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_registration_household_id'))
        batch_op.drop_column('household_id')

    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_outbox_message_invitation_id_invitation'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_outbox_message_invitation_id'))
        batch_op.drop_column('invitation_id')

    with op.batch_alter_table('inbound_sms', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_inbound_sms_phone'))
        batch_op.drop_index(batch_op.f('ix_inbound_sms_invitation_id'))

    op.drop_table('inbound_sms')
    with op.batch_alter_table('invitation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_invitation_household_id'))
        batch_op.drop_index('ix_invitation_event_answer')

    op.drop_table('invitation')
