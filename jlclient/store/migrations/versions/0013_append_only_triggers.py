"""the database itself refuses rewrites: triggers on every append-only table, a chain head that only moves forward

The Python listeners in models.py stop the application; these triggers stop anyone else who
writes through SQL (a script, a database client, the application role on a bureau server).
They do not stop someone who may drop triggers (the file's holder on SQLite, the owner role on
PostgreSQL): that is what the anchors outside the database are for.

SQLite drops a table's triggers when Alembic's batch mode copies the table, so a later
migration that batch-alters one of these tables must create its triggers again
(tests/store/test_append_only.py checks that every append-only table has them at head).

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03
"""
from alembic import op


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None

# frozen here on purpose: a migration states the schema of its day (models.py keeps the live list)
APPEND_ONLY = ("stage_event", "text_record_revision", "doc_number", "deadline_adjustment", "compliance_override",
               "pulled_file", "case_volume", "spot_check_plan", "spot_check", "av_marker", "evidence_copy",
               "retention_hold", "disposal", "audit_entry")
REFUSED = "只能追加，不能修改或删除：已形成的记录不得更改，更正须另作新版本"
HEAD_REFUSED = "审计链头只能前进，不能回退、改写或删除：已形成的审计记录不得删改"
# a chain head may move to a later entry; staying put with another hash is a rewrite too
HEAD_GOES_BACK = "NEW.seq < OLD.seq OR (NEW.seq = OLD.seq AND NEW.hash <> OLD.hash)"


def _sqlite_upgrade() -> None:
    for table in APPEND_ONLY:
        for verb in ("update", "delete"):
            op.execute(f"CREATE TRIGGER jl_append_only_{table}_{verb} BEFORE {verb.upper()} ON {table} "
                       f"BEGIN SELECT RAISE(ABORT, '{table} {REFUSED}'); END")
    op.execute(f"CREATE TRIGGER jl_chain_head_forward BEFORE UPDATE ON chain_head WHEN {HEAD_GOES_BACK} "
               f"BEGIN SELECT RAISE(ABORT, '{HEAD_REFUSED}'); END")
    op.execute(f"CREATE TRIGGER jl_chain_head_kept BEFORE DELETE ON chain_head "
               f"BEGIN SELECT RAISE(ABORT, '{HEAD_REFUSED}'); END")


def _postgresql_upgrade() -> None:
    # restrict_violation: the same class of error (IntegrityError) as SQLite's RAISE(ABORT)
    op.execute(f"""
        CREATE FUNCTION jl_refuse_rewrite() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION USING ERRCODE = 'restrict_violation', MESSAGE = TG_TABLE_NAME || ' {REFUSED}';
        END $$""")
    op.execute(f"""
        CREATE FUNCTION jl_chain_head_forward() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP = 'DELETE' OR {HEAD_GOES_BACK} THEN
                RAISE EXCEPTION USING ERRCODE = 'restrict_violation', MESSAGE = '{HEAD_REFUSED}';
            END IF;
            RETURN NEW;
        END $$""")
    for table in APPEND_ONLY:
        op.execute(f"CREATE TRIGGER jl_append_only BEFORE UPDATE OR DELETE ON {table} "
                   f"FOR EACH ROW EXECUTE FUNCTION jl_refuse_rewrite()")
    # TRUNCATE fires no row triggers: refuse it as a statement
    for table in (*APPEND_ONLY, "chain_head"):
        op.execute(f"CREATE TRIGGER jl_append_only_truncate BEFORE TRUNCATE ON {table} "
                   f"FOR EACH STATEMENT EXECUTE FUNCTION jl_refuse_rewrite()")
    op.execute("CREATE TRIGGER jl_chain_head_forward BEFORE UPDATE OR DELETE ON chain_head "
               "FOR EACH ROW EXECUTE FUNCTION jl_chain_head_forward()")


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _sqlite_upgrade()
    else:
        _postgresql_upgrade()


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for table in APPEND_ONLY:
            for verb in ("update", "delete"):
                op.execute(f"DROP TRIGGER jl_append_only_{table}_{verb}")
        op.execute("DROP TRIGGER jl_chain_head_forward")
        op.execute("DROP TRIGGER jl_chain_head_kept")
        return
    for table in APPEND_ONLY:
        op.execute(f"DROP TRIGGER jl_append_only ON {table}")
    for table in (*APPEND_ONLY, "chain_head"):
        op.execute(f"DROP TRIGGER jl_append_only_truncate ON {table}")
    op.execute("DROP TRIGGER jl_chain_head_forward ON chain_head")
    op.execute("DROP FUNCTION jl_chain_head_forward()")
    op.execute("DROP FUNCTION jl_refuse_rewrite()")
