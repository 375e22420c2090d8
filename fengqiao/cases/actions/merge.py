"""并单: repeat demands are merged into one order (2025 opinion; rule 11), and can be undone.

A merged case keeps its own row — channel, receipt number, received and created dates — so
statistics still count every original; it points at its parent, its state becomes ``merged``
(closed for clocks and lists of open work) and unmerging restores the state it had.
"""

from __future__ import annotations

from django.db import transaction

from fengqiao.accounts.models import User
from fengqiao.cases.actions.engine import CENTRE_ROLES, acts_in_region, force_state, note
from fengqiao.cases.errors import CaseError, NotAllowed
from fengqiao.cases.models import ACTIVE_ASSIGNMENT, Case, CaseTransition
from fengqiao.cases.workflow import MERGED, is_open_state


def _check_operator(case: Case, actor: User) -> None:
    if not acts_in_region(actor, case, CENTRE_ROLES):
        raise NotAllowed("并单只能由受理/调度人员办理。", "Only an operator merges cases.")


@transaction.atomic
def do_merge(
    case: Case, *, into: Case, actor: User, reason: str = "", version: int | None = None
) -> Case:
    """Merge `case` (a duplicate, not yet dispatched) into the open case `into`."""
    _check_operator(case, actor)
    _check_operator(into, actor)
    if case.pk == into.pk:
        raise CaseError("不能并入自身。", "A case cannot be merged into itself.")
    if not case.is_open or not into.is_open or into.parent_id is not None:
        raise CaseError(
            "只有未办结的事项之间才能并单，且不能并入已被并单的事项。",
            "Both cases must be open, and the parent must not itself be merged.",
        )
    if case.merged_children.exists():
        raise CaseError(
            "该事项已有并入的事项，请将其作为主单。",
            "This case already has merged children; use it as the parent.",
        )
    if case.assignments.filter(status__in=ACTIVE_ASSIGNMENT).exists():
        raise CaseError(
            "已派单的事项不能并单，请先处理其派单。",
            "A dispatched case cannot be merged.",
        )
    restore = case.status
    case = force_state(
        case,
        "merge",
        target=MERGED,
        actor=actor,
        version=version,
        reason=reason,
        data={"parent": into.receipt_no, "restore": restore},
        fields={"parent": into},
    )
    note(into, "merge_in", actor=actor, reason=reason, data={"child": case.receipt_no})
    return case


@transaction.atomic
def do_unmerge(case: Case, *, actor: User, reason: str = "", version: int | None = None) -> Case:
    """Undo a merge: the case leaves its parent and returns to the state it had."""
    _check_operator(case, actor)
    if case.status != MERGED or case.parent is None:
        raise CaseError("该事项未被并单。", "The case is not merged.")
    merge_row = (
        CaseTransition.objects.filter(case=case, action="merge").order_by("-at", "-pk").first()
    )
    restore = str((merge_row.data if merge_row else {}).get("restore", ""))
    if not restore:
        raise CaseError("找不到并单前的状态。", "The state before the merge is unknown.")
    parent = case.parent
    case = force_state(
        case,
        "unmerge",
        target=restore,
        actor=actor,
        version=version,
        reason=reason,
        data={"parent": parent.receipt_no},
        fields={"parent": None, "is_open": is_open_state(case.kind, restore)},
    )
    note(parent, "unmerge_out", actor=actor, reason=reason, data={"child": case.receipt_no})
    return case
