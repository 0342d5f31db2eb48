from django.urls import path

from funds import views

app_name = "funds"

urlpatterns = [
    path("rule-sets/<int:pk>/", views.rule_set_detail, name="rule-set-detail"),
    path("rule-sets/<int:pk>/try/", views.rule_set_try, name="rule-set-try"),
    path("rule-sets/<int:pk>/edit/", views.rule_set_edit, name="rule-set-edit"),
    path("rule-sets/<int:pk>/revise/", views.rule_set_revise, name="rule-set-revise"),
    path("rule-sets/<int:pk>/activate/", views.rule_set_activate, name="rule-set-activate"),
    path("rule-sets/<int:pk>/what-if/", views.rule_set_whatif, name="rule-set-whatif"),
    path("rule-sets/<int:pk>/what-if.xlsx", views.rule_set_whatif_export, name="rule-set-whatif-export"),
    path("", views.fund_list, name="fund-list"),
    path("<slug:slug>/", views.fund_detail, name="fund-detail"),
    path("<slug:slug>/ledger.xlsx", views.ledger_export, name="ledger-export"),
    path("<slug:slug>/adjust/", views.fund_adjust, name="fund-adjust"),
    path("<slug:slug>/allocate/", views.fund_allocate, name="fund-allocate"),
    path("<slug:slug>/entries/<int:pk>/reverse/", views.entry_reverse, name="entry-reverse"),
    path("<slug:slug>/rules/", views.rule_timeline, name="rule-timeline"),
]
