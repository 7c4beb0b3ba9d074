"""Demo step "data": about forty Hinggan catalogue entries (two thirds open), each with a small CSV file.

Entries are matched by their code, so a rerun creates nothing. Everything is written through the services
as the demo data administrator (乌云其木格, data_admin at the League with its sub-units).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import OutputWrapper

from egov.domain.data.models import CatalogEntry, DataTable, EntryStatus, OpenType, SharingType
from egov.domain.data.services import (
    DataItemSpec,
    catalog_entry_create,
    catalog_entry_publish,
    catalog_entry_submit,
    data_table_load,
    resource_add,
    theme_ensure,
)
from egov.kernel.accounts.models import User
from egov.kernel.orgs.demo import register_demo_step
from egov.kernel.orgs.models import OrgUnit

THEMES = {
    "economy": "经济建设",
    "tourism": "文化旅游",
    "health": "医疗卫生",
    "environment": "生态环境",
    "transport": "交通运输",
    "education": "教育科技",
    "social": "社会民生",
    "agriculture": "农牧业",
    "safety": "公共安全",
    "urban": "城乡建设",
}

STR, INT, DEC, DATE = "string", "integer", "decimal", "date"


@dataclass(frozen=True)
class Spec:
    code: str
    title: str
    provider: str
    theme: str
    tags: tuple[str, ...]
    frequency: str
    open_type: str
    columns: tuple[tuple[str, str, int | None], ...]
    rows: tuple[tuple[object, ...], ...]
    personal: tuple[str, ...] = ()


OPEN, COND, CLOSED = OpenType.OPEN, OpenType.CONDITIONAL, OpenType.CLOSED

SPECS: tuple[Spec, ...] = (
    Spec(
        "01.01.01-0001",
        "兴安盟企业登记信息",
        "152200-SCJGJ",
        "economy",
        ("企业", "市场主体"),
        "daily",
        OPEN,
        (("企业名称", STR, 100), ("统一社会信用代码", STR, 18), ("登记机关", STR, 50), ("成立日期", DATE, None)),
        (
            ("兴安盟示例农牧业有限公司", "91152200MA0N8X2K1A", "兴安盟市场监督管理局", "2019-05-12"),
            ("乌兰浩特市恒达商贸有限公司", "91152201MA0Q1B3C5D", "乌兰浩特市市场监督管理局", "2021-03-08"),
        ),
    ),
    Spec(
        "01.01.02-0001",
        "兴安盟个体工商户登记信息",
        "152200-SCJGJ",
        "economy",
        ("个体工商户",),
        "monthly",
        COND,
        (("字号名称", STR, 100), ("经营者姓名", STR, 30), ("经营场所", STR, 200)),
        (("老张家手把肉", "张**", "乌兰浩特市和平街"),),
        personal=("经营者姓名",),
    ),
    Spec(
        "01.02.01-0001",
        "兴安盟规模以上工业企业名录",
        "152200-TJJ",
        "economy",
        ("工业", "统计"),
        "yearly",
        COND,
        (("企业名称", STR, 100), ("所属行业", STR, 50), ("所在旗县市", STR, 20)),
        (
            ("兴安盟热电有限公司", "电力、热力生产和供应业", "乌兰浩特市"),
            ("扎赉特旗米业有限公司", "农副食品加工业", "扎赉特旗"),
        ),
    ),
    Spec(
        "01.02.02-0001",
        "兴安盟国民经济主要指标",
        "152200-TJJ",
        "economy",
        ("统计", "经济指标"),
        "quarterly",
        OPEN,
        (("指标名称", STR, 50), ("统计期", STR, 10), ("数值", DEC, None), ("单位", STR, 10)),
        (("地区生产总值", "2025Q3", "498.6", "亿元"), ("社会消费品零售总额", "2025Q3", "162.3", "亿元")),
    ),
    Spec(
        "01.03.01-0001",
        "兴安盟政府采购项目公告",
        "152200-CZJ",
        "economy",
        ("政府采购",),
        "daily",
        OPEN,
        (("项目名称", STR, 200), ("采购单位", STR, 100), ("预算金额（万元）", DEC, None), ("公告日期", DATE, None)),
        (("兴安盟教育局教学设备采购项目", "兴安盟教育局", "320.5", "2025-09-02"),),
    ),
    Spec(
        "02.01.01-0001",
        "兴安盟A级旅游景区名录",
        "152200-WLTJ",
        "tourism",
        ("旅游", "景区"),
        "irregular",
        OPEN,
        (("景区名称", STR, 100), ("等级", STR, 5), ("所在旗县市", STR, 20), ("地址", STR, 200)),
        (
            ("阿尔山国家森林公园", "5A", "阿尔山市", "阿尔山市伊尔施镇"),
            ("成吉思汗庙", "4A", "乌兰浩特市", "乌兰浩特市罕山"),
            ("科尔沁草原旅游区", "3A", "科尔沁右翼中旗", "科尔沁右翼中旗巴彦呼舒镇"),
        ),
    ),
    Spec(
        "02.01.02-0001",
        "兴安盟星级旅游饭店名录",
        "152200-WLTJ",
        "tourism",
        ("旅游", "住宿"),
        "yearly",
        OPEN,
        (("饭店名称", STR, 100), ("星级", STR, 5), ("地址", STR, 200), ("客房数", INT, None)),
        (("兴安盟宾馆", "四星", "乌兰浩特市兴安北大路", "186"), ("阿尔山假日酒店", "四星", "阿尔山市温泉街", "220")),
    ),
    Spec(
        "02.01.03-0001",
        "兴安盟旅行社名录",
        "152200-WLTJ",
        "tourism",
        ("旅游", "旅行社"),
        "quarterly",
        COND,
        (("旅行社名称", STR, 100), ("许可证号", STR, 30), ("地址", STR, 200)),
        (("兴安盟草原之旅旅行社有限公司", "L-NM-00123", "乌兰浩特市五一路"),),
    ),
    Spec(
        "02.02.01-0001",
        "兴安盟公共图书馆与文化馆名录",
        "152200-WLTJ",
        "tourism",
        ("文化", "公共文化"),
        "yearly",
        OPEN,
        (("场馆名称", STR, 100), ("类型", STR, 20), ("地址", STR, 200), ("开放时间", STR, 50)),
        (("兴安盟图书馆", "图书馆", "乌兰浩特市兴安南大路", "09:00-17:00"),),
    ),
    Spec(
        "03.01.01-0001",
        "兴安盟医疗机构名录",
        "152200-WJW",
        "health",
        ("医疗", "医院"),
        "monthly",
        OPEN,
        (("机构名称", STR, 100), ("机构类别", STR, 30), ("等级", STR, 10), ("地址", STR, 200), ("联系电话", STR, 20)),
        (
            ("兴安盟人民医院", "综合医院", "三级甲等", "乌兰浩特市兴安北大路", "0482-8228114"),
            ("兴安盟蒙医医院", "民族医医院", "三级甲等", "乌兰浩特市罕山东街", "0482-8261266"),
        ),
    ),
    Spec(
        "03.01.02-0001",
        "兴安盟定点零售药店名录",
        "152200-YBJ",
        "health",
        ("医保", "药店"),
        "monthly",
        COND,
        (("药店名称", STR, 100), ("地址", STR, 200), ("医保编码", STR, 20)),
        (("兴安盟国大药房兴安店", "乌兰浩特市兴安北大路", "P15220100012"),),
    ),
    Spec(
        "03.01.03-0001",
        "兴安盟医保定点医疗机构名录",
        "152200-YBJ",
        "health",
        ("医保",),
        "monthly",
        OPEN,
        (("机构名称", STR, 100), ("定点类型", STR, 20), ("医保编码", STR, 20)),
        (("兴安盟人民医院", "住院及门诊", "H15220100001"),),
    ),
    Spec(
        "03.02.01-0001",
        "兴安盟预防接种门诊信息",
        "152200-WJW",
        "health",
        ("疫苗", "公共卫生"),
        "quarterly",
        OPEN,
        (("门诊名称", STR, 100), ("地址", STR, 200), ("服务时间", STR, 50)),
        (("乌兰浩特市和平街社区卫生服务中心接种门诊", "乌兰浩特市和平街", "周一至周五 08:30-16:30"),),
    ),
    Spec(
        "03.02.02-0001",
        "兴安盟居民电子健康档案",
        "152200-WJW",
        "health",
        ("健康档案",),
        "realtime",
        CLOSED,
        (("姓名", STR, 30), ("公民身份号码", STR, 18), ("建档日期", DATE, None)),
        (("张*", "152201********2011", "2020-01-01"),),
        personal=("姓名", "公民身份号码"),
    ),
    Spec(
        "04.01.01-0001",
        "兴安盟空气质量日报",
        "152200-STHJJ",
        "environment",
        ("空气质量", "环境监测"),
        "daily",
        OPEN,
        (("日期", DATE, None), ("监测点", STR, 50), ("AQI", INT, None), ("首要污染物", STR, 20), ("质量等级", STR, 10)),
        (
            ("2025-11-01", "乌兰浩特市环境监测站", "42", "—", "优"),
            ("2025-11-02", "乌兰浩特市环境监测站", "67", "PM2.5", "良"),
        ),
    ),
    Spec(
        "04.01.02-0001",
        "兴安盟地表水水质月报",
        "152200-STHJJ",
        "environment",
        ("水质", "环境监测"),
        "monthly",
        OPEN,
        (("断面名称", STR, 50), ("河流", STR, 30), ("水质类别", STR, 10), ("月份", STR, 7)),
        (("洮儿河乌兰浩特断面", "洮儿河", "Ⅲ类", "2025-10"), ("归流河白狼断面", "归流河", "Ⅱ类", "2025-10")),
    ),
    Spec(
        "04.01.03-0001",
        "兴安盟重点排污单位名录",
        "152200-STHJJ",
        "environment",
        ("排污", "监管"),
        "yearly",
        COND,
        (("单位名称", STR, 100), ("行业类别", STR, 50), ("所在旗县市", STR, 20)),
        (("兴安盟热电有限公司", "火力发电", "乌兰浩特市"),),
    ),
    Spec(
        "04.02.01-0001",
        "阿尔山市森林防火检查站",
        "152202-LCJ",
        "environment",
        ("森林防火", "林草"),
        "yearly",
        OPEN,
        (("检查站名称", STR, 50), ("位置", STR, 200), ("经度", DEC, None), ("纬度", DEC, None), ("值守电话", STR, 20)),
        (
            ("白狼镇森林防火检查站", "阿尔山市白狼镇", "120.3671", "47.1850", "0482-7312119"),
            ("五岔沟森林防火检查站", "阿尔山市五岔沟镇", "120.9083", "46.6844", "0482-7412119"),
        ),
    ),
    Spec(
        "04.02.02-0001",
        "兴安盟自然保护地名录",
        "152200-LCJ",
        "environment",
        ("自然保护地", "林草"),
        "yearly",
        OPEN,
        (("保护地名称", STR, 100), ("级别", STR, 10), ("面积（公顷）", DEC, None)),
        (("内蒙古图牛冀国家级自然保护区", "国家级", "94830"),),
    ),
    Spec(
        "05.01.01-0001",
        "兴安盟公交线路及站点信息",
        "152200-JTYSJ",
        "transport",
        ("公交", "出行"),
        "monthly",
        OPEN,
        (("线路", STR, 20), ("站点名称", STR, 50), ("站序", INT, None), ("首末班时间", STR, 20)),
        (("1路", "火车站", "1", "06:00-21:00"), ("1路", "兴安盟医院", "2", "06:00-21:00")),
    ),
    Spec(
        "05.01.02-0001",
        "兴安盟道路运输经营业户名录",
        "152200-JTYSJ",
        "transport",
        ("道路运输",),
        "quarterly",
        COND,
        (("业户名称", STR, 100), ("经营范围", STR, 100), ("许可证号", STR, 30)),
        (("兴安盟顺通物流有限公司", "普通货运", "152200012345"),),
    ),
    Spec(
        "05.02.01-0001",
        "兴安盟公共停车场信息",
        "152201-ZJJ",
        "transport",
        ("停车", "出行"),
        "monthly",
        OPEN,
        (("停车场名称", STR, 100), ("地址", STR, 200), ("泊位数", INT, None), ("收费标准", STR, 100)),
        (("万达广场地下停车场", "乌兰浩特市兴安南大路", "860", "首小时5元"),),
    ),
    Spec(
        "06.01.01-0001",
        "兴安盟中小学校名录",
        "152200-JYJ",
        "education",
        ("学校", "教育"),
        "yearly",
        OPEN,
        (("学校名称", STR, 100), ("办学类型", STR, 20), ("地址", STR, 200), ("联系电话", STR, 20)),
        (
            ("乌兰浩特第一中学", "高级中学", "乌兰浩特市和平路", "0482-8213011"),
            ("兴安盟蒙古族中学", "完全中学", "乌兰浩特市罕山街", "0482-8212362"),
        ),
    ),
    Spec(
        "06.01.02-0001",
        "兴安盟幼儿园名录",
        "152200-JYJ",
        "education",
        ("幼儿园", "教育"),
        "yearly",
        OPEN,
        (("幼儿园名称", STR, 100), ("性质", STR, 10), ("地址", STR, 200)),
        (("兴安盟直属机关幼儿园", "公办", "乌兰浩特市兴安北大路"),),
    ),
    Spec(
        "06.01.03-0001",
        "兴安盟学生学籍信息",
        "152200-JYJ",
        "education",
        ("学籍",),
        "realtime",
        CLOSED,
        (("学生姓名", STR, 30), ("学籍号", STR, 19), ("学校", STR, 100)),
        (("王*", "G15220120100101****", "乌兰浩特第一中学"),),
        personal=("学生姓名", "学籍号"),
    ),
    Spec(
        "07.01.01-0001",
        "兴安盟养老机构名录",
        "152200-MZJ",
        "social",
        ("养老", "民政"),
        "quarterly",
        OPEN,
        (("机构名称", STR, 100), ("床位数", INT, None), ("地址", STR, 200), ("性质", STR, 10)),
        (("兴安盟社会福利院", "300", "乌兰浩特市义勒力特", "公办"),),
    ),
    Spec(
        "07.01.02-0001",
        "兴安盟婚姻登记机关信息",
        "152200-MZJ",
        "social",
        ("婚姻登记", "民政"),
        "irregular",
        OPEN,
        (("登记机关", STR, 100), ("地址", STR, 200), ("办公时间", STR, 50)),
        (("乌兰浩特市婚姻登记处", "乌兰浩特市五一南路", "周一至周五 08:30-17:00"),),
    ),
    Spec(
        "07.01.03-0001",
        "科尔沁右翼前旗最低生活保障对象",
        "152221-MZJ",
        "social",
        ("低保", "社会救助"),
        "monthly",
        CLOSED,
        (("姓名", STR, 30), ("公民身份号码", STR, 18), ("保障金额", DEC, None)),
        (("包*", "152221********3012", "680"),),
        personal=("姓名", "公民身份号码"),
    ),
    Spec(
        "07.02.01-0001",
        "兴安盟社会保险经办机构名录",
        "152200-RSJ",
        "social",
        ("社保", "人社"),
        "yearly",
        OPEN,
        (("机构名称", STR, 100), ("地址", STR, 200), ("咨询电话", STR, 20)),
        (("兴安盟社会保险事业服务中心", "乌兰浩特市兴安北大路", "0482-8266999"),),
    ),
    Spec(
        "07.02.02-0001",
        "兴安盟职业技能培训机构名录",
        "152200-RSJ",
        "social",
        ("就业", "培训"),
        "yearly",
        OPEN,
        (("机构名称", STR, 100), ("培训工种", STR, 100), ("地址", STR, 200)),
        (("兴安职业技术学院培训中心", "电工、焊工、育婴员", "乌兰浩特市兴安南大路"),),
    ),
    Spec(
        "07.02.03-0001",
        "兴安盟企业职工参保信息",
        "152200-RSJ",
        "social",
        ("社保",),
        "monthly",
        CLOSED,
        (("单位名称", STR, 100), ("职工姓名", STR, 30), ("参保险种", STR, 50)),
        (("兴安盟热电有限公司", "李*", "养老、医疗、失业"),),
        personal=("职工姓名",),
    ),
    Spec(
        "08.01.01-0001",
        "兴安盟农民专业合作社名录",
        "152200-NMJ",
        "agriculture",
        ("合作社", "农牧"),
        "quarterly",
        OPEN,
        (("合作社名称", STR, 100), ("所在旗县市", STR, 20), ("主营产品", STR, 100)),
        (("扎赉特旗绰勒银珠米业合作社", "扎赉特旗", "水稻"),),
    ),
    Spec(
        "08.01.02-0001",
        "兴安盟农作物播种面积统计",
        "152200-NMJ",
        "agriculture",
        ("农业", "统计"),
        "yearly",
        OPEN,
        (("旗县市", STR, 20), ("作物", STR, 20), ("播种面积（万亩）", DEC, None), ("年度", INT, None)),
        (("扎赉特旗", "水稻", "62.5", "2024"), ("科尔沁右翼前旗", "玉米", "310.2", "2024")),
    ),
    Spec(
        "08.02.01-0001",
        "兴安盟水库基本信息",
        "152200-SLJ",
        "agriculture",
        ("水利", "水库"),
        "yearly",
        OPEN,
        (("水库名称", STR, 50), ("所在旗县市", STR, 20), ("总库容（万立方米）", DEC, None)),
        (("察尔森水库", "科尔沁右翼前旗", "125300"),),
    ),
    Spec(
        "09.01.01-0001",
        "兴安盟应急避难场所",
        "152200-YJJ",
        "safety",
        ("应急", "避难场所"),
        "yearly",
        OPEN,
        (("场所名称", STR, 100), ("地址", STR, 200), ("容纳人数", INT, None)),
        (("兴安盟体育场应急避难场所", "乌兰浩特市兴安南大路", "20000"),),
    ),
    Spec(
        "09.01.02-0001",
        "兴安盟安全生产许可企业名录",
        "152200-YJJ",
        "safety",
        ("安全生产",),
        "quarterly",
        COND,
        (("企业名称", STR, 100), ("许可范围", STR, 100), ("有效期至", DATE, None)),
        (("兴安盟某化工有限公司", "危险化学品经营", "2027-06-30"),),
    ),
    Spec(
        "09.02.01-0001",
        "兴安盟机动车驾驶人信息",
        "152200-GAJ",
        "safety",
        ("交管",),
        "realtime",
        CLOSED,
        (("姓名", STR, 30), ("驾驶证号", STR, 18), ("准驾车型", STR, 10)),
        (("赵*", "152201********1234", "C1"),),
        personal=("姓名", "驾驶证号"),
    ),
    Spec(
        "10.01.01-0001",
        "乌兰浩特市公共厕所位置",
        "152201-ZJJ",
        "urban",
        ("公厕", "市政设施"),
        "quarterly",
        OPEN,
        (("名称", STR, 50), ("地址", STR, 200), ("经度", DEC, None), ("纬度", DEC, None), ("开放时间", STR, 30)),
        (
            ("兴安广场公厕", "乌兰浩特市兴安南大路兴安广场东侧", "122.0686", "46.0723", "全天"),
            ("五一公园公厕", "乌兰浩特市五一北路五一公园内", "122.0512", "46.0841", "06:00-22:00"),
        ),
    ),
    Spec(
        "10.01.02-0001",
        "兴安盟房地产开发企业资质名录",
        "152200-ZJJ",
        "urban",
        ("房地产", "资质"),
        "quarterly",
        COND,
        (("企业名称", STR, 100), ("资质等级", STR, 10), ("证书编号", STR, 30)),
        (("兴安盟城投置业有限公司", "二级", "NM-FK-2200123"),),
    ),
    Spec(
        "10.01.03-0001",
        "兴安盟建设工程施工许可信息",
        "152200-ZJJ",
        "urban",
        ("施工许可",),
        "weekly",
        COND,
        (("项目名称", STR, 200), ("建设单位", STR, 100), ("许可日期", DATE, None)),
        (("兴安盟人民医院门诊楼改扩建工程", "兴安盟人民医院", "2025-04-18"),),
    ),
    Spec(
        "10.02.01-0001",
        "兴安盟不动产登记信息",
        "152200-ZRZYJ",
        "urban",
        ("不动产",),
        "realtime",
        CLOSED,
        (("权利人", STR, 100), ("不动产单元号", STR, 28), ("坐落", STR, 200)),
        (("刘*", "152201001001GB00001F0001****", "乌兰浩特市***"),),
        personal=("权利人",),
    ),
)


def _csv(spec: Spec) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([name for name, _type, _length in spec.columns])
    writer.writerows(spec.rows)
    return buffer.getvalue().encode("utf-8")


def _load_table(actor: User, entry: CatalogEntry, spec: Spec) -> None:
    upload = SimpleUploadedFile(f"{spec.code}.csv", _csv(spec), content_type="text/csv")
    data_table_load(actor=actor, entry=entry, upload=upload)


def _summary(spec: Spec, provider: OrgUnit) -> str:
    columns = "、".join(name for name, _type, _length in spec.columns)
    return f"{spec.title}，由{provider.name}提供，包括{columns}等数据项。"


def _sharing(spec: Spec) -> tuple[str, str]:
    if spec.open_type == OPEN:
        return SharingType.UNCONDITIONAL, ""
    if spec.personal:
        return SharingType.CONDITIONAL, "含个人信息，依据《个人信息保护法》仅向依法履职的部门在授权范围内共享"
    return SharingType.CONDITIONAL, "仅向依法履行监管职责的部门共享，用于许可核验和监督检查"


REVIEWER = {"username": "data_authority", "real_name": "其其格", "unit": "152200-ZSJ-SJZYK", "role_unit": "152200"}


def _reviewer() -> User | None:
    """A demo account of the League data authority (role data_authority over the whole League), created once."""
    existing = User.objects.filter(role_assignments__role__code="data_authority").order_by("pk").first()
    if existing is not None:
        return existing
    from egov.kernel.access.models import Role, RoleAssignment
    from egov.kernel.accounts.services import staff_create
    from egov.kernel.orgs.demo.accounts import demo_data, demo_totp_key
    from egov.kernel.orgs.models import Position
    from egov.kernel.orgs.services import membership_add

    units = {unit.code: unit for unit in OrgUnit.objects.filter(code__in=[REVIEWER["unit"], REVIEWER["role_unit"]])}
    if len(units) < 2:
        return None
    user = User.objects.filter(username=REVIEWER["username"]).first() or staff_create(
        username=REVIEWER["username"],
        real_name=REVIEWER["real_name"],
        password=demo_data()["password"],
        totp_key_hex=demo_totp_key(REVIEWER["username"]),
    )
    position = Position.objects.filter(name="一级主任科员").first()
    if position is not None and not user.memberships.filter(org_unit=units[REVIEWER["unit"]]).exists():
        membership_add(user=user, org_unit=units[REVIEWER["unit"]], position=position, is_primary=True)
    # Bootstrapping, as the accounts demo step does: the system grants the role (no acting user).
    RoleAssignment.objects.create(
        user=user,
        role=Role.objects.get(code="data_authority"),
        org_unit=units[REVIEWER["role_unit"]],
        include_subunits=True,
    )
    return user


def load(stdout: OutputWrapper) -> None:
    actor = User.objects.filter(username="data_admin").first()
    reviewer = _reviewer()
    if actor is None or reviewer is None:
        stdout.write("data: 未找到演示账号 data_admin 或组织机构，跳过信息资源目录")
        return
    themes = {name: theme_ensure(actor=actor, name=name, title=title) for name, title in THEMES.items()}
    units = {unit.code: unit for unit in OrgUnit.objects.filter(code__in={spec.provider for spec in SPECS})}
    existing = set(CatalogEntry.objects.filter(code__in=[spec.code for spec in SPECS]).values_list("code", flat=True))
    created = loaded = 0
    for spec in SPECS:
        if spec.code in existing:
            entry = CatalogEntry.objects.get(code=spec.code)
            if not DataTable.objects.filter(entry=entry).exists():
                _load_table(actor, entry, spec)
                loaded += 1
            continue
        sharing_type, basis = _sharing(spec)
        entry = catalog_entry_create(
            actor=actor,
            provider=units[spec.provider],
            code=spec.code,
            title=spec.title,
            summary=_summary(spec, units[spec.provider]),
            data_format="CSV",
            update_frequency=spec.frequency,
            sharing_type=sharing_type,
            sharing_basis=basis,
            sharing_method="file" if spec.open_type == OPEN else "api",
            use_conditions="" if spec.open_type == OPEN else "须经提供单位审核同意，不得用于约定范围以外的用途",
            classification_level="important" if spec.personal else "general",
            open_type=spec.open_type,
            items=[
                DataItemSpec(name=name, data_type=data_type, length=length, is_personal=name in spec.personal)
                for name, data_type, length in spec.columns
            ],
            theme=themes[spec.theme],
            tags=spec.tags,
            license_id="cc-by-4.0",
        )
        resource_add(actor=actor, entry=entry, name=f"{spec.title}（CSV）", format="CSV", content=_csv(spec))
        _load_table(actor, entry, spec)
        loaded += 1
        catalog_entry_submit(actor=actor, entry=entry)
        catalog_entry_publish(actor=reviewer, entry=entry)
        created += 1
    published_open = CatalogEntry.objects.filter(status=EntryStatus.PUBLISHED, open_type=OPEN).count()
    stdout.write(
        f"data: 新建信息资源目录 {created} 条，加载数据 {loaded} 个，其中无条件开放数据集共 {published_open} 个"
    )


register_demo_step("data", load)
