"""body-camera pulls: one row per file stored, verified and registered

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23
"""
from alembic import op
import sqlalchemy as sa

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('pulled_file',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('camera_serial', sa.String(length=40), nullable=False),
    sa.Column('path', sa.String(length=500), nullable=False),
    sa.Column('size', sa.BigInteger(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('av_record_id', sa.Integer(), nullable=False),
    sa.Column('pulled_at', sa.DateTime(), nullable=False),
    sa.Column('pulled_by', sa.String(length=80), nullable=False),
    sa.ForeignKeyConstraint(['av_record_id'], ['av_record.id'], name=op.f('fk_pulled_file_av_record_id_av_record')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pulled_file')),
    sa.UniqueConstraint('camera_serial', 'path', 'size', name=op.f('uq_pulled_file_camera_serial'))
    )


def downgrade() -> None:
    op.drop_table('pulled_file')
