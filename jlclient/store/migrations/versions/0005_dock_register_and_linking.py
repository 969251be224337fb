"""the device register (faults, dockings with clock offset, upload exemptions), recordings
classified by the six keys and linked to cases, spoken interruption notes, footage analysis

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23
"""
from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('docking',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('camera_serial', sa.String(length=40), nullable=False),
    sa.Column('layout', sa.String(length=40), nullable=False),
    sa.Column('docked_at', sa.DateTime(), nullable=False),
    sa.Column('offset_s', sa.Float(), nullable=True),
    sa.Column('drift_flagged', sa.Boolean(), nullable=False),
    sa.Column('file_count', sa.Integer(), nullable=False),
    sa.Column('workstation', sa.String(length=120), nullable=False),
    sa.Column('docked_by', sa.String(length=80), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_docking'))
    )
    with op.batch_alter_table('docking', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_docking_camera_serial'), ['camera_serial'], unique=False)

    op.create_table('upload_exemption',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('docking_id', sa.Integer(), nullable=False),
    sa.Column('returned_at', sa.DateTime(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('declared_by', sa.String(length=80), nullable=False),
    sa.Column('declared_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['docking_id'], ['docking.id'], name=op.f('fk_upload_exemption_docking_id_docking')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_upload_exemption'))
    )
    with op.batch_alter_table('upload_exemption', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_upload_exemption_docking_id'), ['docking_id'], unique=False)

    op.create_table('camera_fault',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('camera_id', sa.Integer(), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('reported_by', sa.String(length=80), nullable=False),
    sa.Column('reported_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['camera_id'], ['body_camera.id'], name=op.f('fk_camera_fault_camera_id_body_camera')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_camera_fault'))
    )
    with op.batch_alter_table('camera_fault', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_camera_fault_camera_id'), ['camera_id'], unique=False)

    op.create_table('av_analysis',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('av_record_id', sa.Integer(), nullable=False),
    sa.Column('readable', sa.Boolean(), nullable=False),
    sa.Column('problem', sa.Text(), nullable=False),
    sa.Column('dark_spans', sa.Text(), nullable=False),
    sa.Column('analysed_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['av_record_id'], ['av_record.id'], name=op.f('fk_av_analysis_av_record_id_av_record')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_av_analysis')),
    sa.UniqueConstraint('av_record_id', name=op.f('uq_av_analysis_av_record_id'))
    )
    op.create_table('interruption_note',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('av_record_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(length=40), nullable=False),
    sa.Column('spoken_at', sa.DateTime(), nullable=False),
    sa.Column('details', sa.Text(), nullable=False),
    sa.Column('noted_by', sa.String(length=80), nullable=False),
    sa.Column('noted_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['av_record_id'], ['av_record.id'], name=op.f('fk_interruption_note_av_record_id_av_record')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_interruption_note'))
    )
    with op.batch_alter_table('interruption_note', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_interruption_note_av_record_id'), ['av_record_id'], unique=False)

    with op.batch_alter_table('av_record', schema=None) as batch_op:
        batch_op.add_column(sa.Column('title', sa.String(length=200), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('party_name', sa.String(length=200), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('cause', sa.String(length=200), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('party_informed', sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column('linked_by', sa.String(length=80), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('linked_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('pulled_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('docking_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_av_record_docking_id_docking'), 'docking', ['docking_id'], ['id'])

    with op.batch_alter_table('body_camera', schema=None) as batch_op:
        batch_op.add_column(sa.Column('model', sa.String(length=80), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('device_officer_no', sa.String(length=20), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('note', sa.Text(), nullable=False, server_default=''))



def downgrade() -> None:
    with op.batch_alter_table('body_camera', schema=None) as batch_op:
        batch_op.drop_column('note')
        batch_op.drop_column('device_officer_no')
        batch_op.drop_column('model')

    with op.batch_alter_table('av_record', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_av_record_docking_id_docking'), type_='foreignkey')
        batch_op.drop_column('docking_id')
        batch_op.drop_column('pulled_at')
        batch_op.drop_column('linked_at')
        batch_op.drop_column('linked_by')
        batch_op.drop_column('party_informed')
        batch_op.drop_column('cause')
        batch_op.drop_column('party_name')
        batch_op.drop_column('title')

    with op.batch_alter_table('interruption_note', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_interruption_note_av_record_id'))

    op.drop_table('interruption_note')
    op.drop_table('av_analysis')
    with op.batch_alter_table('camera_fault', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_camera_fault_camera_id'))

    op.drop_table('camera_fault')
    with op.batch_alter_table('upload_exemption', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_upload_exemption_docking_id'))

    op.drop_table('upload_exemption')
    with op.batch_alter_table('docking', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_docking_camera_serial'))

    op.drop_table('docking')
