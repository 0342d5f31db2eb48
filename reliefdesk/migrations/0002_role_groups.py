"""Roles are Django groups; this creates them with their model permissions."""
from django.db import migrations

ROLE_PERMISSIONS = {
    "liaison": [
        "cases.view_member", "cases.add_member", "cases.change_member",
        "cases.view_familymember", "cases.add_familymember", "cases.change_familymember",
        "cases.view_application", "cases.add_application", "cases.change_application",
        "cases.view_document", "cases.add_document",
        "funds.view_fund", "funds.view_ruleset", "funds.view_tier",
    ],
    "reviewer": [
        "cases.view_member", "cases.view_familymember", "cases.view_application", "cases.change_application",
        "cases.view_document", "cases.view_batch", "cases.add_batch", "cases.change_batch",
        "funds.view_fund", "funds.view_ruleset", "funds.view_tier", "funds.view_ledgerentry",
    ],
    "approver": [
        "cases.view_application", "cases.view_document", "cases.view_batch", "cases.change_batch",
        "funds.view_fund", "funds.view_ruleset", "funds.view_tier", "funds.view_ledgerentry",
    ],
    "finance": [
        "cases.view_application", "cases.view_batch", "cases.view_payout", "cases.change_payout",
        "cases.view_payoutsheet", "cases.add_payoutsheet", "cases.change_payoutsheet",
        "funds.view_fund", "funds.view_ledgerentry", "funds.add_ledgerentry",
        "donations.view_donor", "donations.add_donor", "donations.change_donor",
        "donations.view_campaign", "donations.add_campaign", "donations.change_campaign",
        "donations.view_donation", "donations.add_donation", "donations.change_donation",
    ],
    "admin": [],
}


def create_groups(apps, schema_editor):
    from django.apps import apps as global_apps
    from django.contrib.auth.management import create_permissions

    # Permissions are normally made after migrate (post_migrate); make them now.
    for app_config in global_apps.get_app_configs():
        create_permissions(app_config, apps=apps, verbosity=0)

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, codes in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        perms = []
        for code in codes:
            app_label, codename = code.split(".")
            perms.append(Permission.objects.get(content_type__app_label=app_label, codename=codename))
        group.permissions.set(perms)


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLE_PERMISSIONS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("reliefdesk", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("cases", "0003_initial"),
        ("funds", "0002_initial"),
        ("donations", "0003_initial"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
