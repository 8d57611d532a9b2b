from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.timezone import localtime
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from common.db import Busy
from deliverables import extensions, presenters
from deliverables.filters import DeliverableFilter
from deliverables.forms import SignOffForm, StatusUpdateForm
from deliverables.models import Deliverable, Owner, StatusUpdate, UpdateDraft
from deliverables.presenters import PositionPresenter
from deliverables.queue import QUEUE_GROUPS, queue_group, with_queue_groups
from deliverables.services import (
    QuarterClosed,
    UpdateConflict,
    status_update_save,
    update_sign_off,
)
from nhsuk.navigation import safe_next_url
from objectives.models import Measure, Quarter
from objectives.quarters import parse_number

# My updates shows this many rows a page: every executive of the seed plan sees all theirs on
# one; a trust group's plan pages them (docs/performance.md).
MY_UPDATES_PAGE_SIZE = 30
# The RAG grid's rows a page: the seed plan's 63 fit on one.
RAG_GRID_PAGE_SIZE = 200


@require_safe
@permission_required("deliverables.change_statusupdate", raise_exception=True)
def my_updates(request):
    """An executive's landing page: one compact row for every deliverable they owe this
    quarter; each update opens on its own (in place, or on its own page without JavaScript)."""
    quarter = Quarter.objects.current()
    queue = Deliverable.objects.none()
    if quarter:
        queue = Deliverable.objects.queue(request.user, quarter).with_queue_details(quarter)
    counts = Deliverable.objects.queue_counts(request.user, quarter) if quarter else {}
    paginator = Paginator(queue, MY_UPDATES_PAGE_SIZE)
    paginator.count = sum(counts.values())  # known from the groups' counts: no second count
    page = paginator.get_page(parse_number(request.GET.get("page")))
    page.object_list = with_queue_groups(page.object_list)
    added = extensions.contributions_for(page.object_list, request.user, quarter)
    rows = [_row(d, quarter, added[d.pk]) for d in page.object_list]
    context = {
        "quarter": quarter,
        "to_sign_off": StatusUpdate.objects.awaiting_sign_off_by(request.user)
        .filter(quarter=quarter)
        .select_related("deliverable__objective", "updated_by")
        .order_by("deliverable__objective__number", "deliverable__number"),
        "on_behalf_of": Owner.objects.delegated_to(request.user),
        "previous_quarter": quarter.previous() if quarter else None,
        "headings": extensions.headings(),
        "rows": rows,
        # This page's rows by group; `counts` has the whole queue's.
        "groups": {key: [row for row in rows if row["group"] == key] for key in QUEUE_GROUPS},
        "page": page,
        "counts": counts,
        "total": page.paginator.count,
        "my_measures": Measure.objects.kept_by(request.user),
        "also_owed": extensions.owed_for(request.user, quarter),
    }
    return render(request, "deliverables/my_updates.html", context)


@require_http_methods(["GET", "POST"])
@permission_required("deliverables.change_statusupdate", raise_exception=True)
def update_edit(request, pk, number):
    """One update: its own page, the panel My updates opens in place (htmx), and the target
    of every save; "Save and go to the next" moves on to the next one still to do."""
    deliverable, quarter = _editable(request.user, pk, number)
    instance = _update_of(deliverable, quarter)
    draft = UpdateDraft.objects.of(request.user).filter(deliverable=pk, quarter=quarter).first()
    if request.method == "GET" and draft and request.GET.get("start") != "previous":
        form = StatusUpdateForm.from_draft(draft, instance=instance, prefix=f"d{pk}")
    else:
        form = StatusUpdateForm(request.POST or None, instance=instance, prefix=f"d{pk}")
    if request.GET.get("start") == "previous":
        form.start_from_previous()
    saved = conflict = None
    if request.method == "POST":
        saved, form, conflict = _save(request, form)
    if saved:
        return _after_save(request, saved)
    return _update_page(request, deliverable, quarter, form, conflict)


