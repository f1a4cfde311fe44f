"""factory_boy factories for the newsroom's models."""

import factory
from django.utils import timezone

from clippings.models import Article, PressRelease, Provider, RelatedLink, Status, Topic


class ProviderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Provider
        django_get_or_create = ("domain",)

    name = factory.Sequence(lambda n: f"Provider {n}")
    domain = factory.Sequence(lambda n: f"provider{n}.example")
    slug = factory.LazyAttribute(lambda o: o.domain.replace(".", "-"))


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Topic

    name = factory.Sequence(lambda n: f"Topic {n}")
    slug = factory.Sequence(lambda n: f"topic-{n}")


class ArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Article
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Facial recognition story {n}")
    excerpt = "Schools weigh the risks of facial recognition."
    url = factory.Sequence(lambda n: f"https://news.example/story-{n}")
    published_at = factory.LazyFunction(timezone.now)
    kind = "article"
    quality = 10
    provider = factory.SubFactory(ProviderFactory)
    status = Status.DRAFT

    @factory.post_generation
    def topics(self, create, extracted, **kwargs):
        if create and extracted:
            self.topics.set(extracted)


class PublishedArticleFactory(ArticleFactory):
    status = Status.PUBLISHED
    went_live_at = factory.LazyFunction(timezone.now)


class RelatedLinkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RelatedLink

    article = factory.SubFactory(ArticleFactory)
    url = factory.Sequence(lambda n: f"https://other.example/related-{n}")
    title = factory.Sequence(lambda n: f"Related story {n}")


class PressReleaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PressRelease

    title = factory.Sequence(lambda n: f"NYCLU urges action {n}")
    slug = factory.Sequence(lambda n: f"nyclu-urges-action-{n}")
    title_key = factory.LazyAttribute(lambda o: o.title.casefold())
    dateline = "NEW YORK"
    body = "First paragraph.\n\nSecond paragraph."
    organization = "New York Civil Liberties Union"
    status = Status.DRAFT


class PublishedPressReleaseFactory(PressReleaseFactory):
    status = Status.PUBLISHED
    went_live_at = factory.LazyFunction(timezone.now)


def proposals(origin: str = "source", **values) -> list[dict]:
    """Proposed changes (field=new value) from one origin, as `Editorial.proposed_changes` holds them."""
    return [{"field": name, "old": None, "new": value, "origin": origin, "by": "", "at": "2026-01-05T14:00:00+00:00"}
            for name, value in values.items()]


def waiting(record, origin: str = "source") -> dict:
    """The record's proposed changes from one origin, as field: new value."""
    return {p["field"]: p["new"] for p in record.proposed_changes if p["origin"] == origin}
