"""Finance: payouts, payout sheets and the bank's results."""
from django.urls import path

from payouts import views

app_name = "payouts"

urlpatterns = [
    path("finance/", views.finance_home, name="finance-home"),
    path("payouts/", views.payout_list, name="payout-list"),
    path("payouts/<int:pk>/", views.payout_detail, name="payout-detail"),
    path("payouts/<int:pk>/reissue/", views.payout_reissue, name="payout-reissue"),
    path("payouts/member/<int:member_pk>/apply-card/", views.payouts_apply_member_card,
         name="payouts-apply-member-card"),
    path("payouts/mark-paid/", views.payouts_mark_paid, name="payouts-mark-paid"),
    path("payouts/mark-failed/", views.payouts_mark_failed, name="payouts-mark-failed"),
    path("sheets/", views.sheet_list, name="sheet-list"),
    path("sheets/create/", views.sheet_create, name="sheet-create"),
    path("sheets/<int:pk>/", views.sheet_detail, name="sheet-detail"),
    path("sheets/<int:pk>/export/", views.sheet_export, name="sheet-export"),
    path("sheets/<int:pk>/cancel/", views.sheet_cancel, name="sheet-cancel"),
    path("sheets/<int:pk>/import/", views.sheet_import, name="sheet-import"),
    path("sheets/<int:pk>/import/commit/", views.sheet_import_commit, name="sheet-import-commit"),
    path("sheets/<int:pk>/import/cancel/", views.sheet_import_cancel, name="sheet-import-cancel"),
]