CHANGED_SINCE_READ = (
    "The update was changed since you opened it: nothing was signed off. Read it again below "
    "before you approve or return it."
)


@require_http_methods(["GET", "POST"])
@permission_required("deliverables.change_statusupdate", raise_exception=True)
def sign_off(request, pk, number):
    """The executive reads a delegate's update and approves it or returns it for changes."""
    deliverable, quarter = _editable(request.user, pk, number)
    update = get_object_or_404(
        StatusUpdate.objects.with_people(), deliverable=deliverable, quarter=quarter
    )
    if not deliverable.can_be_signed_off_by(request.user):
        raise PermissionDenied("Only the deliverable's executive can sign off its updates.")
    form = SignOffForm(request.POST or None, initial={"version": update.version})
    if request.method == "POST" and form.is_valid():
        approve = form.cleaned_data["decision"] == "approve"
        try:
            update_sign_off(
                update=update,
                user=request.user,
                approve=approve,
                comment=form.cleaned_data["comment"],
                version=form.cleaned_data["version"],
            )
        except UpdateConflict as error:
            # The newer text to read, and what they typed kept: their comment is not lost.
            data = request.POST.copy()
            data["version"] = str(error.current.version)
            update, form = error.current, SignOffForm(data)
            form.add_error(None, CHANGED_SINCE_READ)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            done = "Signed off" if approve else "Returned to the delegate"
            messages.success(
                request, f"{done}: the {quarter.short_label} update for {deliverable.reference}."
            )
            return redirect("deliverables:my_updates")
    context = {"deliverable": deliverable, "quarter": quarter, "update": update, "form": form}
    return render(request, "deliverables/sign_off.html", context)


@require_POST
@permission_required("deliverables.change_statusupdate", raise_exception=True)
def update_draft(request, pk, number):
    """Keep what the person has typed into an update, as they type (the page's script posts
    here), or discard it. A draft is theirs alone and never counts as the update."""
    deliverable, quarter = _editable(request.user, pk, number)
    access = quarter.write_access(request.user, "updates")
    if not access.allowed:
        return JsonResponse({"error": access.reason}, status=403)
    mine = UpdateDraft.objects.of(request.user).filter(deliverable=deliverable, quarter=quarter)
    if request.POST.get("discard"):
        mine.delete()
        if request.htmx:  # the form opened in place again, afresh
            fresh = StatusUpdateForm(instance=_update_of(deliverable, quarter), prefix=f"d{pk}")
            return _update_page(request, deliverable, quarter, fresh, None)
        messages.success(request, f"Discarded your draft of the {deliverable.reference} update.")
        return redirect(_update_url(deliverable, quarter))
    form = StatusUpdateForm(prefix=f"d{pk}", instance=_update_of(deliverable, quarter))
    try:
        data = form.draft_data(request.POST)
    except ValidationError as error:
        return JsonResponse({"error": error.messages[0]}, status=400)
    request.audit_event, request.audit_outcome = "draft", "kept"
    version = request.POST.get(f"d{pk}-version", "0")
    draft, _ = UpdateDraft.objects.update_or_create(
        deliverable=deliverable,
        quarter=quarter,
        author=request.user,
        defaults={"data": data, "base_version": parse_number(version) or 0},
    )
    return JsonResponse({"saved_at": localtime(draft.saved_at).strftime("%H:%M")})


def _editable(user, pk, number):
    """The deliverable and quarter of an update `user` may write (404 or 403 otherwise)."""
    deliverable = get_object_or_404(
        Deliverable.objects.with_plan_details()
        .select_related("carried_from__objective__plan")
        .prefetch_related("carried_into__objective__plan"),
        pk=pk,
    )
    quarter = get_object_or_404(Quarter, plan_id=deliverable.objective.plan_id, number=number)
    if not Deliverable.objects.editable_by(user).filter(pk=pk).exists():
        raise PermissionDenied("This deliverable is not one of yours to update.")
    return deliverable, quarter


