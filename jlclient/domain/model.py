"""Procedures, start modes, stages and roles (design guide §5 glossary)."""
from __future__ import annotations

from enum import Enum


class LabelledEnum(str, Enum):
    """A str enum whose members carry a Chinese label for display."""

    def __new__(cls, value: str, label: str):
        obj = str.__new__(cls, value)
        obj._value_ = value
        obj.label = label
        return obj

    @classmethod
    def parse(cls, text: str):
        """Accept either the code (``PERMIT``) or the Chinese label (``行政许可``)."""
        for member in cls:
            if text in (member.value, member.label):
                return member
        raise ValueError(f"未知的{cls.__doc__ or cls.__name__}：{text!r}")


class DataFileError(ValueError):
    """A shipped or agency data file (rule profile, form, catalogue) that cannot be used.
    The Chinese message names the file and the dotted key that is wrong."""
    kind = "数据文件"

    def __init__(self, filename: str, problem: str, key: str | None = None):
        self.filename = filename
        self.key = key
        self.problem = problem
        where = f"键 {key} " if key else ""
        super().__init__(f"{self.kind} {filename}：{where}{problem}")


class StartMode(LabelledEnum):
    """启动方式"""
    ON_APPLICATION = ("ON_APPLICATION", "依申请")
    EX_OFFICIO = ("EX_OFFICIO", "依职权")


class Procedure(LabelledEnum):
    """执法类别"""
    PERMIT = ("PERMIT", "行政许可")
    PENALTY = ("PENALTY", "行政处罚")
    INSPECTION = ("INSPECTION", "行政检查")
    COERCION = ("COERCION", "行政强制")
    CONFIRMATION = ("CONFIRMATION", "行政确认")
    BENEFIT = ("BENEFIT", "行政给付")


class Stage(LabelledEnum):
    """执法环节"""
    INITIATION = ("INITIATION", "程序启动")
    ACCEPTANCE = ("ACCEPTANCE", "受理")
    INVESTIGATION = ("INVESTIGATION", "调查取证/审查")
    DECISION = ("DECISION", "决定")
    SERVICE = ("SERVICE", "送达")
    EXECUTION = ("EXECUTION", "执行")
    ARCHIVING = ("ARCHIVING", "归档")


class CaseStatus(LabelledEnum):
    """案件状态"""
    OPEN = ("OPEN", "办理中")
    CLOSED = ("CLOSED", "已结案")
    ARCHIVED = ("ARCHIVED", "已归档")


class ServiceMethod(LabelledEnum):
    """送达方式"""
    DIRECT = ("DIRECT", "直接送达")
    ENTRUSTED = ("ENTRUSTED", "委托送达")
    POSTAL = ("POSTAL", "邮寄送达")
    PUBLIC_NOTICE = ("PUBLIC_NOTICE", "公告送达")
    LODGED = ("LODGED", "留置送达")
    ELECTRONIC = ("ELECTRONIC", "电子送达")
    # seed 002 Art. 12 names 转交 among the methods whose service is recorded in writing;
    # 民事诉讼法 Art. 92-94: through the unit of a serviceman, a prisoner or a person under
    # compulsory education, which hands the document to the party to sign for at once.
    TRANSFERRED = ("TRANSFERRED", "转交送达")


class Role(LabelledEnum):
    """角色"""
    CLERK = ("CLERK", "窗口工作人员")
    OFFICER = ("OFFICER", "执法人员")
    REVIEWER = ("REVIEWER", "法制审核人员")
    ARCHIVIST = ("ARCHIVIST", "档案管理员")
    APPROVER = ("APPROVER", "负责人")
    ADMIN = ("ADMIN", "系统管理员")


class CameraStatus(LabelledEnum):
    """记录仪状态"""
    PENDING = ("PENDING", "待登记")      # docked before it was registered: footage pulled all the same
    IN_SERVICE = ("IN_SERVICE", "在用")
    FAULTY = ("FAULTY", "故障")
    RETIRED = ("RETIRED", "停用")


class RecordKind(LabelledEnum):
    """记录形式 (seed 002 Art. 3)"""
    TEXT = ("TEXT", "文字记录")
    AV = ("AV", "音像记录")
    ELECTRONIC = ("ELECTRONIC", "电子数据")


_S = Stage
# Stages each procedure passes through, in order (domain.md §3; seed 000 Art. 6-10,
# seed 002 Art. 4-14). Acceptance exists only for cases started on application.
STAGE_ORDER: dict[Procedure, tuple[Stage, ...]] = {
    Procedure.PERMIT: (_S.INITIATION, _S.ACCEPTANCE, _S.INVESTIGATION, _S.DECISION, _S.SERVICE, _S.ARCHIVING),
    Procedure.PENALTY: (_S.INITIATION, _S.INVESTIGATION, _S.DECISION, _S.SERVICE, _S.EXECUTION, _S.ARCHIVING),
    Procedure.INSPECTION: (_S.INITIATION, _S.INVESTIGATION, _S.DECISION, _S.SERVICE, _S.ARCHIVING),
    Procedure.COERCION: (_S.INITIATION, _S.INVESTIGATION, _S.DECISION, _S.SERVICE, _S.EXECUTION, _S.ARCHIVING),
    Procedure.CONFIRMATION: (_S.INITIATION, _S.ACCEPTANCE, _S.INVESTIGATION, _S.DECISION, _S.SERVICE, _S.ARCHIVING),
    Procedure.BENEFIT: (_S.INITIATION, _S.ACCEPTANCE, _S.INVESTIGATION, _S.DECISION, _S.SERVICE, _S.EXECUTION, _S.ARCHIVING),
}

# Which start modes each procedure allows: permits, confirmations and benefits are
# started by an application; penalties, inspections and coercion ex officio.
START_MODES: dict[Procedure, frozenset[StartMode]] = {
    Procedure.PERMIT: frozenset({StartMode.ON_APPLICATION}),
    Procedure.PENALTY: frozenset({StartMode.EX_OFFICIO}),
    Procedure.INSPECTION: frozenset({StartMode.EX_OFFICIO}),
    Procedure.COERCION: frozenset({StartMode.EX_OFFICIO}),
    Procedure.CONFIRMATION: frozenset({StartMode.ON_APPLICATION}),
    Procedure.BENEFIT: frozenset({StartMode.ON_APPLICATION, StartMode.EX_OFFICIO}),
}


def stages_for(procedure: Procedure, start_mode: StartMode) -> tuple[Stage, ...]:
    """The stage order of one case; ex-officio cases skip acceptance."""
    if start_mode not in START_MODES[procedure]:
        raise ValueError(f"{procedure.label}不能以“{start_mode.label}”方式启动")
    order = STAGE_ORDER[procedure]
    if start_mode is StartMode.EX_OFFICIO:
        order = tuple(s for s in order if s is not Stage.ACCEPTANCE)
    return order


def next_stage(procedure: Procedure, start_mode: StartMode, current: Stage) -> Stage | None:
    """The stage after ``current``, or None when the case is at its last stage."""
    order = stages_for(procedure, start_mode)
    if current not in order:
        raise ValueError(f"{procedure.label}没有“{current.label}”环节")
    i = order.index(current)
    return order[i + 1] if i + 1 < len(order) else None


def can_advance(procedure: Procedure, start_mode: StartMode, current: Stage, target: Stage) -> bool:
    """Stages move forward one at a time, never back."""
    return next_stage(procedure, start_mode, current) is target
