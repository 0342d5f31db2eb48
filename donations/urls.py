from django.urls import path

from donations import views

app_name = "donations"

urlpatterns = [
    path("", views.donation_list, name="donation-list"),
    path("new/", views.donation_create, name="donation-create"),
    path("<int:pk>/", views.donation_detail, name="donation-detail"),
    path("<int:pk>/confirm/", views.donation_confirm, name="donation-confirm"),
    path("<int:pk>/void/", views.donation_void, name="donation-void"),
    path("<int:pk>/receipt/", views.donation_receipt, name="donation-receipt"),
    path("donors/", views.donor_list, name="donor-list"),
    path("donors/search/", views.donor_search, name="donor-search"),
    path("donors/new/", views.donor_create, name="donor-create"),
    path("donors/<int:pk>/edit/", views.donor_update, name="donor-update"),
    path("campaigns/", views.campaign_list, name="campaign-list"),
    path("campaigns/new/", views.campaign_create, name="campaign-create"),
    path("campaigns/<int:pk>/", views.campaign_detail, name="campaign-detail"),
    path("campaigns/<int:pk>/edit/", views.campaign_update, name="campaign-update"),
    path("campaigns/<int:pk>/export/", views.campaign_export, name="campaign-export"),
    path("campaigns/<int:pk>/receipts/", views.campaign_receipts, name="campaign-receipts"),
    path("imports/", views.import_upload, name="import-upload"),
    path("imports/template/", views.import_template, name="import-template"),
    path("imports/<int:pk>/", views.import_detail, name="import-detail"),
    path("imports/<int:pk>/commit/", views.import_commit, name="import-commit"),
]