def _update_of(deliverable, quarter):
    """The quarter's update, or a new one to fill in."""
    existing = StatusUpdate.objects.filter(deliverable=deliverable, quarter=quarter).first()
    return existing or StatusUpdate(deliverable=deliverable, quarter=quarter)


def _save(request, form):
    """Validate and save. Returns (saved update or None, the form to show again, the newer
    update someone else saved first or None); a refusal is named for the audit log."""
    saved = conflict = None
    if form.is_valid():
        try:
            saved = status_update_save(
                update=form.instance, user=request.user, expected_version=form.expected_version
            )
        except UpdateConflict as error:
            conflict, form = error.current, form.with_newer(request.POST, error.current)
        except (QuarterClosed, Busy) as error:
            form.add_error(None, error)
    if not saved:
        # For the audit log (core.middleware): what happened to this write, in words.
        request.audit_event = "conflict" if conflict else "refused"
        request.audit_outcome = (
            f"version {conflict.version} was saved first" if conflict else _refusal(form)
        )
    return saved, form, conflict


def _after_save(request, update):
    """Where a saved update goes: on to the next one still to do, or back to My updates (with
    htmx: the saved row redrawn in place, and the next one's form opened under its row)."""
    quarter = update.quarter
    following = None
    if request.POST.get("then") == "next":
        following = Deliverable.objects.next_in_queue(request.user, quarter, update.deliverable)
    if request.htmx:
        return _saved_in_place(request, update, following)
    saved = f"Saved your {quarter.short_label} update for {update.deliverable.reference}."
    if following is not None:
        messages.success(request, saved)
        return redirect(_update_url(following, quarter))
    if request.POST.get("then") == "next":
        saved += f" That was the last one: every update you owe for {quarter.short_label} is in."
    messages.success(request, saved)
    mine = reverse("deliverables:my_updates") + f"#deliverable-{update.deliverable_id}"
    return redirect(safe_next_url(request, default=mine))


def _saved_in_place(request, update, following):
    """The saved row redrawn (out of band) and its form closed; with a following deliverable,
    that one's form opens under its own row, wherever it is in the table."""
    quarter = update.quarter
    counts = Deliverable.objects.queue_counts(request.user, quarter)
    context = {
        "row": _queue_row(request, update.deliverable_id, quarter, just_saved=update),
        "quarter": quarter,
        # The banner's counts, redrawn with the row (one aggregate query).
        "counts": counts,
        "total": sum(counts.values()),
    }
    if following is None:
        return render(request, "deliverables/includes/saved_in_place.html", context)
    context |= _panel_context(request, following, quarter, _form_for(following, quarter))
    response = render(request, "deliverables/includes/saved_in_place.html", context)
    response["HX-Retarget"] = f"#deliverable-{following.pk}"
    response["HX-Reswap"] = "afterend"
    return response


def _update_page(request, deliverable, quarter, form, conflict):
    context = _panel_context(request, deliverable, quarter, form, conflict)
    if request.htmx:
        return render(request, "deliverables/includes/update_panel.html", context)
    return render(request, "deliverables/statusupdate_form.html", context)


def _panel_context(request, deliverable, quarter, form, conflict=None):
    return {
        "deliverable": deliverable,
        "quarter": quarter,
        "form": form,
        "conflict": conflict,
        "previous": form.previous,
        "next": safe_next_url(request),
        "access": quarter.write_access(request.user),
        "in_place": bool(request.htmx),
        "contributions": extensions.contributions_for([deliverable], request.user, quarter)[
            deliverable.pk
        ],
        "columns": 4 + len(extensions.headings()),  # My updates' table, for the form's row
        "needs_sign_off": quarter.plan.requires_sign_off
        and not deliverable.can_be_signed_off_by(request.user),
    }


