"""Every write to a case goes through one of these `do_*` actions (style-anchors §3 ex. 2).

Each is `@transaction.atomic`, takes a keyword-only `actor`, checks the kind's transition
table, moves the state with a conditional UPDATE and writes the timeline, audit and outbox
rows in the same transaction (`engine.move`).
"""

from fengqiao.cases.actions.attachments import Attached, TooLarge, do_attach
from fengqiao.cases.actions.dispatch import (
    AssignmentDraft,
    do_accept,
    do_answer_directly,
    do_dispatch,
    do_object,
    do_redispatch,
    do_refer_channel,
    do_reject,
    do_report,
    do_resolve_on_site,
    do_rule_co_objection,
    do_sign,
    do_transfer_emergency,
    do_uphold,
    suggested_lead,
)
from fengqiao.cases.actions.handling import (
    do_approve_extension,
    do_approve_reply,
    do_archive,
    do_callback,
    do_close,
    do_pause,
    do_refuse_extension,
    do_reply,
    do_request_extension,
    do_resume,
    do_return_for_rework,
    do_start,
)
from fengqiao.cases.actions.intake import CaseDraft, PartyDraft, Registered, do_register
from fengqiao.cases.actions.merge import do_merge, do_unmerge
from fengqiao.cases.actions.system import (
    do_escalate,
    do_mark_overdue,
    do_purge_idempotency_keys,
    do_raise_supervision,
)

__all__ = [
    "AssignmentDraft",
    "Attached",
    "CaseDraft",
    "PartyDraft",
    "Registered",
    "TooLarge",
    "do_accept",
    "do_answer_directly",
    "do_approve_extension",
    "do_approve_reply",
    "do_archive",
    "do_attach",
    "do_callback",
    "do_close",
    "do_dispatch",
    "do_escalate",
    "do_mark_overdue",
    "do_merge",
    "do_object",
    "do_pause",
    "do_purge_idempotency_keys",
    "do_raise_supervision",
    "do_redispatch",
    "do_refer_channel",
    "do_refuse_extension",
    "do_register",
    "do_reject",
    "do_reply",
    "do_report",
    "do_request_extension",
    "do_resolve_on_site",
    "do_resume",
    "do_return_for_rework",
    "do_rule_co_objection",
    "do_sign",
    "do_start",
    "do_transfer_emergency",
    "do_unmerge",
    "do_uphold",
    "suggested_lead",
]
