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
STROKES = [7, 5, 3.5, 2.5, 2, 1.5]
DASHES = ["none", "10 4", "4 3", "12 3 3 3", "2 2", "8 2 2 2 2 2"]
MARKERS = ["circle", "square", "triangle", "diamond", "cross", "bar"]


def desk_context(request, site: admin.AdminSite) -> dict:
    """The overview, made only of what the user may view: each part is left out when its model is not."""
    if not request.user.is_active or not request.user.is_staff:
        return {}
    viewable = [model for model in (Article, PressRelease, ImportRun)
                if site.is_registered(model) and site.get_model_admin(model).has_view_permission(request)]
    if not viewable:
        return {}
    now = timezone.now()
    kinds = [model for model in (Article, PressRelease) if model in viewable]
    desk = {"time_zone": settings.TIME_ZONE, "scheduled": [], "withdrawing": []}
    if kinds:
        counts = {model: dict(model.objects.order_by().values_list("status").annotate(n=Count("id")))
                  for model in kinds}
        desk |= {
            "kinds": [model._meta.verbose_name_plural for model in kinds],
            "statuses": [(label, [counts[model].get(value, 0) for model in kinds]) for value, label in Status.choices],
            "scheduled": scheduled(now, "publish_at", [Status.DRAFT, Status.REVIEW], models=kinds),
            "withdrawing": scheduled(now, "unpublish_at", [Status.PUBLISHED], models=kinds),
        }
    if kinds:
        desk["proposals"] = [(item, reverse(f"admin:clippings_{item._meta.model_name}_change", args=[item.pk]))
                             for model, limit in ((Article, 10), (PressRelease, 5)) if model in kinds
                             for item in model.objects.with_proposed_changes().order_by("-updated_at")
                             .only("pk", "title", "status")[:limit]]
    if Article in viewable:
        desk |= {
            "articles": True,
            "in_review": Article.objects.filter(status=Status.REVIEW).select_related("provider")
            .order_by("-updated_at")[:10],
            "chart": coverage_chart(latest_coverage(now)),
        }
    if PressRelease in viewable:
        desk |= {"press_releases": True,
                 "releases_in_review": PressRelease.objects.filter(status=Status.REVIEW).order_by("-updated_at")[:5]}
    if ImportRun in viewable:
        desk["imports"] = [(run, summarise_counts(run.counts)) for run in ImportRun.objects.all()[:5]]
    return {"desk": desk}


def scheduled(now: datetime, field: str, statuses: list[str], *, models=(Article, PressRelease),
              limit: int = 10) -> list[dict]:
    """Items of `models` due at `field` (publish_at, unpublish_at), soonest first, in one query."""
    def due(model):
        return (model.objects.filter(status__in=statuses, **{f"{field}__gte": now}).order_by()
                .annotate(model=Value(model._meta.model_name)).values("pk", "title", "model", when=F(field)))

    first, *others = [due(model) for model in models]
    combined = first.union(*others, all=True) if others else first
    items = list(combined.order_by("when", "model", "pk")[:limit])
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
    width, height, left, right, bottom, top_pad = 640, 220, 40, 30, 30, 10
    peak = max(max(series[name].values()) for name in top)
    step = (width - left - right) / (CHART_MONTHS - 1)

    def y(n):
        return top_pad + (height - bottom - top_pad) * (1 - n / peak)

    # Topics often tag the same articles, so their lines coincide: each series is drawn narrower and with
    # its own dashes and markers over the one before, and every one stays visible where they overlap.
    styles = [(COLOURS[i], STROKES[i], DASHES[i], MARKERS[i]) for i in range(len(top))]
    lines = format_html_join("", (
        '<g class="series"><title>{}</title><polyline fill="none" stroke="{}" stroke-width="{}" '
        'stroke-dasharray="{}" points="{}"/>{}</g>'), [
        (name, colour, stroke, dashes, " ".join(f"{x:.1f},{y_:.1f}" for x, y_ in points),
         format_html_join("", "{}", ((marker_svg(marker, x, y_, colour),) for x, y_ in points)))
        for name, (colour, stroke, dashes, marker) in zip(top, styles, strict=True)
        for points in [[(left + j * step, y(series[name].get(m, 0))) for j, m in enumerate(months)]]])
    labels = format_html_join("", '<text x="{}" y="{}" font-size="10" text-anchor="middle">{}</text>', [
        (f"{left + j * step:.1f}", height - 12, m.strftime("%b %y")) for j, m in enumerate(months)])
    axis = format_html('<text x="4" y="{}" font-size="10">{}</text><text x="4" y="{}" font-size="10">0</text>'
                       '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#999"/>',
                       top_pad + 8, peak, height - bottom, left, height - bottom, width - right, height - bottom)
    legend = format_html_join("", (
        '<li><svg width="34" height="12" viewBox="0 0 34 12" aria-hidden="true"><line x1="1" y1="6" x2="33" y2="6" '
        'stroke="{}" stroke-width="{}" stroke-dasharray="{}"/>{}</svg> {} ({})</li>'), [
        (colour, stroke, dashes, marker_svg(marker, 17, 6, colour), name, sum(series[name].values()))
        for name, (colour, stroke, dashes, marker) in zip(top, styles, strict=True)])
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {} {}" width="100%" role="img" '
        'aria-labelledby="coverage-chart-title"><title id="coverage-chart-title">Articles per month, by topic, '
        "{} months to {}</title>{}{}{}</svg><ul class=\"chart-legend\">{}</ul>",
        width, height, CHART_MONTHS, local.strftime("%B %Y"), axis, lines, labels, legend)


def marker_svg(shape: str, x: float, y: float, colour: str):
    """A point of a series: a circle, square, triangle, diamond, cross or bar, by series."""
    r = 3.5
    points = {
        "square": [(x - r, y - r), (x + r, y - r), (x + r, y + r), (x - r, y + r)],
        "triangle": [(x, y - r - 1), (x + r + 0.5, y + r), (x - r - 0.5, y + r)],
        "diamond": [(x, y - r - 1), (x + r + 1, y), (x, y + r + 1), (x - r - 1, y)],
        "bar": [(x - 1.5, y - r - 1), (x + 1.5, y - r - 1), (x + 1.5, y + r + 1), (x - 1.5, y + r + 1)],
    }
    if shape == "circle":
        return format_html('<circle cx="{}" cy="{}" r="{}" fill="{}"/>', f"{x:.1f}", f"{y:.1f}", r, colour)
    if shape == "cross":
        return format_html('<path d="M{} {}l7 7m0 -7l-7 7" stroke="{}" stroke-width="2"/>', f"{x - r:.1f}",
                           f"{y - r:.1f}", colour)
    return format_html('<polygon points="{}" fill="{}"/>', " ".join(f"{px:.1f},{py:.1f}" for px, py in points[shape]),
                       colour)


def install(site: admin.AdminSite) -> None:
    """Give the site's index the desk overview (the project uses the default site, so wrap its view)."""
    plain_index = site.index

    def index(request, extra_context=None):
        return plain_index(request, {**desk_context(request, site), **(extra_context or {})})

    site.index = index
