"""What the public templates ask of a record, published content only.

The admin's preview renders the same templates from the record alone, so these work from the
record; the public views prefetch the same data (`public_*` attributes) so that they cost nothing.
"""

from dataclasses import dataclass
from html import escape
from urllib.parse import urlsplit

from django import template
from django.conf import settings
from django.utils.safestring import mark_safe

from clippings.models import Article, PressRelease

register = template.Library()


@dataclass
class RelatedCoverage:
    title: str
    excerpt: str
    provider: str
    published_at: object
    href: str
    internal: bool


@register.simple_tag
def related_coverage(article) -> list[RelatedCoverage]:
    """The related links, to our page when the linked article is published here, else out."""
    links = article.related_links.all() if article.pk else []
    related = []
    for link in links:
        target = link.target
        internal = target is not None and target.is_public
        related.append(RelatedCoverage(
            title=link.title, excerpt=link.excerpt, provider=link.provider.name if link.provider else "",
            published_at=link.published_at, internal=internal,
            href=target.get_absolute_url() if internal else link.link_out,
        ))
    return related


@register.simple_tag
def press_releases_covered(article) -> list:
    if hasattr(article, "public_press_releases"):
        return article.public_press_releases
    return list(PressRelease.objects.for_readers().filter(coverage=article)) if article.pk else []


@register.simple_tag
def coverage_earned(press_release) -> list:
    if hasattr(press_release, "public_coverage"):
        return press_release.public_coverage
    if not press_release.pk:
        return []
    return list(Article.objects.for_readers().for_listing().filter(press_releases=press_release))


@register.simple_tag
def lead_image(article):
    """{image, placeholder}: our stored copy of a picture of the article, if there is one; a
    picture not stored yet is never loaded from its site, so `placeholder` says to show one."""
    images = list(article.images.all()) if article.pk else []
    stored = next((image for image in images if image.file), None)
    return {"image": stored, "placeholder": bool(images) and stored is None}


@register.simple_tag
def organization() -> str:
    return settings.NEWSROOM_ORGANIZATION


@register.filter
def web_link(url: str) -> str:
    """The URL if it is a web address; anything else (javascript:, data:) becomes no link."""
    return url if urlsplit(url or "").scheme in ("http", "https") else ""


@register.filter
def select_options(bound_field) -> str:
    """A select's options without a template per option: the provider facet has hundreds, and
    rendering them through the widget templates, or even format_html, cost more than the rest of
    the page. The standard library's escape is Django's escape without the lazy-string wrapper."""
    current = str(bound_field.value() or "")
    return mark_safe("".join(
        f'<option value="{escape(str(value))}"{" selected" if str(value) == current else ""}>'
        f"{escape(str(label))}</option>"
        for value, label in bound_field.field.choices
    ))
