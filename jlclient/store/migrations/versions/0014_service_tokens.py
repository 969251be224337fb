"""service accounts: per-machine tokens for unattended docking stations and scheduled CCTV imports

Both tables only grow: a token is made once, and revoking it adds a row (never an update), so they
carry migration 0013's append-only triggers from the start.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-03
"""
from alembic import op
import sqlalchemy as sa


revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None

TABLES = ("service_token", "service_token_revocation")
REFUSED = "只能追加，不能修改或删除：已形成的记录不得更改，更正须另作新版本"   # as 0013 words it


def _refuse_rewrites(table: str) -> None:
    if op.get_bind().dialect.name == "sqlite":
        for verb in ("update", "delete"):
            op.execute(f"CREATE TRIGGER jl_append_only_{table}_{verb} BEFORE {verb.upper()} ON {table} "
                       f"BEGIN SELECT RAISE(ABORT, '{table} {REFUSED}'); END")
        return
    op.execute(f"CREATE TRIGGER jl_append_only BEFORE UPDATE OR DELETE ON {table} "
               f"FOR EACH ROW EXECUTE FUNCTION jl_refuse_rewrite()")
    op.execute(f"CREATE TRIGGER jl_append_only_truncate BEFORE TRUNCATE ON {table} "
               f"FOR EACH STATEMENT EXECUTE FUNCTION jl_refuse_rewrite()")


def upgrade() -> None:
    op.create_table(
        'service_token',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=80), nullable=False),
        sa.Column('commands', sa.String(length=200), nullable=False),
        sa.Column('token_hash', sa.String(length=200), nullable=False),
        sa.Column('created_by', sa.String(length=120), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_service_token')),
        sa.UniqueConstraint('name', name=op.f('uq_service_token_name')),
    )
    op.create_table(
        'service_token_revocation',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('token_id', sa.Integer(), nullable=False),
        sa.Column('revoked_by', sa.String(length=120), nullable=False),
        sa.Column('revoked_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['token_id'], ['service_token.id'],
                                name=op.f('fk_service_token_revocation_token_id_service_token')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_service_token_revocation')),
        sa.UniqueConstraint('token_id', name=op.f('uq_service_token_revocation_token_id')),
    )
    for table in TABLES:
        _refuse_rewrites(table)


def downgrade() -> None:
    op.drop_table('service_token_revocation')
    op.drop_table('service_token')
