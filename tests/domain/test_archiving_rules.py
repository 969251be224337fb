"""Binding order, page numbers, archive numbers and boxes of case files."""
from datetime import datetime

import pytest

from jlclient.domain.archiving import (DEFAULT_RETENTION, RETENTIONS, BoxSlot, Document, archive_number,
                                       binding_order, box_for, start_pages)
from jlclient.domain.model import Procedure, Stage

T = datetime(2026, 3, 1, 9)


def doc(key, stage, day, pages=1, conclusion=False):
    return Document(key, stage, key, T.replace(day=day), pages=pages, conclusion=conclusion)


def test_the_concluding_decision_opens_the_volume_then_the_procedure_in_order_and_footage_last():
    docs = [doc("service", Stage.SERVICE, 9), doc("footage", Stage.INVESTIGATION, 2, pages=0),
            doc("inquiry", Stage.INVESTIGATION, 3), doc("decision", Stage.DECISION, 8, conclusion=True),
            doc("approval", Stage.INITIATION, 1), doc("inspection", Stage.INVESTIGATION, 2),
            doc("scan", None, 4, pages=0)]
    assert [d.key for d in binding_order(docs)] == ["decision", "approval", "inspection", "inquiry", "service",
                                                    "footage", "scan"]


def test_start_pages_give_each_start_and_the_last_paper_document_its_end():
    assert start_pages([3, 0, 1, 2]) == ["1", "", "4", "5-6"]
    assert start_pages([2, 1]) == ["1", "3"]
    assert start_pages([1, 4, 0]) == ["1", "2-5", ""]
    assert start_pages([]) == [] and start_pages([0]) == [""]
    with pytest.raises(ValueError):
        start_pages([2, -1])


def test_archive_numbers_are_the_year_and_four_digits():
    assert archive_number(2026, 7) == "2026-0007"
    assert archive_number(2027, 1234) == "2027-1234"


def test_every_procedure_has_a_default_retention_among_the_three_periods():
    assert set(DEFAULT_RETENTION) == set(Procedure)
    assert set(DEFAULT_RETENTION.values()) <= set(RETENTIONS)
    assert DEFAULT_RETENTION[Procedure.PENALTY] == "永久"


def test_a_volume_joins_the_newest_box_of_its_year_and_retention_while_it_has_room():
    boxes = [BoxSlot(2026, "永久", 1, 3), BoxSlot(2026, "30年", 2, 1)]
    assert box_for(boxes, 2026, "永久", per_box=4) == 1
    assert box_for(boxes, 2026, "30年", per_box=4) == 2
    assert box_for([], 2026, "永久", per_box=4) == 1


def test_a_full_box_or_another_year_or_retention_opens_a_new_box():
    boxes = [BoxSlot(2026, "永久", 1, 4), BoxSlot(2026, "30年", 2, 1), BoxSlot(2025, "10年", 9, 1)]
    assert box_for(boxes, 2026, "永久", per_box=4) == 3     # full: after every 2026 box
    assert box_for(boxes, 2026, "10年", per_box=4) == 3     # 10年 never shares a 永久 or 30年 box
    assert box_for(boxes, 2027, "永久", per_box=4) == 1     # a new year numbers its boxes from 1