def _form_for(deliverable, quarter):
    """A fresh form for a deliverable from the queue (its updates already fetched)."""
    instance = deliverable.quarter_update or StatusUpdate(deliverable=deliverable, quarter=quarter)
    return StatusUpdateForm(
        instance=instance, prefix=f"d{deliverable.pk}", previous=deliverable.previous_update
    )


def _update_url(deliverable, quarter):
    url = reverse("deliverables:update_edit", args=[deliverable.pk, quarter.number])
    return f"{url}?{urlencode({'next': reverse('deliverables:my_updates')})}"


def _queue_row(request, pk, quarter, just_saved=None):
    deliverable = (
        Deliverable.objects.with_status_in(quarter)
        .with_queue_place(quarter)
        .with_queue_details(quarter)
        .get(pk=pk)
    )
    deliverable.queue_group = queue_group(deliverable)
    added = extensions.contributions_for([deliverable], request.user, quarter)[pk]
    return _row(deliverable, quarter, added, just_saved)


def _refusal(form) -> str:
    """Which inputs were refused (never what was typed, which may be sensitive)."""
    return "invalid: " + ", ".join(name if name != "__all__" else "form" for name in form.errors)


def _row(deliverable, quarter, contributions, just_saved=None):
    """One row of My updates' table; `deliverable` comes from `queue_for` (or `_queue_row`)."""
    return {
        "deliverable": deliverable,
        "update": deliverable.quarter_update,
        "previous": deliverable.previous_update,
        "position": PositionPresenter.for_row(deliverable),
        "group": deliverable.queue_group,
        "update_url": _update_url(deliverable, quarter),
        "just_saved": just_saved,
        "draft": getattr(deliverable, "has_draft", False),
        "contributions": contributions,  # what other apps add (deliverables.extensions)
    }


@require_safe
@permission_required("deliverables.view_deliverable", raise_exception=True)
def deliverable_detail(request, pk):
    deliverable = get_object_or_404(
        Deliverable.objects.with_plan_details()
        .select_related("carried_from__objective__plan")
        .prefetch_related("carried_into__objective__plan"),
        pk=pk,
    )
    may_write = Deliverable.objects.editable_by(request.user).filter(pk=deliverable.pk).exists()
    context = {
        "deliverable": deliverable,
        "timeline": presenters.timeline(deliverable, request.user, may_write),
        "contributions": extensions.contributions_for([deliverable], request.user, None)[
            deliverable.pk
        ],
        "history": presenters.history(deliverable, may_write),
    }
    return render(request, "deliverables/deliverable_detail.html", context)


@require_safe
@permission_required("objectives.view_plan", raise_exception=True)
def rag_grid(request):
    """Every deliverable × Q1–Q4: the one page a board member scans."""
    filterset = DeliverableFilter(request.GET or None)
    plan = filterset.plan_obj
    if plan is None:
        raise Http404("No plan has been loaded yet.")
    quarters = list(plan.quarters.all())
    # The page is chosen and counted on the deliverables alone; only its rows are joined to
    # their four quarters' positions. Joining the whole plan's to count and sort them was
    # most of the grid's time at a hundred times the seed plan (issue 32).
    in_order = Deliverable.objects.in_plan(plan).natural_order().values_list("pk", flat=True)
    page = Paginator(in_order, RAG_GRID_PAGE_SIZE).get_page(parse_number(request.GET.get("page")))
    page.object_list = list(
        Deliverable.objects.filter(pk__in=list(page.object_list))
        # What a row shows: its reference, words, window, theme and objective. Not a list's
        # owners and groups (`with_plan_details`), whose prefetching built ten objects a row
        # the grid never read.
        .select_related("objective__theme")
        .with_positions(quarters)
        .natural_order()
    )
    grid = presenters.rag_grid(page.object_list, quarters)
    context = {"plan": plan, "quarters": quarters, "grid": grid, "filter": filterset}
    context |= {"page": page, "query": urlencode({"plan": plan.financial_year})}
    return render(request, "deliverables/rag_grid.html", context)
