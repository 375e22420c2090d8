"""Data: the two-level taxonomies of matters, as units.Category rows.

- dispute (矛盾纠纷): the people's-mediation statistics categories of domain-rules rule 27
  (黄石市司法局 monthly report [S]) with the two local additions; a few second-level types.
- hotline (12345): the subject areas commonly used by 12345 centres. A deployment example: the
  national code table reported as GB/T 39666-2020 is unverified [U]; replace with a local
  standard (e.g. DB44/T 2479-2024) where one applies.
- grid (网格事件): event types of grid management (滨州条例 第十一条 [V]; GB/T 31000-2015 "9+X" [S]).
"""

from django.db import migrations

DISPUTE_SOURCE = "规则27：人民调解统计分类（黄石市司法局月报）"
DISPUTE_LOCAL = "规则27：地方统计增列"
HOTLINE_SOURCE = "12345常见诉求分类（部署示例，可按地方标准替换）"
GRID_SOURCE = "网格事件分类（滨州条例第十一条；GB/T 31000-2015，部署示例）"

DISPUTE = [
    ("TJ01", "婚姻家庭纠纷", DISPUTE_SOURCE, [("TJ0101", "婚姻纠纷"), ("TJ0102", "继承纠纷"), ("TJ0103", "赡养抚养纠纷")]),
    ("TJ02", "邻里纠纷", DISPUTE_SOURCE, []),
    ("TJ03", "房屋宅基地纠纷", DISPUTE_SOURCE, []),
    ("TJ04", "合同纠纷", DISPUTE_SOURCE, []),
    ("TJ05", "生产经营纠纷", DISPUTE_SOURCE, []),
    ("TJ06", "损害赔偿纠纷", DISPUTE_SOURCE, [("TJ0601", "人身损害赔偿"), ("TJ0602", "财产损害赔偿")]),
    ("TJ07", "山林土地纠纷", DISPUTE_SOURCE, []),
    ("TJ08", "征地拆迁纠纷", DISPUTE_SOURCE, []),
    ("TJ09", "环境污染纠纷", DISPUTE_SOURCE, []),
    ("TJ10", "劳动争议纠纷", DISPUTE_SOURCE, [("TJ1001", "拖欠工资"), ("TJ1002", "工伤赔偿"), ("TJ1003", "劳动合同")]),
    ("TJ11", "消费纠纷", DISPUTE_SOURCE, []),
    ("TJ12", "医疗纠纷", DISPUTE_SOURCE, []),
    ("TJ13", "道路交通事故纠纷", DISPUTE_SOURCE, []),
    ("TJ14", "物业纠纷", DISPUTE_SOURCE, []),
    ("TJ15", "计划生育纠纷", DISPUTE_LOCAL, []),
    ("TJ16", "村务管理纠纷", DISPUTE_LOCAL, []),
    ("TJ99", "其他纠纷", DISPUTE_SOURCE, []),
]

HOTLINE = [
    ("RX01", "城乡建设", [("RX0101", "违法建设"), ("RX0102", "施工扰民"), ("RX0103", "房屋质量")]),
    ("RX02", "住房与物业", [("RX0201", "物业服务"), ("RX0202", "房屋租赁"), ("RX0203", "保障性住房")]),
    ("RX03", "水电气暖", [("RX0301", "供水"), ("RX0302", "供电"), ("RX0303", "供气"), ("RX0304", "供暖")]),
    ("RX04", "交通出行", [("RX0401", "公交出租"), ("RX0402", "道路设施"), ("RX0403", "停车管理")]),
    ("RX05", "生态环境", [("RX0501", "噪声污染"), ("RX0502", "大气污染"), ("RX0503", "水污染"), ("RX0504", "垃圾清运")]),
    ("RX06", "市场监管", [("RX0601", "消费维权"), ("RX0602", "食品安全"), ("RX0603", "价格收费")]),
    ("RX07", "劳动社保", [("RX0701", "拖欠工资"), ("RX0702", "社会保险"), ("RX0703", "就业服务")]),
    ("RX08", "教育", [("RX0801", "入学招生"), ("RX0802", "校外培训")]),
    ("RX09", "医疗卫生", [("RX0901", "医疗服务"), ("RX0902", "医保报销")]),
    ("RX10", "公共安全", [("RX1001", "治安隐患"), ("RX1002", "消防隐患"), ("RX1003", "安全生产")]),
    ("RX11", "民政服务", [("RX1101", "社会救助"), ("RX1102", "养老服务")]),
    ("RX12", "农业农村", [("RX1201", "土地承包"), ("RX1202", "农村人居环境")]),
    ("RX13", "政务服务", [("RX1301", "办事咨询"), ("RX1302", "工作作风")]),
    ("RX99", "其他", [("RX9901", "其他诉求")]),
]

GRID = [
    ("WG01", "矛盾纠纷", [("WG0101", "邻里纠纷"), ("WG0102", "家庭纠纷"), ("WG0103", "其他纠纷")]),
    ("WG02", "治安隐患", []),
    ("WG03", "安全隐患", [("WG0301", "消防隐患"), ("WG0302", "燃气隐患"), ("WG0303", "房屋安全")]),
    ("WG04", "环境卫生", []),
    ("WG05", "市容秩序", []),
    ("WG06", "特殊人群服务管理", []),
    ("WG07", "民生服务", []),
    ("WG99", "其他事件", []),
]


def load(apps, schema_editor):
    Category = apps.get_model("units", "Category")

    def put(code, name, taxonomy, source, parent=None):
        row, _ = Category.objects.get_or_create(
            code=code,
            defaults={"name": name, "taxonomy": taxonomy, "source": source, "parent": parent},
        )
        return row

    for code, name, source, children in DISPUTE:
        parent = put(code, name, "dispute", source)
        for child_code, child_name in children:
            put(child_code, child_name, "dispute", source, parent)
    for taxonomy, source, rows in (("hotline", HOTLINE_SOURCE, HOTLINE), ("grid", GRID_SOURCE, GRID)):
        for code, name, children in rows:
            parent = put(code, name, taxonomy, source)
            for child_code, child_name in children:
                put(child_code, child_name, taxonomy, source, parent)


def unload(apps, schema_editor):
    Category = apps.get_model("units", "Category")
    codes = [c for c, *_ in DISPUTE] + [c for c, *_ in HOTLINE] + [c for c, *_ in GRID]
    Category.objects.filter(parent__code__in=codes).delete()
    Category.objects.filter(code__in=codes).delete()


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial"), ("units", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
