"""The providers of the mediation and petition measures (docs/reports.md §6): they read the
apps' own records and hand `facts.build` plain numbers, never text or names (AC-06). What a
record counts is defined once, in the app (`mediation.stats.outcome_measures`,
`petitions.report.routing_measures` / `recommendation_measures`); the provider only places
it on its date:

- a dispute's outcome measures on the local date of its standing outcome (`outcome_at`);
  its source becomes the rule-27 group (主动调解 / 申请调解 / 接受委托移送调解);
- a petition's 转送/交办 on the date it was routed; each recommendation made from it on the
  date it was made, adopted or not as answered now (a cohort of the period's
  recommendations); its source becomes its channel (第十七条) and the unit it complains
  about becomes its 被反映单位 (the case keeps that unit only for accusations, AC-10).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from fengqiao.mediation.machine import DISPUTE_KINDS
from fengqiao.mediation.models import Dispute
from fengqiao.mediation.stats import outcome_measures, source_group
from fengqiao.petitions.models import Petition, PetitionChannel, Recommendation
from fengqiao.petitions.report import (
    SOURCE_OF_CHANNEL,
    recommendation_measures,
    routing_measures,
)
from fengqiao.reports.facts import Extra, local_day, register_provider
from fengqiao.reports.measures import Number


def disputes(ids: list[int]) -> dict[int, Extra]:
    """The rule-27 measures of the disputes among `ids`."""
    rows = Dispute.objects.filter(case_id__in=ids).values_list(
        "case_id",
        "source",
        "outcome",
        "outcome_at",
        "agreement_amount",
        "prevented_criminal",
        "prevented_criminal_people",
        "prevented_group_petition",
        "prevented_group_petition_people",
    )
    out: dict[int, Extra] = {}
    for case_id, source, outcome, outcome_at, amount, pc, pc_people, pg, pg_people in rows:
        measures: dict[str, Number] = dict(
            outcome_measures(outcome, amount, pc, pc_people, pg, pg_people)
        )
        on = local_day(outcome_at) if measures and outcome_at is not None else None
        out[case_id] = Extra(on, measures if on else {}, source_group(source))
    return out


def petitions(ids: list[int]) -> dict[int, Extra]:
    """The rule-22 measures of the petitions among `ids`."""
    dated: dict[int, list[tuple[date, dict[str, Number]]]] = defaultdict(list)
    recommended = Recommendation.objects.filter(case_id__in=ids).values_list(
        "case_id", "made_at", "adopted"
    )
    for case_id, made_at, adopted in recommended:
        dated[case_id].append((local_day(made_at), dict(recommendation_measures(adopted))))
    rows = Petition.objects.filter(case_id__in=ids).values_list(
        "case_id", "channel", "routing_mode", "routed_at", "about_unit_id"
    )
    out: dict[int, Extra] = {}
    for case_id, channel, mode, routed_at, about in rows:
        measures: dict[str, Number] = dict(routing_measures(mode))
        on = local_day(routed_at) if measures and routed_at is not None else None
        out[case_id] = Extra(
            on,
            measures if on else {},
            SOURCE_OF_CHANNEL.get(PetitionChannel(channel)) if channel else None,
            dated=tuple(sorted(dated.get(case_id, []), key=lambda item: item[0])),
            respondent_unit=about,
        )
    return out


def install() -> None:
    """Register both providers (called once at start-up by hooks.install)."""
    register_provider(DISPUTE_KINDS, disputes)
    register_provider(("petition",), petitions)
