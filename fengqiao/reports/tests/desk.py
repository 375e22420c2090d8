"""A test desk: drives the real case actions at chosen moments (time-machine), so the
statistics tests run on data made exactly as the platform makes it.

Territory (fengqiao.testing): 甘肃省 → 兰州市 → 城关区 → 酒泉路街道 → 秦安路社区 → grids A1, A2;
七里河区 → 西园街道 → 西园社区 → 西园第一网格. Units: 城关区生态环境分局 (env), 城关区住建局
(housing), 七里河区住建局 (other).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import time_machine

from fengqiao.accounts.models import Role, User
from fengqiao.cases import actions as a
from fengqiao.cases import sweep
from fengqiao.cases.models import Case
from fengqiao.regions.models import Region
from fengqiao.reports import sync
from fengqiao.testing import Territory, make_user
from fengqiao.units.models import Category, Unit, UnitType

CST = ZoneInfo("Asia/Shanghai")


def at(day: str, clock: str = "10:00") -> dt.datetime:
    return dt.datetime.fromisoformat(f"{day}T{clock}:00").replace(tzinfo=CST)


@contextmanager
def on(moment: dt.datetime) -> Iterator[None]:
    with time_machine.travel(moment, tick=False):
        yield


@dataclass
class Desk:
    """The people and units of the test territory, and one method per action."""

    t: Territory
    operator: User  # 城关区 operator (centre role: accept, dispatch, review, callback)
    west_operator: User  # 七里河区 operator
    worker: User  # grid worker of A1
    env: Unit
    housing: Unit
    other: Unit
    env_handler: User
    housing_handler: User
    other_handler: User

    @classmethod
    def build(cls, t: Territory) -> Desk:
        def unit(code: str, name: str, region: Region) -> Unit:
            return Unit.objects.create(
                code=code, name=name, unit_type=UnitType.DEPARTMENT, region=region
            )

        def handler(name: str, u: Unit) -> User:
            user = User.objects.create_user(username=name, password="Test-Passw0rd-2026")
            user.unit = u
            user.save(update_fields=["unit"])
            return user

        env = unit("ENV-620102", "城关区生态环境分局", t.county)
        housing = unit("HOUSE-620102", "城关区住建局", t.county)
        other = unit("HOUSE-620103", "七里河区住建局", t.other_county)
        return cls(
            t=t,
            operator=make_user("desk_operator", Role.OPERATOR, t.city),
            west_operator=make_user("desk_west", Role.OPERATOR, t.other_county),
            worker=make_user("desk_worker", Role.GRID_WORKER, t.grid_a1),
            env=env,
            housing=housing,
            other=other,
            env_handler=handler("env_h", env),
            housing_handler=handler("housing_h", housing),
            other_handler=handler("other_h", other),
        )

    # ------------------------------------------------------------ intake and triage

    def register(
        self,
        when: dt.datetime,
        *,
        kind: str = "hotline",
        region: Region | None = None,
        category: str = "RX0501",
        channel: str = "hotline_phone",
        flags: tuple[str, ...] = (),
        respondent: Unit | None = None,
        parties: list[a.PartyDraft] | None = None,
        actor: User | None = None,
    ) -> Case:
        with on(when):
            draft = a.CaseDraft(
                kind=kind,
                channel=channel,
                description="测试事项",
                region=region or self.t.grid_a1,
                category=Category.objects.get(code=category),
                request_type="complaint" if kind == "hotline" else "",
                flags=list(flags),
                respondent_unit=respondent,
                parties=parties or [],
                received_at=when,
            )
            return a.do_register(draft, actor=actor or self.operator).case

    def fresh(self, case: Case) -> Case:
        return Case.objects.select_related("region").get(pk=case.pk)

    def answer(self, case: Case, when: dt.datetime) -> Case:
        with on(when):
            return a.do_answer_directly(self.fresh(case), actor=self.operator, answer="已解答")

    def reject(self, case: Case, when: dt.datetime) -> Case:
        with on(when):
            return a.do_reject(self.fresh(case), actor=self.operator, reason="不属受理范围")

    def dispatch(self, case: Case, when: dt.datetime, unit: Unit | None = None) -> Case:
        unit = unit or self.env
        with on(when):
            case = self.fresh(case)
            if case.kind == "hotline" and case.status == "registered":
                case = a.do_accept(case, actor=self.operator)
            if case.kind == "grid_event" and case.status == "found":
                case = a.do_report(case, actor=self.field_actor(case))
            return a.do_dispatch(
                self.fresh(case), actor=self.operator, lead=a.AssignmentDraft(unit=unit)
            )

    def handler_of(self, unit_id: int | None) -> User:
        """The lead unit's handler (the env handler when there is no lead yet)."""
        return {
            self.housing.pk: self.housing_handler,
            self.other.pk: self.other_handler,
        }.get(unit_id or 0, self.env_handler)

    def sign(self, case: Case, when: dt.datetime) -> Case:
        case = self.fresh(case)
        with on(when):
            case = a.do_sign(case, actor=self.handler_of(case.lead_unit_id))
            if case.kind == "hotline":
                case = a.do_start(self.fresh(case), actor=self.handler_of(case.lead_unit_id))
            return case

    def reply(self, case: Case, when: dt.datetime, *, resolved: bool = True) -> Case:
        case = self.fresh(case)
        with on(when):
            return a.do_reply(
                case, actor=self.handler_of(case.lead_unit_id), reply="已处理", resolved=resolved
            )

    def approve(self, case: Case, when: dt.datetime) -> Case:
        with on(when):
            return a.do_approve_reply(self.fresh(case), actor=self.operator)

    def rework(self, case: Case, when: dt.datetime) -> Case:
        with on(when):
            return a.do_return_for_rework(self.fresh(case), actor=self.operator, reason="未办好")

    def callback(
        self, case: Case, when: dt.datetime, satisfaction: str, resolved: bool | None = True
    ) -> Case:
        with on(when):
            return a.do_callback(
                self.fresh(case), actor=self.operator, satisfaction=satisfaction, resolved=resolved
            )

    def finish_hotline(
        self,
        case: Case,
        *,
        dispatched: dt.datetime,
        signed: dt.datetime,
        replied: dt.datetime,
        satisfaction: str = "satisfied",
        resolved: bool = True,
        unit: Unit | None = None,
    ) -> Case:
        """Dispatch, sign, reply, approve and call back (closing the order)."""
        self.dispatch(case, dispatched, unit)
        self.sign(case, signed)
        self.reply(case, replied, resolved=resolved)
        self.approve(case, replied)
        return self.callback(case, replied, satisfaction, resolved)

    # ------------------------------------------------------------ grid events

    def field_actor(self, case: Case) -> User:
        """The grid worker in their own grid, an operator elsewhere."""
        return self.worker if case.region_id == self.t.grid_a1.pk else self.operator

    def on_site(self, case: Case, when: dt.datetime) -> Case:
        case = self.fresh(case)
        with on(when):
            return a.do_resolve_on_site(case, actor=self.field_actor(case), result="已劝解")

    def close_event(self, case: Case, when: dt.datetime) -> Case:
        with on(when):
            return a.do_close(self.fresh(case), actor=self.operator)

    # ------------------------------------------------------------ merge, sweep, sync

    def merge(self, child: Case, parent: Case, when: dt.datetime) -> Case:
        with on(when):
            return a.do_merge(self.fresh(child), into=self.fresh(parent), actor=self.operator)

    def unmerge(self, child: Case, when: dt.datetime) -> Case:
        with on(when):
            return a.do_unmerge(self.fresh(child), actor=self.operator)

    def sweep(self, when: dt.datetime) -> None:
        with on(when):
            sweep.run()

    def sync(self) -> int:
        return sync.sync()
