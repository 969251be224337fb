"""hall CCTV footage: where a recording came from (body camera or the hall's CCTV) and its channel

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-24
"""
from alembic import op
import sqlalchemy as sa


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('av_record', schema=None) as batch_op:
        batch_op.add_column(sa.Column('source', sa.String(length=20), nullable=False, server_default='camera'))
        batch_op.add_column(sa.Column('channel', sa.String(length=80), nullable=False, server_default=''))


def downgrade() -> None:
    with op.batch_alter_table('av_record', schema=None) as batch_op:
        batch_op.drop_column('channel')
        batch_op.drop_column('source')
