"""Sample data for the document tests: plain dataclasses, as the mediation, petition and
reports apps will pass them."""

from __future__ import annotations

from datetime import date

from fengqiao.documents.kinds.bulletin import BulletinData, BulletinSection
from fengqiao.documents.kinds.mediation import Copies, MediationAgreementData, Party
from fengqiao.documents.kinds.petition import PetitionDecisionData, PetitionOutcome, ReviewRight
from fengqiao.documents.model import Column, DataTable, NumberFormat

# 𠮷 (U+20BB7, outside the BMP) checks that rare characters in names survive.
PARTY_A = "张𠮷"
PARTY_B = "李秀英"

TERMS = (
    "李秀英于2026年3月10日前清理堆放在共用通道上的全部建筑材料。",
    "张𠮷就争执中的过激言语向李秀英赔礼道歉。",
    "双方今后共同维护通道畅通，不再堆放杂物。",
)


def agreement_data(copies: int = 3) -> MediationAgreementData:
    return MediationAgreementData(
        number="（2026）酒人调字第12号",
        committee="酒泉路街道人民调解委员会",
        parties=[
            Party(
                PARTY_A,
                gender="男",
                ethnicity="汉族",
                age="45",
                occupation="个体经营",
                contact="138****1111",
                address="兰州市城关区秦安路12号",
            ),
            Party(
                PARTY_B,
                gender="女",
                ethnicity="回族",
                age="38",
                occupation="教师",
                contact="139****2222",
                address="兰州市城关区秦安路14号",
            ),
        ],
        facts="2026年2月，李秀英在自家院外堆放建筑材料，占用双方共用通道约两米，"
        "张𠮷多次要求清理未果，双方发生争执。",
        disputed_points="共用通道的使用及堆放物的清理。",
        responsibility="李秀英占用共用通道，应承担主要责任；张𠮷言语过激，应承担次要责任。",
        terms=TERMS,
        performance_manner="李秀英自行清理，张𠮷配合；人民调解委员会回访确认。",
        performance_deadline=date(2026, 3, 10),
        performance_place="秦安路12号与14号之间共用通道",
        copies=Copies(copies),
        signed_on=date(2026, 3, 1),
        mediators=("王调解",),
    )


def decision_data(outcome: PetitionOutcome = PetitionOutcome.REJECT) -> PetitionDecisionData:
    return PetitionDecisionData(
        organ="兰州市城关区住房和城乡建设局",
        number="城建信处〔2026〕15号",
        petitioner="赵信访",
        matter="反映小区电梯长期停运",
        received_on=date(2026, 1, 5),
        channel="网上信访",
        accepted_on=date(2026, 1, 8),
        request="要求督促物业服务企业尽快修复小区2号楼电梯并恢复运行。",
        facts="经现场核查，该小区2号楼电梯已于2026年1月20日修复并通过检验。",
        outcome=outcome,
        reasons="电梯已恢复运行，其他请求缺乏事实根据。",
        basis=["《物业管理条例》第三十五条", "《特种设备安全法》第四十二条"],
        review=ReviewRight(30, "兰州市城关区人民政府", "《信访工作条例》第三十五条"),
        decided_on=date(2026, 2, 20),
    )


def resolution_table() -> DataTable:
    """A rule-27 style table with a two-row merged header and a total row."""
    return DataTable(
        title="2026年3月各县（区）矛盾纠纷化解情况",
        unit="单位：件",
        columns=[
            Column("县（区）"),
            Column(
                "矛盾纠纷",
                children=(
                    Column("排查", NumberFormat.INTEGER),
                    Column("化解", NumberFormat.INTEGER),
                    Column("化解率", NumberFormat.PERCENT),
                ),
            ),
            Column("协议金额（元）", NumberFormat.MONEY),
            Column("防止民转刑", NumberFormat.INTEGER),
        ],
        rows=[
            ["城关区", 500, 490, 0.98, 125000.5, 3],
            ["七里河区", 734, 711, 711 / 734, 88000, 1],
        ],
        total_rows=[["合计", 1234, 1201, 1201 / 1234, 213000.5, 4]],
        notes=["注：化解率＝化解件数÷排查件数。"],
        source="综治中心业务系统",
    )


def bulletin_data() -> BulletinData:
    return BulletinData(
        issuer="兰州市平安建设领导小组办公室",
        number="兰平安办〔2026〕7号",
        title="关于2026年3月全市矛盾纠纷排查化解工作情况的通报",
        recipients="各县（区）平安建设领导小组办公室，市直有关单位",
        intro=["3月份，全市各级综治中心扎实开展矛盾纠纷排查化解工作。现将有关情况通报如下。"],
        sections=[
            BulletinSection(
                "总体情况",
                paragraphs=["本月全市共排查矛盾纠纷1234件，化解1201件，化解率97.33%。"],
                tables=[resolution_table()],
                subsections=[BulletinSection("分类情况", paragraphs=["婚姻家庭纠纷312件。"])],
            ),
            BulletinSection("下一步工作", paragraphs=["持续做好矛盾纠纷排查化解工作。"]),
        ],
        signer="兰州市平安建设领导小组办公室",
        issued_on=date(2026, 4, 3),
        cc="市委政法委",
    )
