"""Demo organisation: the six districts, Shunyi's 29 stations, employers and one user per role."""
from __future__ import annotations

from django.contrib.auth import get_user_model

from reliefdesk.models import District, Employer, Role, StaffAssignment, Station
from reliefdesk.registry import Registry

# Name → seed(stdout), registered by each app's AppConfig.ready() in the order they load.
DEMO_LOADERS: Registry = Registry("demo loader")


def register_demo_loaders(loaders: dict) -> None:
    DEMO_LOADERS.update(loaders)

DEMO_PASSWORD = "reliefdesk-demo"

DISTRICTS = [
    ("SY", "顺义", "Shunyi"),
    ("DX", "大兴", "Daxing"),
    ("CY", "朝阳", "Chaoyang"),
    ("PG", "平谷", "Pinggu"),
    ("TZ", "通州", "Tongzhou"),
    ("HD", "海淀", "Haidian"),
]

# Shunyi has 29 service stations (one per town and street); names follow its towns.
SHUNYI_STATIONS = [
    "胜利街道", "光明街道", "石园街道", "空港街道", "双丰街道", "旺泉街道", "仁和镇", "后沙峪镇", "天竺镇",
    "杨镇", "牛栏山镇", "南法信镇", "马坡镇", "高丽营镇", "李桥镇", "李遂镇", "南彩镇", "北务镇", "大孙各庄镇",
    "张镇", "龙湾屯镇", "木林镇", "北小营镇", "北石槽镇", "赵全营镇", "李桥产业园", "临空经济区", "天竺综合保税区",
    "中关村顺义园",
]

OTHER_STATIONS = {
    "DX": ["兴丰街道", "黄村镇", "西红门镇"],
    "CY": ["八里庄街道", "朝外街道"],
    "PG": ["平谷镇", "兴谷街道"],
    "TZ": ["北苑街道"],
    "HD": ["中关村街道", "清河街道"],
}

EMPLOYERS = {
    "SY": ["北京顺鑫农业股份有限公司", "顺义区第一中学", "北京汽车股份有限公司顺义分公司", "顺义区医院",
           "胜利街道办事处", "空港物流有限公司"],
    "DX": ["大兴区第三中学", "大兴区人民医院", "北京新机场建设指挥部"],
    "CY": ["八里庄街道社区服务中心", "朝阳区环卫中心"],
    "PG": ["平谷区公交公司", "平谷区妇幼保健院"],
    "TZ": ["通州区城市管理委员会"],
    "HD": ["海淀区某街道办事处", "清河街道办事处"],
}

DEMO_USERS = [
    # username, role, district, station indexes (Shunyi), full name
    ("liaison", Role.LIAISON, "SY", [1, 2, 3], "刘联络"),
    ("reviewer", Role.REVIEWER, "SY", [], "王审核"),
    ("approver", Role.APPROVER, "SY", [], "赵审批"),
    ("finance", Role.FINANCE, "SY", [], "钱财务"),
    ("admin", Role.ADMIN, None, [], "系统管理员"),
    ("dx_reviewer", Role.REVIEWER, "DX", [], "孙审核"),
    ("dx_finance", Role.FINANCE, "DX", [], "周财务"),
    ("dx_liaison", Role.LIAISON, "DX", [1], "吴联络"),
]


def seed(stdout) -> None:
    districts = {}
    for code, name, name_en in DISTRICTS:
        districts[code], _ = District.objects.update_or_create(code=code, defaults={"name": name, "name_en": name_en})

    for index, town in enumerate(SHUNYI_STATIONS, start=1):
        Station.objects.update_or_create(
            district=districts["SY"], code=f"SY{index:02d}", defaults={"name": f"{town}工会服务站"}
        )
    for code, towns in OTHER_STATIONS.items():
        for index, town in enumerate(towns, start=1):
            Station.objects.update_or_create(
                district=districts[code], code=f"{code}{index:02d}", defaults={"name": f"{town}工会服务站"}
            )

    for code, names in EMPLOYERS.items():
        for index, name in enumerate(names, start=1):
            station = Station.objects.filter(district=districts[code], code=f"{code}{index:02d}").first()
            Employer.objects.update_or_create(district=districts[code], name=name, defaults={"station": station})

    User = get_user_model()
    for username, role, district_code, station_indexes, full_name in DEMO_USERS:
        # Chinese names are written family name first: keep the whole name in first_name.
        user, created = User.objects.get_or_create(username=username, defaults={"first_name": full_name})
        if user.first_name != full_name or user.last_name:
            user.first_name, user.last_name = full_name, ""
            user.save(update_fields=["first_name", "last_name"])
        if created or not user.check_password(DEMO_PASSWORD):
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        district = districts[district_code] if district_code else None
        assignment, _ = StaffAssignment.objects.update_or_create(user=user, defaults={"role": role, "district": district})
        if station_indexes:
            stations = Station.objects.filter(
                district=district, code__in=[f"{district_code}{i:02d}" for i in station_indexes]
            )
            assignment.stations.set(stations)
    stdout.write(f"Organisation: {District.objects.count()} districts, {Station.objects.count()} stations, "
                 f"{len(DEMO_USERS)} demo users.")
