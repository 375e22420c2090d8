"""Every write to a petition goes through one of these `do_*` actions (`@transaction.atomic`,
keyword-only `actor`, the engine's conditional UPDATE, timeline, audit and outbox rows)."""

from fengqiao.petitions.actions.flow import (
    DecisionDraft,
    do_accept_petition,
    do_decide,
    do_decline_petition,
    do_extend,
    do_object_misrouted,
    do_redirect,
    do_redispatch_petition,
    do_refuse,
    do_route,
    do_uphold_petition,
)
from fengqiao.petitions.actions.intake import PetitionDraft, do_register_petition
from fengqiao.petitions.actions.recommend import do_answer_recommendation, do_make_recommendation
from fengqiao.petitions.actions.review import (
    do_conclude,
    do_end_hearing,
    do_rate,
    do_request_review,
    do_review_decide,
    do_start_hearing,
)

__all__ = [
    "DecisionDraft",
    "PetitionDraft",
    "do_accept_petition",
    "do_answer_recommendation",
    "do_conclude",
    "do_decide",
    "do_decline_petition",
    "do_end_hearing",
    "do_extend",
    "do_make_recommendation",
    "do_object_misrouted",
    "do_rate",
    "do_redirect",
    "do_redispatch_petition",
    "do_refuse",
    "do_register_petition",
    "do_request_review",
    "do_review_decide",
    "do_route",
    "do_start_hearing",
    "do_uphold_petition",
]
