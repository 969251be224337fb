"""The regulations' titles as citations use them, and the administrator's title of a regulation that
names no agency (bureau-002): set once, audited, used in every citation of that agency."""
import pytest
from sqlalchemy import select

from jlclient.services import citations, setup
from jlclient.services.context import ServiceError
from jlclient.store.models import AuditEntry


def test_the_titles_come_from_the_profiles(demo_ctx):
    titles = citations.read_titles(demo_ctx)
    assert titles["000"] == "灵寿县行政审批局行政执法全过程记录办法"
    assert titles["004"] == "陵川县行政审批局行政许可全过程记录办法"
    assert citations.words(demo_ctx, "seed 000 Art. 22") == "《灵寿县行政审批局行政执法全过程记录办法》第二十二条"


def test_a_title_the_regulation_carries_cannot_be_changed(demo_ctx):
    with pytest.raises(ServiceError, match="规定本身载明的名称"):
        citations.set_regulation_title(demo_ctx, "user:admin", "lingshou-approval", "别的办法")
    citations.set_regulation_title(demo_ctx, "user:admin", "lingshou-approval", "灵寿县行政审批局行政执法全过程记录办法")


def test_the_administrator_names_a_placeholder_regulation(demo_ctx):
    setup.set_profile(demo_ctx, "user:admin", "bureau-002")
    assert citations.words(demo_ctx, "seed 002 Art. 16") == "《行政执法全过程记录办法》第十六条"
    citations.set_regulation_title(demo_ctx, "user:admin", "bureau-002", " 《某县某局行政执法全过程记录办法》 ")
    assert citations.words(demo_ctx, "seed 002 Art. 16") == "《某县某局行政执法全过程记录办法》第十六条"
    with demo_ctx.db.read() as s:
        entry = s.scalars(select(AuditEntry).order_by(AuditEntry.seq.desc())).first()
        assert entry.action == "setting.set" and entry.actor == "user:admin"
    with pytest.raises(ServiceError, match="不能超过"):
        citations.set_regulation_title(demo_ctx, "user:admin", "bureau-002", "办" * 101)
    setup.set_profile(demo_ctx, "user:admin", "lingshou-approval")   # another profile: its own title again
    assert citations.read_titles(demo_ctx)["002"] == "行政执法全过程记录办法"
