"""case volumes (案卷): a closed case bound, numbered and boxed once

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23
"""
from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('case_volume',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('archive_year', sa.Integer(), nullable=False),
    sa.Column('archive_seq', sa.Integer(), nullable=False),
    sa.Column('fonds_no', sa.String(length=40), nullable=False),
    sa.Column('catalogue_no', sa.String(length=40), nullable=False),
    sa.Column('retention', sa.String(length=10), nullable=False),
    sa.Column('box_no', sa.Integer(), nullable=False),
    sa.Column('items', sa.Integer(), nullable=False),
    sa.Column('pages', sa.Integer(), nullable=False),
    sa.Column('documents', sa.Text(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('filer', sa.String(length=80), nullable=False),
    sa.Column('checker', sa.String(length=80), nullable=False),
    sa.Column('filed_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['case_file.id'], name=op.f('fk_case_volume_case_id_case_file')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_volume')),
    sa.UniqueConstraint('archive_year', 'archive_seq', name=op.f('uq_case_volume_archive_year')),
    sa.UniqueConstraint('case_id', name=op.f('uq_case_volume_case_id'))
    )


def downgrade() -> None:
    op.drop_table('case_volume')
