"""case list: covering index (opened_at, search_text) for the filter

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('case_file', schema=None) as batch_op:
        batch_op.drop_index('ix_case_file_opened_at')
        batch_op.create_index('ix_case_file_opened_search', ['opened_at', 'search_text'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('case_file', schema=None) as batch_op:
        batch_op.drop_index('ix_case_file_opened_search')
        batch_op.create_index('ix_case_file_opened_at', ['opened_at'], unique=False)
