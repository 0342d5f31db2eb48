"""Intake routes: dashboard, members, new application steps, the case, its documents, the list."""
from django.urls import path

from cases.views import intake as views
from cases.views import members

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("applications/", views.application_list, name="application-list"),
    path("applications/new/", views.application_new, name="application-new"),
    path("applications/new/member/<int:member_pk>/", views.application_new_for_member,
         name="application-new-for-member"),
    path("members/register-here/", members.member_register_here, name="member-register-here"),
    path("members/<int:pk>/", members.member_detail, name="member-detail"),
    path("members/<int:pk>/edit/", members.member_edit, name="member-edit"),
    path("members/<int:pk>/family/", members.member_family_add, name="member-family-add"),
    path("applications/<int:pk>/", views.application_detail, name="application-detail"),
    path("applications/<int:pk>/step/<slug:step>/", views.application_step, name="application-step"),
    path("applications/<int:pk>/estimate/", views.estimate, name="estimate"),
    path("applications/<int:pk>/submit/", views.application_submit, name="application-submit"),
    path("applications/<int:pk>/resubmit/", views.application_resubmit, name="application-resubmit"),
    path("applications/<int:pk>/withdraw/", views.application_withdraw, name="application-withdraw"),
    path("applications/<int:pk>/print/", views.application_print, name="application-print"),
    path("applications/<int:pk>/documents/<int:document_pk>/", views.document_download, name="document-download"),
    path("applications/<int:pk>/documents/<int:document_pk>/delete/", views.document_delete,
         name="document-delete"),
]
