"""Donation pages for finance: entry, list, detail, receipts, donors, campaigns and imports."""
from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from donations import exports, imports, selectors, services
from donations.filters import DonationFilter
from donations.forms import (CampaignForm, DonationForm, DonorForm, ImportCommitForm, ImportUploadForm, VoidForm,
                             donor_label)
from donations.models import Campaign, Donation, DonationImport, Donor
from donations.selectors import (
    campaign_summary,
    campaign_totals,
    campaigns_visible_to,
    donations_visible_to,
    donors_visible_to,
    donation_imports_visible_to,
    receipts_of_campaign,
    state_totals,
    with_void,
)
from donations.workflow import DONATION
from reliefdesk.errors import DomainError, add_to_form
from reliefdesk.history import labelled_history
from reliefdesk.importing import needs_background
from reliefdesk.jobs import start_job
from reliefdesk.money import amount_in_capitals
from reliefdesk.scope import get_or_404, require_role
from reliefdesk.xlsx import xlsx_response

PAGE_SIZE = 50


def _finance(request) -> None:
    require_role(request.user, *services.DONATION_ROLES)


def _page(request, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


# --- donations -------------------------------------------------------------

@require_GET
def donation_list(request):
    _finance(request)
    donation_filter = DonationFilter(request.GET or None, queryset=donations_visible_to(user=request.user),
                                     request=request)
    rows = donation_filter.qs
    states = state_totals(rows)
    return render(request, "donations/donation_list.html", {
        "filter": donation_filter,
        "page_obj": _page(request, rows),
        "totals": states[Donation.Status.CONFIRMED],
        "recorded": states[Donation.Status.RECORDED],
        "voided": states[Donation.Status.VOIDED],
    })


@require_http_methods(["GET", "POST"])
def donation_create(request):
    _finance(request)
    initial = {"confirm": True}
    if request.GET.get("campaign", "").isascii() and request.GET.get("campaign", "").isdigit():
        campaign = campaigns_visible_to(user=request.user).filter(pk=int(request.GET["campaign"])).first()
        if campaign:
            initial.update(campaign=campaign, fund=campaign.fund)
    if request.method == "POST" and DonationForm.SEARCH in request.POST:
        # Searching for a donor without the script: the form again, not yet checked, everything typed
        # kept, the donors matching the search offered.
        typed = {name: request.POST.get(name) for name in DonationForm.base_fields if name in request.POST}
        typed["confirm"] = "confirm" in request.POST
        form = DonationForm(user=request.user, initial=typed)
        return render(request, "donations/donation_form.html", {"form": form})
    form = DonationForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            donor = data["donor"]
            if donor is None and data["new_donor_name"].strip() and data["new_donor_kind"] != Donor.Kind.ANONYMOUS:
                donor = (donors_visible_to(user=request.user)
                         .filter(district=data["fund"].district, kind=data["new_donor_kind"],
                                 name=data["new_donor_name"].strip(), unit_name="").first()
                         or services.donor_create(actor=request.user, kind=data["new_donor_kind"],
                                                  name=data["new_donor_name"], district=data["fund"].district))
            donation = services.donation_record(
                actor=request.user, fund=data["fund"], campaign=data["campaign"], donor=donor,
                amount=data["amount"], received_on=data["received_on"], channel=data["channel"],
                external_reference=data["external_reference"], note=data["note"], confirm=data["confirm"],
            )
        except DomainError as error:
            add_to_form(form, error)
        else:
            messages.success(request, _("Donation recorded with receipt number %(n)s.")
                             % {"n": donation.receipt_number})
            return redirect("donations:donation-detail", pk=donation.pk)
    return render(request, "donations/donation_form.html", {"form": form})


@require_GET
def donation_detail(request, pk: int):
    _finance(request)
    donation = get_or_404(donations_visible_to(user=request.user).select_related(
        "import_batch", "credit_entry", "void_entry"), pk=pk)
    return render(request, "donations/donation_detail.html", {
        "donation": donation,
        "actions": DONATION.allowed_actions(donation, user=request.user),
        "void_form": VoidForm(),
        "events": labelled_history(donation),
        "ledger_entries": [e for e in (donation.credit_entry, donation.void_entry) if e is not None],
    })


@require_POST
def donation_confirm(request, pk: int):
    _finance(request)
    donation = get_or_404(donations_visible_to(user=request.user), pk=pk)
    try:
        services.donation_confirm(donation=donation, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Donation confirmed: the fund has been credited."))
    return redirect("donations:donation-detail", pk=donation.pk)


@require_POST
def donation_void(request, pk: int):
    _finance(request)
    donation = get_or_404(donations_visible_to(user=request.user), pk=pk)
    form = VoidForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the reason for voiding this donation."))
        return redirect("donations:donation-detail", pk=donation.pk)
    try:
        services.donation_void(donation=donation, actor=request.user, reason=form.cleaned_data["reason"])
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Donation voided."))
    return redirect("donations:donation-detail", pk=donation.pk)


@require_GET
def donation_receipt(request, pk: int):
    """A confirmed donation's receipt; a voided one prints marked void; an unconfirmed one has none yet."""
    _finance(request)
    donation = get_or_404(with_void(donations_visible_to(user=request.user)), pk=pk)
    if donation.status == Donation.Status.RECORDED:
        messages.error(request, _("This donation is not confirmed yet: its receipt can be printed once the money "
                                  "has arrived and the donation is confirmed."))
        return redirect("donations:donation-detail", pk=donation.pk)
    return render(request, "donations/receipt.html", {"receipts": [_receipt(donation)]})


def _receipt(donation: Donation) -> dict:
    return {"donation": donation, "capitals": amount_in_capitals(donation.amount)}


# --- donors ----------------------------------------------------------------

@require_GET
def donor_search(request):
    """The few donors of the user's scope whose name or unit starts with or holds ``q``, for the donation form."""
    _finance(request)
    text = request.GET.get("q", "")[:200]
    return JsonResponse({"results": [{"id": donor.pk, "label": donor_label(donor)}
                                     for donor in selectors.donor_search(user=request.user, text=text)]})


@require_GET
def donor_list(request):
    """The donors by name, fifty at a time, walked by key (``after`` / ``before`` a donor) with their totals."""
    _finance(request)
    query = request.GET.get("q", "").strip()

    def key(name):
        value = request.GET.get(name, "")
        return int(value) if value.isdigit() else None

    page = selectors.donor_page(user=request.user, text=query, after=key("after"), before=key("before"),
                                per_page=PAGE_SIZE)
    return render(request, "donations/donor_list.html", {"page": page, "page_obj": page.donors, "q": query})


@require_http_methods(["GET", "POST"])
def donor_create(request):
    _finance(request)
    form = DonorForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.donor_create(actor=request.user, **form.cleaned_data)
        except DomainError as error:
            add_to_form(form, error)
        else:
            messages.success(request, _("Donor saved."))
            return redirect("donations:donor-list")
    return render(request, "donations/donor_form.html", {"form": form})


@require_http_methods(["GET", "POST"])
def donor_update(request, pk: int):
    _finance(request)
    donor = get_or_404(donors_visible_to(user=request.user), pk=pk)
    initial = {"kind": donor.kind, "name": donor.name, "unit_name": donor.unit_name, "employer": donor.employer,
               "contact": donor.contact, "district": donor.district}
    form = DonorForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        changes = {k: v for k, v in form.cleaned_data.items() if k != "district"}
        try:
            services.donor_update(actor=request.user, donor=donor, **changes)
        except DomainError as error:
            add_to_form(form, error)
        else:
            messages.success(request, _("Donor saved."))
            return redirect("donations:donor-list")
    return render(request, "donations/donor_form.html", {"form": form, "donor": donor})


# --- campaigns -------------------------------------------------------------

@require_GET
def campaign_list(request):
    _finance(request)
    campaigns = campaign_totals(campaigns_visible_to(user=request.user))
    return render(request, "donations/campaign_list.html", {"page_obj": _page(request, campaigns)})


@require_http_methods(["GET", "POST"])
def campaign_create(request):
    _finance(request)
    form = CampaignForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            campaign = services.campaign_create(actor=request.user, **form.cleaned_data)
        except DomainError as error:
            add_to_form(form, error)
        else:
            messages.success(request, _("Campaign saved."))
            return redirect("donations:campaign-detail", pk=campaign.pk)
    return render(request, "donations/campaign_form.html", {"form": form})


@require_http_methods(["GET", "POST"])
def campaign_update(request, pk: int):
    _finance(request)
    campaign = get_or_404(campaigns_visible_to(user=request.user), pk=pk)
    initial = {field: getattr(campaign, field) for field in services.CAMPAIGN_FIELDS}
    form = CampaignForm(request.POST or None, user=request.user, editing=campaign, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.campaign_update(actor=request.user, campaign=campaign, **form.cleaned_data)
        except DomainError as error:
            add_to_form(form, error)
        else:
            messages.success(request, _("Campaign saved."))
            return redirect("donations:campaign-detail", pk=campaign.pk)
    return render(request, "donations/campaign_form.html", {"form": form, "campaign": campaign})


def _scoped_campaign(request, pk: int) -> Campaign:
    return get_or_404(campaigns_visible_to(user=request.user), pk=pk)


@require_GET
def campaign_detail(request, pk: int):
    _finance(request)
    campaign = _scoped_campaign(request, pk)
    return render(request, "donations/campaign_detail.html", {
        "campaign": campaign,
        "summary": campaign_summary(campaign),
        "recent": donations_visible_to(user=request.user).filter(campaign=campaign)[:20],
    })


@require_GET
def campaign_export(request, pk: int):
    _finance(request)
    campaign = _scoped_campaign(request, pk)
    sheets = exports.campaign_sheets(campaign, campaign_summary(campaign))
    return xlsx_response(sheets, f"campaign-{campaign.pk}.xlsx")


@require_GET
def campaign_receipts(request, pk: int):
    """Every receipt issued in a campaign, one per printed page, the voided ones marked; unconfirmed left out."""
    _finance(request)
    campaign = _scoped_campaign(request, pk)
    donations, left_out = receipts_of_campaign(donations_visible_to(user=request.user).filter(campaign=campaign))
    return render(request, "donations/receipt.html", {"receipts": [_receipt(d) for d in donations.iterator()],
                                                      "campaign": campaign, "left_out": left_out})


# --- imports ---------------------------------------------------------------

@require_GET
def import_template(request):
    _finance(request)
    return xlsx_response([imports.template_sheet()], "donation-import-template.xlsx")


@require_http_methods(["GET", "POST"])
def import_upload(request):
    _finance(request)
    form = ImportUploadForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            imp = imports.donation_import_upload(actor=request.user, fund=data["fund"], campaign=data["campaign"],
                                        upload=data["file"])
        except DomainError as error:
            add_to_form(form, error)
        else:
            detail = reverse("donations:import-detail", args=[imp.pk])
            rows = imports.estimated_rows(imp)
            if needs_background(rows):
                job = start_job(kind="donation_import_validate", actor=request.user, total=rows,
                                params={"import_id": imp.pk, "next_url": detail,
                                        "title": _("Checking %(name)s") % {"name": imp.original_name}})
                DonationImport.objects.filter(pk=imp.pk).update(job=job)
                return redirect("job-detail", pk=job.pk)
            imports.donation_import_validate(imp=imp)
            return HttpResponseRedirect(detail)
    recent = donation_imports_visible_to(user=request.user)[:10]
    return render(request, "donations/import_upload.html", {"form": form, "recent": recent})


def _import_detail(request, imp: DonationImport, form: ImportCommitForm | None = None, status: int = 200):
    return render(request, "donations/import_detail.html", {
        "imp": imp,
        "form": form or ImportCommitForm(),
        "bad_rows": len({e["row"] for e in imp.errors if e.get("row")}),
        "file_errors": [e for e in imp.errors if not e.get("row")],
        "row_errors": [e for e in imp.errors if e.get("row")],
        "imported": imp.donations.count() if imp.status == DonationImport.Status.COMMITTED else 0,
    }, status=status)


@require_GET
def import_detail(request, pk: int):
    _finance(request)
    return _import_detail(request, get_or_404(donation_imports_visible_to(user=request.user), pk=pk))


@require_POST
def import_commit(request, pk: int):
    _finance(request)
    imp = get_or_404(donation_imports_visible_to(user=request.user), pk=pk)
    form = ImportCommitForm(request.POST)
    form.is_valid()  # two optional checkboxes: always valid
    confirm = form.cleaned_data["confirm"]
    repeats_confirmed = form.cleaned_data["repeats_confirmed"]
    detail = reverse("donations:import-detail", args=[imp.pk])
    if imp.status == DonationImport.Status.VALIDATED and imp.rows_ok > settings.BACKGROUND_ROWS_THRESHOLD:
        if imp.warnings and not repeats_confirmed:
            add_to_form(form, imports.repeats_refusal(len({item["row"] for item in imp.warnings})))
            return _import_detail(request, imp, form)
        job = start_job(kind="donation_import_commit", actor=request.user, total=imp.rows_ok,
                        params={"import_id": imp.pk, "confirm": confirm, "repeats_confirmed": repeats_confirmed,
                                "next_url": detail, "title": _("Importing %(name)s") % {"name": imp.original_name}})
        DonationImport.objects.filter(pk=imp.pk).update(job=job)
        return redirect("job-detail", pk=job.pk)
    try:
        imp = imports.donation_import_commit(imp=imp, actor=request.user, confirm=confirm,
                                             repeats_confirmed=repeats_confirmed)
    except DomainError as error:
        if error.field == "repeats_confirmed":
            add_to_form(form, error)
            return _import_detail(request, imp, form)
        messages.error(request, error.message)
    else:
        messages.success(request, _("%(n)s donations imported.") % {"n": imp.rows_ok})
    return HttpResponseRedirect(detail)
