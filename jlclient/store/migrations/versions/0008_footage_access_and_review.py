"""footage access and review: classification of recordings, access requests, spot-check plans
and checks, markers, party requests, evidence copies

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-23
"""
from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('access_request',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('requester', sa.String(length=80), nullable=False),
    sa.Column('requester_name', sa.String(length=80), nullable=False),
    sa.Column('av_record_ids', sa.Text(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('hours', sa.Integer(), nullable=False),
    sa.Column('requested_at', sa.DateTime(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('decided_by', sa.String(length=80), nullable=False),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.Column('decision_note', sa.Text(), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_access_request'))
    )
    with op.batch_alter_table('access_request', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_access_request_requester'), ['requester'], unique=False)

    op.create_table('spot_check_plan',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('period_from', sa.Date(), nullable=False),
    sa.Column('period_to', sa.Date(), nullable=False),
    sa.Column('scope_kind', sa.String(length=20), nullable=False),
    sa.Column('scope_value', sa.String(length=200), nullable=False),
    sa.Column('size_kind', sa.String(length=10), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('seed', sa.BigInteger(), nullable=False),
    sa.Column('checklist', sa.Text(), nullable=False),
    sa.Column('population', sa.Text(), nullable=False),
    sa.Column('sample', sa.Text(), nullable=False),
    sa.Column('created_by', sa.String(length=80), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_spot_check_plan'))
    )
    op.create_table('evidence_copy',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('av_record_ids', sa.Text(), nullable=False),
    sa.Column('recipient', sa.String(length=200), nullable=False),
    sa.Column('purpose', sa.String(length=200), nullable=False),
    sa.Column('folder', sa.Text(), nullable=False),
    sa.Column('manifest_sha256', sa.String(length=64), nullable=False),
    sa.Column('made_by', sa.String(length=80), nullable=False),
    sa.Column('made_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['case_file.id'], name=op.f('fk_evidence_copy_case_id_case_file')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evidence_copy'))
    )
    with op.batch_alter_table('evidence_copy', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_evidence_copy_case_id'), ['case_id'], unique=False)

    op.create_table('party_request',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('requester_name', sa.String(length=200), nullable=False),
    sa.Column('id_number', sa.String(length=40), nullable=False),
    sa.Column('contact', sa.String(length=80), nullable=False),
    sa.Column('wants', sa.String(length=10), nullable=False),
    sa.Column('asked_for', sa.Text(), nullable=False),
    sa.Column('route', sa.String(length=20), nullable=False),
    sa.Column('received_by', sa.String(length=80), nullable=False),
    sa.Column('received_at', sa.DateTime(), nullable=False),
    sa.Column('decision', sa.String(length=20), nullable=False),
    sa.Column('decided_by', sa.String(length=80), nullable=False),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.Column('decision_reason', sa.Text(), nullable=False),
    sa.Column('provided', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['case_file.id'], name=op.f('fk_party_request_case_id_case_file')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_party_request'))
    )
    with op.batch_alter_table('party_request', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_party_request_case_id'), ['case_id'], unique=False)

    op.create_table('av_marker',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('av_record_id', sa.Integer(), nullable=False),
    sa.Column('position_ms', sa.BigInteger(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_by', sa.String(length=80), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['av_record_id'], ['av_record.id'], name=op.f('fk_av_marker_av_record_id_av_record')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_av_marker'))
    )
    with op.batch_alter_table('av_marker', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_av_marker_av_record_id'), ['av_record_id'], unique=False)

    op.create_table('spot_check',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('av_record_id', sa.Integer(), nullable=False),
    sa.Column('results', sa.Text(), nullable=False),
    sa.Column('issues', sa.Text(), nullable=False),
    sa.Column('conclusion', sa.Text(), nullable=False),
    sa.Column('checker', sa.String(length=80), nullable=False),
    sa.Column('checker_name', sa.String(length=80), nullable=False),
    sa.Column('checked_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['av_record_id'], ['av_record.id'], name=op.f('fk_spot_check_av_record_id_av_record')),
    sa.ForeignKeyConstraint(['plan_id'], ['spot_check_plan.id'], name=op.f('fk_spot_check_plan_id_spot_check_plan')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_spot_check')),
    sa.UniqueConstraint('plan_id', 'av_record_id', name=op.f('uq_spot_check_plan_id'))
    )
    with op.batch_alter_table('spot_check', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_spot_check_plan_id'), ['plan_id'], unique=False)

    with op.batch_alter_table('av_record', schema=None) as batch_op:
        batch_op.add_column(sa.Column('access_class', sa.String(length=20), nullable=False, server_default='ORDINARY'))
        batch_op.add_column(sa.Column('restricted_reason', sa.String(length=30), nullable=False, server_default=''))



def downgrade() -> None:
    with op.batch_alter_table('av_record', schema=None) as batch_op:
        batch_op.drop_column('restricted_reason')
        batch_op.drop_column('access_class')

    with op.batch_alter_table('spot_check', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_spot_check_plan_id'))

    op.drop_table('spot_check')
    with op.batch_alter_table('av_marker', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_av_marker_av_record_id'))

    op.drop_table('av_marker')
    with op.batch_alter_table('party_request', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_party_request_case_id'))

    op.drop_table('party_request')
    with op.batch_alter_table('evidence_copy', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_evidence_copy_case_id'))

    op.drop_table('evidence_copy')
    op.drop_table('spot_check_plan')
    with op.batch_alter_table('access_request', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_access_request_requester'))

    op.drop_table('access_request')
