"""Routes of programmes and their recurring cycles."""
from django.urls import path

from households.views import cycles, programmes

urlpatterns = [
    path("programmes/", programmes.programme_list, name="programme-list"),
    path("programmes/new/", programmes.programme_create, name="programme-new"),
    path("programmes/<int:pk>/", programmes.programme_detail, name="programme-detail"),
    path("programmes/<int:pk>/edit/", programmes.programme_edit, name="programme-edit"),
    path("programmes/<int:pk>/chosen/add/", programmes.programme_choose, name="programme-choose"),
    path("programmes/<int:pk>/chosen/<int:household_pk>/remove/", programmes.programme_unchoose,
         name="programme-unchoose"),
    path("cycles/", cycles.cycle_list, name="cycle-list"),
    path("cycles/new/", cycles.cycle_generate, name="cycle-generate"),
    path("cycles/<int:pk>/", cycles.cycle_detail, name="cycle-detail"),
    path("cycles/<int:pk>/lines.xlsx", cycles.cycle_xlsx, name="cycle-xlsx"),
    path("cycles/<int:pk>/lines/<int:line_pk>/", cycles.cycle_line_detail, name="cycle-line-detail"),
    path("cycles/<int:pk>/lines/<int:line_pk>/remove/", cycles.cycle_line_remove, name="cycle-line-remove"),
    path("cycles/<int:pk>/lines/<int:line_pk>/restore/", cycles.cycle_line_restore, name="cycle-line-restore"),
    path("cycles/<int:pk>/discard/", cycles.cycle_discard, name="cycle-discard"),
    path("cycles/<int:pk>/approve/", cycles.cycle_approve, name="cycle-approve"),
    path("cycles/<int:pk>/sheet/", cycles.cycle_sheet_create, name="cycle-sheet-create"),
]
