"""Review, public notice and batch approval routes (included by cases/urls.py)."""
from django.urls import path

from cases.views import batches, review

urlpatterns = [
    path("review/", review.review_queue, name="review-queue"),
    path("review/overrides/", review.override_report, name="override-report"),
    path("review/<int:pk>/", review.review_detail, name="review"),
    path("review/<int:pk>/take/", review.review_take, name="review-take"),
    path("review/<int:pk>/save/", review.review_save, name="review-save"),
    path("review/<int:pk>/acknowledge-invoices/", review.review_acknowledge_invoices,
         name="review-acknowledge-invoices"),
    path("review/<int:pk>/verify/", review.review_verify, name="review-verify"),
    path("review/<int:pk>/return/", review.review_return, name="review-return"),
    path("review/<int:pk>/reject/", review.review_reject, name="review-reject"),
    path("review/<int:pk>/reopen/", review.review_reopen, name="review-reopen"),
    path("review/<int:pk>/confirm-override/", review.override_confirm, name="override-confirm"),
    path("batches/", batches.batch_list, name="batch-list"),
    path("batches/new/", batches.batch_create, name="batch-create"),
    path("batches/<int:pk>/", batches.batch_detail, name="batch-detail"),
    path("batches/<int:pk>/add/", batches.batch_add, name="batch-add"),
    path("batches/<int:pk>/remove/<int:application_pk>/", batches.batch_remove, name="batch-remove"),
    path("batches/<int:pk>/objection/<int:application_pk>/", batches.batch_objection, name="batch-objection"),
    path("batches/<int:pk>/start-notice/", batches.batch_start_notice, name="batch-start-notice"),
    path("batches/<int:pk>/send-back/", batches.batch_send_back, name="batch-send-back"),
    path("batches/<int:pk>/approve/", batches.batch_approve, name="batch-approve"),
    path("batches/<int:pk>/notice/", batches.batch_notice, name="batch-notice"),
    path("batches/<int:pk>/notice.xlsx", batches.batch_notice_xlsx, name="batch-notice-xlsx"),
]
