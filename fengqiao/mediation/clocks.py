"""Which statutory clocks a dispute runs, by `fengqiao.rules` code (never a number here).

| code | rule | when |
|---|---|---|
| mediation.people | 24 | people's mediation, from acceptance (一般在一个月内调结) |
| labour.mediation | 30 | labour disputes, from the body's receipt; then arbitration |
| court.delegated_mediation, court.entrusted_mediation_* | 24 | court referrals, from the |
|   |   | first sign-for, once per referral |
| admin_mediation.accept(_complex), admin_mediation.transfer | 29 | an administrative body |
|   |   | decides on acceptance / transfers to the competent body |
| judicial_confirmation.apply | 26 | the parties' window, from the agreement taking effect |
| judicial_confirmation.accept / .decide (+.extension) | 26 | the court's acceptance and decision |
| mediation.police_report | 23 | a dispute that may turn criminal: report at once |
"""

from __future__ import annotations

import datetime as dt

from fengqiao.accounts.models import User
from fengqiao.cases.models import Case
from fengqiao.mediation.models import CourtReferral, Dispute, MediationType
from fengqiao.procedures.actions import do_start_timer, do_stop_timer
from fengqiao.procedures.timers import latest

PEOPLE_TERM = "mediation.people"
LABOUR_TERM = "labour.mediation"
ADMIN_ACCEPT = "admin_mediation.accept"
ADMIN_ACCEPT_COMPLEX = "admin_mediation.accept_complex"
ADMIN_TRANSFER = "admin_mediation.transfer"
CONFIRM_APPLY = "judicial_confirmation.apply"
CONFIRM_ACCEPT = "judicial_confirmation.accept"
CONFIRM_DECIDE = "judicial_confirmation.decide"
POLICE_REPORT = "mediation.police_report"

STAGE_CLOCKS = (PEOPLE_TERM, LABOUR_TERM, ADMIN_ACCEPT, ADMIN_ACCEPT_COMPLEX, ADMIN_TRANSFER)


def referral_of(case: Case) -> CourtReferral | None:
    return CourtReferral.objects.filter(case=case).select_related("route", "step", "court").first()


def on_received(case: Case, dispute: Dispute, *, at: dt.datetime, actor: User | None) -> None:
    """A body received the dispute: an administrative body must decide on acceptance (5 or 10
    working days) or transfer it (3 working days); a labour mediation term starts."""
    if dispute.mediation_type == MediationType.ADMINISTRATIVE:
        code = ADMIN_ACCEPT_COMPLEX if dispute.is_complex else ADMIN_ACCEPT
        do_start_timer(case, code, start=at, actor=actor, primary=True, context="stage")
        do_start_timer(case, ADMIN_TRANSFER, start=at, actor=actor, context="stage")
    if dispute.is_labour and referral_of(case) is None:
        do_start_timer(case, LABOUR_TERM, start=at, actor=actor, primary=True, context="stage")


def on_accepted(case: Case, dispute: Dispute, *, at: dt.datetime, actor: User | None) -> None:
    """The body accepted it: its acceptance clocks stop, the mediation term starts."""
    for code in (ADMIN_ACCEPT, ADMIN_ACCEPT_COMPLEX, ADMIN_TRANSFER):
        do_stop_timer(case, code, at=at, actor=actor, reason="已受理")
    referral = referral_of(case)
    if referral is not None:
        if latest(case, referral.clock_code) is None:  # once per referral, at first sign-for
            do_start_timer(
                case, referral.clock_code, start=at, actor=actor, primary=True, context="referral"
            )
        return
    if dispute.mediation_type == MediationType.PEOPLE and not dispute.is_labour:
        do_start_timer(case, PEOPLE_TERM, start=at, actor=actor, primary=True, context="stage")


def stop_stage_clocks(case: Case, *, at: dt.datetime, actor: User | None, reason: str) -> None:
    for code in STAGE_CLOCKS:
        do_stop_timer(case, code, at=at, actor=actor, reason=reason)


def stop_referral_clock(case: Case, *, at: dt.datetime, actor: User | None, reason: str) -> None:
    referral = referral_of(case)
    if referral is not None:
        do_stop_timer(case, referral.clock_code, at=at, actor=actor, reason=reason)
