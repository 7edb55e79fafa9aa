"""the school's roster: students, guardians, households, and each import

Revision ID: 0010
Revises: 0009

"""
import sqlalchemy as sa
from alembic import op

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('household',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.Column('channel', sa.String(length=10), nullable=False),
    sa.Column('phone', sa.String(length=32), nullable=True),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("channel IN ('sms', 'email', 'none')", name=op.f('ck_household_channel')),
    sa.ForeignKeyConstraint(['school_id'], ['school.id'], name=op.f('fk_household_school_id_school')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_household'))
    )
    with op.batch_alter_table('household', schema=None) as batch_op:
        batch_op.create_index('ix_household_email', ['email'], unique=False)
        batch_op.create_index('ix_household_phone', ['phone'], unique=False)
        batch_op.create_index(batch_op.f('ix_household_school_id'), ['school_id'], unique=False)

    op.create_table('guardian',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.Column('household_id', sa.Integer(), nullable=True),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('phone', sa.String(length=32), nullable=True),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.Column('source_id', sa.String(length=100), nullable=True),
    sa.ForeignKeyConstraint(['household_id'], ['household.id'], name=op.f('fk_guardian_household_id_household'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['school_id'], ['school.id'], name=op.f('fk_guardian_school_id_school')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_guardian'))
    )
    with op.batch_alter_table('guardian', schema=None) as batch_op:
        batch_op.create_index('ix_guardian_email', ['email'], unique=False)
        batch_op.create_index(batch_op.f('ix_guardian_household_id'), ['household_id'], unique=False)
        batch_op.create_index('ix_guardian_phone', ['phone'], unique=False)
        batch_op.create_index(batch_op.f('ix_guardian_school_id'), ['school_id'], unique=False)

    op.create_table('roster_import',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('filename', sa.String(length=200), nullable=False),
    sa.Column('file_format', sa.String(length=20), nullable=False),
    sa.Column('added', sa.Integer(), nullable=False),
    sa.Column('updated', sa.Integer(), nullable=False),
    sa.Column('deactivated', sa.Integer(), nullable=False),
    sa.Column('skipped', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['staff_user.id'], name=op.f('fk_roster_import_created_by_id_staff_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['school_id'], ['school.id'], name=op.f('fk_roster_import_school_id_school')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_roster_import'))
    )
    with op.batch_alter_table('roster_import', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_roster_import_school_id'), ['school_id'], unique=False)

    op.create_table('student',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.Column('household_id', sa.Integer(), nullable=True),
    sa.Column('sis_id', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('grade', sa.String(length=2), nullable=False),
    sa.Column('homeroom', sa.String(length=60), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("grade IN ('PK', 'K', '1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '11', '12')", name=op.f('ck_student_grade')),
    sa.ForeignKeyConstraint(['household_id'], ['household.id'], name=op.f('fk_student_household_id_household'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['school_id'], ['school.id'], name=op.f('fk_student_school_id_school')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_student')),
    sa.UniqueConstraint('school_id', 'sis_id', name='uq_student_school_sis')
    )
    with op.batch_alter_table('student', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_student_household_id'), ['household_id'], unique=False)

    op.create_table('student_guardian',
    sa.Column('student_id', sa.Integer(), nullable=False),
    sa.Column('guardian_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['guardian_id'], ['guardian.id'], name=op.f('fk_student_guardian_guardian_id_guardian'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['student_id'], ['student.id'], name=op.f('fk_student_guardian_student_id_student'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('student_id', 'guardian_id', name=op.f('pk_student_guardian'))
    )
    with op.batch_alter_table('student_guardian', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_student_guardian_guardian_id'), ['guardian_id'], unique=False)



def downgrade():
    with op.batch_alter_table('student_guardian', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_student_guardian_guardian_id'))

    op.drop_table('student_guardian')
    with op.batch_alter_table('student', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_student_household_id'))

    op.drop_table('student')
    with op.batch_alter_table('roster_import', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_roster_import_school_id'))

    op.drop_table('roster_import')
    with op.batch_alter_table('guardian', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_guardian_school_id'))
        batch_op.drop_index('ix_guardian_phone')
        batch_op.drop_index(batch_op.f('ix_guardian_household_id'))
        batch_op.drop_index('ix_guardian_email')

    op.drop_table('guardian')
    with op.batch_alter_table('household', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_household_school_id'))
        batch_op.drop_index('ix_household_phone')
        batch_op.drop_index('ix_household_email')

    op.drop_table('household')
