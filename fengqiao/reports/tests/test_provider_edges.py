"""Edge cases of the provider measures, each with its answer written here: what one dispute
and one petition record count (the apps' single definitions), measures on several dates, a
merged dispute, an outcome undone and made again (reopened), the stored facts surviving a
round trip, and the indicator functions of the rule-27 and rule-22 figures."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from fengqiao.cases.models import Case
from fengqiao.mediation.models import Dispute, IntakeSource, Outcome
from fengqiao.mediation.stats import SOURCE_GROUPS, outcome_measures, source_group
from fengqiao.petitions.models import Petition, PetitionChannel
from fengqiao.petitions.report import SOURCE_OF_CHANNEL, routing_measures
from fengqiao.reports import facts, indicators, periods, providers, sync, tables
from fengqiao.reports.definitions import TABLES
from fengqiao.reports.facts import Extra, RawCase
from fengqiao.reports.measures import Accumulator, contribution
from fengqiao.reports.models import CaseFact, SyncQueue
from fengqiao.reports.tests.desk import CST, Desk
from fengqiao.reports.tests.records import by_label, dispute, petition, recommend, when
from fengqiao.units.models import Unit, UnitType

WINDOW = dt.timedelta(hours=24)
CHAIN = ((1, 0, 1), (2, 1, 2))
MARCH, MAY = periods.parse("2026-03"), periods.parse("2026-05")


def raw(**changes: Any) -> RawCase:
    values: dict[str, Any] = {
        "id": 1, "kind": "petition", "channel": "letter", "category_id": 11,
        "category_parent_id": 10, "region_path": "/1/2/",
        "received_at": dt.datetime(2026, 3, 2, 10, tzinfo=CST), "status": "accepted",
        "is_open": True, "closed_at": None, "due_at": None, "is_overdue": False,
        "supervision_level": 0, "resolved": None, "satisfaction": "", "callback_at": None,
        "parent_id": None, "flags": [], "lead_unit_id": None, "respondent_unit_id": None,
    }  # fmt: skip
    values.update(changes)
    return RawCase(**values)


# ------------------------------------------------------------------ the apps' definitions


@pytest.mark.parametrize(
    ("outcome", "amount", "criminal", "group", "expected"),
    [
        ("", Decimal("9"), True, True, {}),  # no standing outcome: nothing at all
        (Outcome.FAILURE, None, False, False, {"mediated": 1}),
        (Outcome.SUCCESS, None, False, False,
         {"mediated": 1, "mediation_success": 1, "agreement_amount": Decimal("0")}),
        (Outcome.PARTIAL, Decimal("12.50"), False, False,
         {"mediated": 1, "mediation_success": 1, "agreement_amount": Decimal("12.50")}),
        (Outcome.SUCCESS, Decimal("100"), True, False,
         {"mediated": 1, "mediation_success": 1, "agreement_amount": Decimal("100"),
          "prevented_criminal": 1, "prevented_criminal_people": 4}),
        (Outcome.SUCCESS, Decimal("1"), True, True,
         {"mediated": 1, "mediation_success": 1, "agreement_amount": Decimal("1"),
          "prevented_criminal": 1, "prevented_criminal_people": 4, "prevented_group": 1,
          "prevented_group_people": 30}),
    ],
)  # fmt: skip
def test_what_one_dispute_counts(
    outcome: str, amount: Decimal | None, criminal: bool, group: bool, expected: dict[str, Any]
) -> None:
    assert outcome_measures(outcome, amount, criminal, 4, group, 30) == expected


def test_every_intake_source_has_its_rule_27_group() -> None:
    groups = {value: source_group(value) for value in IntakeSource.values}
    assert groups == {
        "initiative": "initiative", "application": "application", "court": "referral",
        "police": "referral", "petition": "referral", "other_referral": "referral",
    }  # fmt: skip
    assert source_group("") == "application"  # an unknown source is an application
    assert set(groups.values()) == set(SOURCE_GROUPS)
    assert [tables.SOURCE_LABELS[g] for g in SOURCE_GROUPS] == list(SOURCE_GROUPS.values())


def test_what_one_routing_counts_and_the_five_forms() -> None:
    assert routing_measures("transfer") == {"routed_transfer": 1}
    assert routing_measures("assign") == {"routed_assign": 1}
    assert routing_measures("") == {}
    assert set(SOURCE_OF_CHANNEL) == set(PetitionChannel)
    labels = [tables.SOURCE_LABELS[SOURCE_OF_CHANNEL[c]] for c in PetitionChannel]
    assert labels == ["网上信访", "来信", "电话", "传真", "信访走访"]
    assert TABLES["petition_channels"].sources == tuple(SOURCE_OF_CHANNEL.values())


# ------------------------------------------------------------------ dated measures


def test_dated_measures_are_summed_per_day_and_sorted() -> None:
    extra = Extra(
        dt.date(2026, 3, 5), {"routed_assign": 1},
        dated=(
            (dt.date(2026, 6, 1), {"recommendations": 1, "recommendations_adopted": 0}),
            (dt.date(2026, 3, 10), {"recommendations": 1, "recommendations_adopted": 1}),
            (dt.date(2026, 6, 1), {"recommendations": 1, "recommendations_adopted": 1}),
            (dt.date(2026, 7, 1), {"recommendations": 0}),
        ),
    )  # fmt: skip
    f = facts.build(raw(), [], [], CHAIN, window=WINDOW, extra=extra)
    assert f.extra == (("routed_assign", 1),)
    assert f.extra_dated == (
        (dt.date(2026, 3, 10), (("recommendations", 1), ("recommendations_adopted", 1))),
        (dt.date(2026, 6, 1), (("recommendations", 2), ("recommendations_adopted", 1))),
    )  # the empty July entry is dropped
    months = {
        (key[1][3], tuple(sorted(vector.items())))
        for key, vector in contribution(f)
        if key[0] == "area_month" and key[1][0] == 2 and "received" not in vector
    }
    assert months == {
        (dt.date(2026, 3, 1), (("routed_assign", 1),)),
        (dt.date(2026, 3, 1), (("recommendations", 1), ("recommendations_adopted", 1))),
        (dt.date(2026, 6, 1), (("recommendations", 2), ("recommendations_adopted", 1))),
    }


def test_a_merged_case_places_no_provider_measures() -> None:
    extra = Extra(dt.date(2026, 3, 5), {"routed_transfer": 1},
                  dated=((dt.date(2026, 3, 9), {"recommendations": 1}),))  # fmt: skip
    f = facts.build(raw(status="merged", is_open=False, parent_id=7), [], [], CHAIN,
                    window=WINDOW, extra=extra)  # fmt: skip
    acc = Accumulator()
    acc.add(f)
    totals: dict[str, Any] = {}
    for key, cell in acc.rows():
        if key[0] == "area_month":
            for name, value in cell.items():
                totals[name] = totals.get(name, 0) + value
    assert totals == {"merged": 2}  # one per chain node (province, city), nothing else


def test_the_respondent_unit_comes_from_the_record_when_the_case_has_none() -> None:
    extra = Extra(None, respondent_unit=42)
    assert facts.build(raw(), [], [], CHAIN, window=WINDOW, extra=extra).respondent_unit == 42
    case_unit = raw(respondent_unit_id=7)
    assert facts.build(case_unit, [], [], CHAIN, window=WINDOW, extra=extra).respondent_unit == 42
    assert facts.build(case_unit, [], [], CHAIN, window=WINDOW).respondent_unit == 7
    # measures without a date are not kept (nothing to place them on)
    undated = facts.build(raw(), [], [], CHAIN, window=WINDOW, extra=Extra(None, {"mediated": 1}))
    assert undated.extra == () and undated.extra_on is None


# ------------------------------------------------------------------ through the database


@pytest.mark.django_db
def test_stored_facts_survive_the_round_trip(desk: Desk) -> None:
    bureau = Unit.objects.create(
        code="XF-T", name="城关区信访局", unit_type=UnitType.PETITION_BUREAU, region=desk.t.county
    )
    case = petition(desk.t.grid_a1, "RX0501", "2026-03-02", about=desk.env, routed="assign",
                    routed_on="2026-03-04")  # fmt: skip
    recommend(case, bureau, desk.env, "2026-03-09", adopted=True)
    recommend(case, bureau, desk.env, "2026-05-20")
    sync.sync()
    row = CaseFact.objects.get(case_id=case.pk)
    assert row.extra == {
        "routed_assign": 1,
        "@dated": [
            ["2026-03-09", {"recommendations": 1, "recommendations_adopted": 1}],
            ["2026-05-20", {"recommendations": 1}],
        ],
    }
    assert row.respondent_unit == desk.env.pk and row.source == "letter"
    (stored,) = sync._stored([row]).values()
    (fresh,) = facts.load([case.pk], snapshots={case.pk: [r for r, _, _ in stored.chain]},
                          window=WINDOW).values()  # fmt: skip
    assert stored == fresh  # nothing to apply on the next sync
    SyncQueue.objects.create(case_id=case.pk)
    assert sync.sync() == 1 and sync.differences() == []


@pytest.mark.django_db
def test_an_outcome_undone_and_made_again_moves_to_its_new_month(desk: Desk) -> None:
    case = dispute(desk.t.grid_a1, "TJ02", "2026-03-02", outcome="failure",
                   outcome_on="2026-03-09")  # fmt: skip
    sync.sync()

    def total(period: periods.Period) -> list[Any]:
        return by_label(tables.build_for(TABLES["mediation_monthly"], desk.t.county, period))[
            "合计"
        ]

    assert total(MARCH)[3:6] == [1, 0, Decimal("0.0000")]
    # a 三调联动 transfer undoes the outcome (the new body has not decided yet)
    Dispute.objects.filter(case=case).update(outcome="", outcome_at=None)
    SyncQueue.objects.create(case_id=case.pk)
    sync.sync()
    assert total(MARCH)[3:6] == [0, 0, None] and total(MARCH)[0] == 1  # still received
    # the second body settles it in May
    Dispute.objects.filter(case=case).update(
        outcome="success", outcome_at=when("2026-05-06"), agreement_amount=Decimal("640.00")
    )
    Case.objects.filter(pk=case.pk).update(resolved=True)
    SyncQueue.objects.create(case_id=case.pk)
    sync.sync()
    assert total(MARCH)[3] == 0 and total(MARCH)[11] == Decimal("1.0000")  # 化解率 as of now
    assert total(MAY)[3:7] == [1, 1, Decimal("1.0000"), Decimal("640.00")]
    assert sync.differences() == []


@pytest.mark.django_db
def test_a_merged_dispute_counts_once_under_its_parent(desk: Desk) -> None:
    parent = dispute(desk.t.grid_a1, "TJ02", "2026-03-02", outcome="success",
                     outcome_on="2026-03-09", amount="100")  # fmt: skip
    dispute(desk.t.grid_a1, "TJ02", "2026-03-03", outcome="success", outcome_on="2026-03-09",
            amount="100", status="merged", parent=parent)  # fmt: skip
    sync.sync()
    rows = by_label(tables.build_for(TABLES["mediation_monthly"], desk.t.county, MARCH))
    assert rows["邻里纠纷"][0] == 1 and rows["邻里纠纷"][3] == 1
    assert rows["邻里纠纷"][6] == Decimal("100.00")  # the duplicate's amount is not added
    overview = by_label(tables.build_for(TABLES["overview"], desk.t.county, MARCH))
    assert overview["合计"][-1] == 1  # 并单数


@pytest.mark.django_db
def test_the_providers_read_only_their_own_kinds(desk: Desk) -> None:
    d = dispute(desk.t.grid_a1, "TJ02", "2026-03-02", outcome="success", outcome_on="2026-03-05",
                amount="5", source="petition")  # fmt: skip
    p = petition(desk.t.grid_a1, "RX0501", "2026-03-02", channel="fax", about=desk.housing)
    assert facts.PROVIDERS["dispute"] is providers.disputes
    assert facts.PROVIDERS["court_referral"] is providers.disputes
    assert facts.PROVIDERS["petition"] is providers.petitions
    assert providers.petitions([d.pk]) == {} and providers.disputes([p.pk]) == {}
    extra = providers.disputes([d.pk])[d.pk]
    assert extra.on == dt.date(2026, 3, 5) and extra.source == "referral"
    assert extra.measures == {"mediated": 1, "mediation_success": 1,
                              "agreement_amount": Decimal("5.00")}  # fmt: skip
    petition_extra = providers.petitions([p.pk])[p.pk]
    assert petition_extra.on is None and petition_extra.measures == {}
    assert petition_extra.source == "petition_fax"
    assert petition_extra.respondent_unit == desk.housing.pk and petition_extra.dated == ()
    # a petition record routed without a date (never by the app) places nothing
    Petition.objects.filter(case=p).update(routing_mode="transfer")
    assert providers.petitions([p.pk])[p.pk].measures == {}


@pytest.mark.django_db
def test_an_outcome_just_after_midnight_is_that_days(desk: Desk) -> None:
    dispute(desk.t.grid_a1, "TJ02", "2026-02-27", outcome="success",
            outcome_on="2026-03-01 00:05", amount="1")  # fmt: skip
    dispute(desk.t.grid_a1, "TJ02", "2026-02-27", outcome="success",
            outcome_on="2026-02-28 23:55", amount="2")  # fmt: skip
    sync.sync()
    march = by_label(tables.build_for(TABLES["mediation_monthly"], desk.t.county, MARCH))
    february = by_label(tables.build_for(TABLES["mediation_monthly"], desk.t.county,
                                         periods.parse("2026-02")))  # fmt: skip
    assert march["合计"][6] == Decimal("1.00") and february["合计"][6] == Decimal("2.00")
    quarter = by_label(tables.build_for(TABLES["mediation_monthly"], desk.t.county,
                                        periods.parse("2026-Q1")))  # fmt: skip
    assert quarter["合计"][3] == 2 and quarter["合计"][6] == Decimal("3.00")
    span = by_label(tables.build_for(TABLES["mediation_monthly"], desk.t.county,
                                     periods.parse("2026-03..2026-04")))  # fmt: skip
    assert span["合计"][3] == 1


# ------------------------------------------------------------------ the indicator functions


def test_each_provider_figure_has_its_own_function() -> None:
    sums: dict[str, int | Decimal] = {
        "mediated": 8, "mediation_success": 6, "agreement_amount": Decimal("1234.565"),
        "prevented_criminal": 2, "prevented_criminal_people": 9, "prevented_group": 1,
        "prevented_group_people": 40, "routed_transfer": 5, "routed_assign": 3, "supervised": 4,
        "recommendations": 8, "recommendations_adopted": 3,
    }  # fmt: skip
    expected = {
        "mediated": 8, "mediation_success": 6, "agreement_amount": Decimal("1234.57"),
        "prevented_criminal": 2, "prevented_criminal_people": 9, "prevented_group": 1,
        "prevented_group_people": 40, "routed_transfer": 5, "routed_assign": 3, "supervised": 4,
        "recommendations": 8, "recommendations_adopted": 3, "adoption_rate": Decimal("0.3750"),
    }  # fmt: skip
    for name, value in expected.items():
        function = indicators.FUNCTIONS[name]
        assert function(sums, {}).value == value, name
        assert indicators.compute(name, sums, {}).value == value
        assert function.__doc__ and indicators.INDICATORS[name].name in function.__doc__
        assert indicators.INDICATORS[name].definition
    assert indicators.adoption_rate({}, {}).value is None  # nothing recommended: no rate
    assert indicators.agreement_amount({}, {}).text() == "0.00元"
    assert indicators.recommendations({"recommendations": 3}, {}).text() == "3条"
    assert indicators.adoption_rate(sums, {}).text() == "37.50%"


def test_changes_of_the_provider_figures() -> None:
    now = indicators.agreement_amount({"agreement_amount": Decimal("1500")}, {})
    before = indicators.agreement_amount({"agreement_amount": Decimal("1200.00")}, {})
    assert indicators.change(now, before).text() == "上升25.00%"
    rate_now = indicators.adoption_rate({"recommendations": 4, "recommendations_adopted": 3}, {})
    rate_before = indicators.adoption_rate({"recommendations": 2, "recommendations_adopted": 1}, {})
    change = indicators.change(rate_now, rate_before)
    assert change.points and change.text() == "提高25.00个百分点"
    none_before = indicators.recommendations({}, {})
    assert indicators.change(indicators.recommendations({"recommendations": 1}, {}),
                             none_before).text() == "无可比数据"  # fmt: skip
    assert indicators.change(none_before, none_before).text() == "无可比数据"
    assert indicators.INDICATORS["adoption_rate"].basis == indicators.PROVIDER


def test_intake_sources_other_than_the_listed_ones_are_applications() -> None:
    assert IntakeSource.APPLICATION.label == SOURCE_GROUPS["application"]
    assert IntakeSource.INITIATIVE.label == SOURCE_GROUPS["initiative"]


@pytest.mark.django_db
def test_the_indicator_catalogue_lists_the_wired_figures(county_leader: Any) -> None:
    from fengqiao.reports.tests.records import get

    catalogue = {i["id"]: i for i in get(county_leader, "/indicators")}
    adoption = catalogue["adoption_rate"]
    assert adoption["name"] == "建议采纳率" and adoption["unit"] == "%"
    assert adoption["numerator"] == ["recommendations_adopted"]
    assert adoption["denominator"] == ["recommendations"]
    assert (
        adoption["basis"] == "provider"
        and adoption["basis_label"] == "按业务记录日期（调解结果、转送交办、提出建议的日期）"
    )
    assert adoption["core"] is False and adoption["better"] == "higher"
    assert catalogue["recommendations"]["unit"] == "条"
    assert catalogue["agreement_amount"]["unit"] == "元"
    assert catalogue["mediated"]["basis"] == "provider"
    assert catalogue["supervised"]["basis"] == "received"
    assert sum(1 for i in catalogue.values() if i["core"]) == 11
