from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from reliefdesk import views

urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("jobs/<int:pk>/", views.job_detail, name="job-detail"),
    path("jobs/<int:pk>/download/", views.job_download, name="job-download"),
    path("jobs/<int:pk>/retry/", views.job_retry, name="job-retry"),
    path("holidays/", views.holiday_years, name="holiday-years"),
    path("holidays/new/", views.holiday_year_new, name="holiday-year-new"),
    path("admin/", admin.site.urls),
    path("funds/", include("funds.urls")),
    path("cases/", include("cases.urls")),
    # Finance's pages keep the addresses they had under cases/.
    path("cases/", include("payouts.urls")),
    path("donations/", include("donations.urls")),
    path("households/", include("households.urls")),
    path("reports/", include("reports.urls")),
]

handler400 = "reliefdesk.views.error_400"
handler403 = "reliefdesk.views.error_403"
handler404 = "reliefdesk.views.error_404"
handler500 = "reliefdesk.views.error_500"
