"""retention holds and disposals: long-term holds on recordings and the disposal register

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-24
"""
from alembic import op
import sqlalchemy as sa


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('disposal',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('av_record_id', sa.Integer(), nullable=False),
    sa.Column('file_hash', sa.String(length=64), nullable=False),
    sa.Column('file_name', sa.Text(), nullable=False),
    sa.Column('size', sa.BigInteger(), nullable=False),
    sa.Column('rule', sa.Text(), nullable=False),
    sa.Column('approved_by', sa.String(length=80), nullable=False),
    sa.Column('approved_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['av_record_id'], ['av_record.id'], name=op.f('fk_disposal_av_record_id_av_record')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_disposal')),
    sa.UniqueConstraint('av_record_id', name=op.f('uq_disposal_av_record_id'))
    )
    with op.batch_alter_table('disposal', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_disposal_file_hash'), ['file_hash'], unique=False)

    op.create_table('retention_hold',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('av_record_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(length=40), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('placed_by', sa.String(length=80), nullable=False),
    sa.Column('placed_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['av_record_id'], ['av_record.id'], name=op.f('fk_retention_hold_av_record_id_av_record')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_retention_hold'))
    )
    with op.batch_alter_table('retention_hold', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_retention_hold_av_record_id'), ['av_record_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('retention_hold', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_retention_hold_av_record_id'))

    op.drop_table('retention_hold')
    with op.batch_alter_table('disposal', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_disposal_file_hash'))

    op.drop_table('disposal')
