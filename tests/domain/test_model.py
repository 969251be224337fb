import pytest

from jlclient.domain.model import Procedure, Role, Stage, StartMode, can_advance, next_stage, stages_for


def test_ex_officio_cases_skip_acceptance():
    order = stages_for(Procedure.PENALTY, StartMode.EX_OFFICIO)
    assert order[0] is Stage.INITIATION and Stage.ACCEPTANCE not in order
    assert order[-1] is Stage.ARCHIVING


def test_permit_passes_acceptance_before_examination():
    order = stages_for(Procedure.PERMIT, StartMode.ON_APPLICATION)
    assert order.index(Stage.ACCEPTANCE) < order.index(Stage.INVESTIGATION) < order.index(Stage.DECISION)


def test_a_penalty_cannot_start_on_application():
    with pytest.raises(ValueError, match="行政处罚"):
        stages_for(Procedure.PENALTY, StartMode.ON_APPLICATION)


@pytest.mark.parametrize("procedure", list(Procedure))
def test_every_procedure_starts_with_initiation_and_ends_with_archiving(procedure):
    for mode in StartMode:
        try:
            order = stages_for(procedure, mode)
        except ValueError:
            continue
        assert order[0] is Stage.INITIATION and order[-1] is Stage.ARCHIVING
        assert next_stage(procedure, mode, order[-1]) is None
        assert can_advance(procedure, mode, order[0], order[1])
        assert not can_advance(procedure, mode, order[1], order[0])


def test_labels_parse_both_ways():
    assert Role.parse("档案管理员") is Role.ARCHIVIST
    assert Role.parse("ARCHIVIST") is Role.ARCHIVIST
    with pytest.raises(ValueError):
        Role.parse("门卫")
