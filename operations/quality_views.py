"""The quality program's pages: the medical director's (rate, draw, agreement, disagreements, outliers) and the second
reviewer's blinded review (the case's inputs, never the first decision). Every read is in the access log."""

import datetime

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from audit import log
from core.permissions import permission_required
from operations import quality
from operations.quality_models import QualitySetting, SecondReview, SecondReviewItem


class RateForm(forms.ModelForm):
    class Meta:
        model = QualitySetting
        fields = ["rate"]


def quarter_label(quarter: datetime.date) -> str:
    return f"{quarter.year} Q{(quarter.month - 1) // 3 + 1}"


class QuarterForm(forms.Form):
    """The quarter the page reads (``?quarter=2026-10-01``, its first day): this one or one of the seven before."""

    quarter = forms.TypedChoiceField(label="Quarter", coerce=datetime.date.fromisoformat)

    def __init__(self, params, *args, today: datetime.date, **kwargs):
        quarters = quality.recent_quarters(today)
        params = params.copy()
        params.setdefault("quarter", quarters[0].isoformat())
        super().__init__(params, *args, **kwargs)
        field = self.fields["quarter"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [(quarter.isoformat(), quarter_label(quarter)) for quarter in quarters]
        field.error_messages["invalid_choice"] = (
            f"Choose one of the last {quality.QUARTERS} quarters (its first day, such as {quarters[0].isoformat()})."
        )


@require_GET
@never_cache
@permission_required("operations.view_figures")
def quality_page(request: HttpRequest) -> HttpResponse:
    period = QuarterForm(request.GET, today=timezone.localdate())
    valid = period.is_valid()
    log.record(request, object_type="operations_quality", quarter=request.GET.get("quarter", ""), valid=valid)
    quarter = period.cleaned_data["quarter"] if valid else None
    context = {
        "form": RateForm(initial={"rate": quality.current_rate()}),
        "period": period,
        "quarter": quarter_label(quarter) if quarter else "",
        "tables": quality.agreement_tables(quarter) if quarter else {},
        "disagreements": quality.disagreements(quarter) if quarter else [],
        "flags": quality.outliers(quarter) if quarter else [],
        "open_reviews": SecondReview.objects.filter(completed_at=None).count(),
        "ratio": quality.RATIO,
        "min_decisions": quality.MIN_DECISIONS,
    }
    return render(request, "operations/quality.html", context, status=200 if valid else 400)


@require_POST
@permission_required("operations.manage_quality")
def quality_rate(request: HttpRequest) -> HttpResponse:
    form = RateForm(request.POST)
    if not form.is_valid():
        errors = form.errors.get("rate", ["invalid"])
        messages.error(request, "Sampling rate: " + " ".join(str(error) for error in errors))
        return redirect("operations:quality")
    setting = form.save(commit=False)
    setting.set_by = request.user
    setting.save()
    log.record(request, object_type="operations_quality_rate", object_id=setting.pk)
    messages.success(request, f"Sampling rate set to {setting.rate}%.")
    return redirect("operations:quality")


@require_POST
@permission_required("operations.manage_quality")
def quality_draw(request: HttpRequest) -> HttpResponse:
    result = quality.draw_sample()
    log.record(request, object_type="operations_quality_draw", sampled=result.sampled)
    text = f"{result.sampled} case(s) sent to a second reviewer."
    if result.without_reviewer:
        text += f" {result.without_reviewer} in the sample had no other reviewer of their specialty."
    messages.success(request, text)
    return redirect("operations:quality")


@require_GET
@never_cache
@permission_required("operations.second_review")
def my_second_reviews(request: HttpRequest) -> HttpResponse:
    reviews = SecondReview.objects.filter(second_reviewer_id=request.user.pk).select_related("case")
    log.record(request, object_type="second_review_list")
    return render(request, "operations/quality_mine.html", {"reviews": reviews})


def _verdicts(request: HttpRequest, rows: list[SecondReviewItem]) -> tuple[dict[int, str], list[str]]:
    verdicts, errors = {}, []
    for number, row in enumerate(rows, start=1):
        value = request.POST.get(f"item-{row.item_id}", "")
        if value not in SecondReviewItem.Decision.values:
            errors.append(f"Item {number}: choose upheld or overturned.")
        verdicts[row.item_id] = value
    return verdicts, errors


@require_http_methods(["GET", "POST"])
@never_cache
@permission_required("operations.second_review")
def second_review(request: HttpRequest, case_number: str) -> HttpResponse:
    review = get_object_or_404(
        SecondReview.objects.select_related("case"), case__case_number=case_number, second_reviewer_id=request.user.pk
    )
    # Only the items' own fields: the first decision stays in the row and never reaches the template.
    rows = list(review.items.select_related("item").defer("first_decision"))
    errors: list[str] = []
    if request.method == "POST":
        if review.completed_at:
            raise Http404("This second review is recorded already.")
        verdicts, errors = _verdicts(request, rows)
        if not errors:
            quality.record(review, verdicts)
            log.record(request, object_type="second_review", object_id=review.pk, case_number=case_number)
            messages.success(request, "Your second review is recorded.")
            return redirect("operations:my_second_reviews")
    else:
        log.record(request, object_type="second_review", object_id=review.pk, case_number=case_number)
    items = [(row.item, request.POST.get(f"item-{row.item_id}", row.second_decision)) for row in rows]
    # The records as the first reviewer read them (a second reviewer may: ``operations/rules.py``).
    documents = review.case.documents.only("pk", "case_id", "kind", "title", "original_name", "page_count")
    context = {"review": review, "case": review.case, "items": items, "errors": errors, "documents": documents}
    return render(request, "operations/quality_review.html", context, status=400 if errors else 200)
