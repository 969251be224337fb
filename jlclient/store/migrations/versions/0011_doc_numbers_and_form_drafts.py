"""document numbers (文号) handed out once, unique in the database; form drafts kept against a crash

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03
"""
from alembic import op
import sqlalchemy as sa


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'doc_number',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('year', sa.Integer(), nullable=False),
        sa.Column('seq', sa.Integer(), nullable=False),
        sa.Column('number', sa.String(length=80), nullable=False),
        sa.Column('form', sa.String(length=60), nullable=False),
        sa.Column('record_id', sa.Integer(), nullable=True),
        sa.Column('assigned_at', sa.DateTime(), nullable=False),
        sa.Column('assigned_by', sa.String(length=80), nullable=False),
        sa.ForeignKeyConstraint(['record_id'], ['text_record.id'], name=op.f('fk_doc_number_record_id_text_record')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_doc_number')),
        sa.UniqueConstraint('kind', 'year', 'seq', name=op.f('uq_doc_number_kind')),
        sa.UniqueConstraint('number', name=op.f('uq_doc_number_number')),
    )
    op.create_index(op.f('ix_doc_number_record_id'), 'doc_number', ['record_id'], unique=False)
    op.create_table(
        'form_draft',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('form', sa.String(length=60), nullable=False),
        sa.Column('username', sa.String(length=80), nullable=False),
        sa.Column('content', sa.Text(), nullable=False),
        sa.Column('saved_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['case_id'], ['case_file.id'], name=op.f('fk_form_draft_case_id_case_file')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_form_draft')),
        sa.UniqueConstraint('case_id', 'form', 'username', name=op.f('uq_form_draft_case_id')),
    )
    op.create_index(op.f('ix_form_draft_case_id'), 'form_draft', ['case_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_form_draft_case_id'), table_name='form_draft')
    op.drop_table('form_draft')
    op.drop_index(op.f('ix_doc_number_record_id'), table_name='doc_number')
    op.drop_table('doc_number')
