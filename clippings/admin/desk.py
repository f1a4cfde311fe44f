"""The desk overview on the admin index: what waits, what is scheduled (articles and press releases),
the last imports, a chart."""

from datetime import datetime

from django.conf import settings
from django.contrib import admin
from django.db.models import Count, F, Value
from django.db.models.functions import TruncMonth
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from ..documents import ACCEPTED_DATES
from ..models import Article, ImportRun, PressRelease, Status
from .providers import summarise_counts

CHART_TOPICS = 6
CHART_MONTHS = 12
COLOURS = ["#1f5f8b", "#c0392b", "#27864f", "#8e44ad", "#d35400", "#2c3e50"]


def desk_context(request) -> dict:
    if not request.user.is_active or not request.user.is_staff:
        return {}
    now = timezone.now()
    counts = {model._meta.verbose_name_plural: dict(model.objects.order_by().values_list("status")
                                                    .annotate(n=Count("id")))
              for model in (Article, PressRelease)}
    return {
        "desk": {
            "time_zone": settings.TIME_ZONE,
            "statuses": [(label, [counts[kind].get(value, 0) for kind in counts]) for value, label in Status.choices],
            "kinds": list(counts),
            "in_review": Article.objects.filter(status=Status.REVIEW).select_related("provider")
            .order_by("-updated_at")[:10],
            "releases_in_review": PressRelease.objects.filter(status=Status.REVIEW).order_by("-updated_at")[:5],
            "scheduled": scheduled(now, "publish_at", [Status.DRAFT, Status.REVIEW]),
            "withdrawing": scheduled(now, "unpublish_at", [Status.PUBLISHED]),
            "upstream_pending": Article.objects.with_upstream_changes().count(),
            "imports": [(run, summarise_counts(run.counts)) for run in ImportRun.objects.all()[:5]],
            "chart": coverage_chart(latest_coverage(now)),
        }
    }


def scheduled(now: datetime, field: str, statuses: list[str], limit: int = 10) -> list[dict]:
    """Articles and press releases due at `field` (publish_at, unpublish_at), soonest first, in one query."""
    def due(model):
        return (model.objects.filter(status__in=statuses, **{f"{field}__gte": now}).order_by()
                .annotate(model=Value(model._meta.model_name)).values("pk", "title", "model", when=F(field)))

    items = list(due(Article).union(due(PressRelease), all=True).order_by("when", "model", "pk")[:limit])
    for item in items:
        item["url"] = reverse(f"admin:clippings_{item['model']}_change", args=[item["pk"]])
    return items


def latest_coverage(now: datetime) -> datetime:
    """The chart ends at the newest article's month (coverage is often imported long after); a date
    before the accepted ones (written other than by an import) would start it before year 1."""
    latest = (Article.objects.filter(published_at__gte=ACCEPTED_DATES.earliest, published_at__lte=now)
              .order_by("-published_at").values_list("published_at", flat=True).first())
    return latest or now


def coverage_chart(now: datetime) -> str:
    """Articles per month per topic over the twelve months up to `now`, as an inline SVG line chart."""
    local = timezone.localtime(now)
    year, month = local.year, local.month - CHART_MONTHS + 1
    while month <= 0:
        year, month = year - 1, month + 12
    start = local.replace(year=year, month=month, day=1, hour=0, minute=0, second=0, microsecond=0)
    months = []
    cursor = start
    for _ in range(CHART_MONTHS):
        months.append(cursor.date())
        cursor = cursor.replace(year=cursor.year + cursor.month // 12, month=cursor.month % 12 + 1)
    rows = (Article.topics.through.objects.filter(article__published_at__gte=start, article__published_at__lte=now)
            .annotate(month=TruncMonth("article__published_at")).values_list("topic__name", "month")
            .annotate(n=Count("id")).order_by())
    series: dict[str, dict] = {}
    for name, when, n in rows:
        key = when.date() if isinstance(when, datetime) else when
        series.setdefault(name, {})[key] = n
    top = sorted(series, key=lambda name: -sum(series[name].values()))[:CHART_TOPICS]
    if not top:
        return format_html('<p class="help">No tagged coverage in the {} months up to {}.</p>', CHART_MONTHS,
                           local.strftime("%B %Y"))
    width, height, left, bottom, top_pad = 640, 220, 40, 30, 10
    peak = max(max(series[name].values()) for name in top)
    step = (width - left - 10) / (CHART_MONTHS - 1)

    def y(n):
        return top_pad + (height - bottom - top_pad) * (1 - n / peak)

    lines = format_html_join("", '<polyline fill="none" stroke="{}" stroke-width="2" points="{}"><title>{}</title>'
                             "</polyline>", [
                                 (COLOURS[i], " ".join(f"{left + j * step:.1f},{y(series[name].get(m, 0)):.1f}"
                                                       for j, m in enumerate(months)), name)
                                 for i, name in enumerate(top)])
    labels = format_html_join("", '<text x="{}" y="{}" font-size="10" text-anchor="middle">{}</text>', [
        (f"{left + j * step:.1f}", height - 12, m.strftime("%b %y")) for j, m in enumerate(months)])
    axis = format_html('<text x="4" y="{}" font-size="10">{}</text><text x="4" y="{}" font-size="10">0</text>'
                       '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#999"/>',
                       top_pad + 8, peak, height - bottom, left, height - bottom, width, height - bottom)
    legend = format_html_join("", '<li><span style="color:{}">&#9632;</span> {} ({})</li>', [
        (COLOURS[i], name, sum(series[name].values())) for i, name in enumerate(top)])
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {} {}" width="100%" role="img" '
        'aria-labelledby="coverage-chart-title"><title id="coverage-chart-title">Articles per month, by topic, '
        "{} months to {}</title>{}{}{}</svg><ul class=\"chart-legend\">{}</ul>",
        width, height, CHART_MONTHS, local.strftime("%B %Y"), axis, lines, labels, legend)


def install(site: admin.AdminSite) -> None:
    """Give the site's index the desk overview (the project uses the default site, so wrap its view)."""
    plain_index = site.index

    def index(request, extra_context=None):
        return plain_index(request, {**desk_context(request), **(extra_context or {})})

    site.index = index
