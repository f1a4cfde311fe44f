from clippings.models import Article, PressRelease


def test_seeds_import(seeds):
    assert Article.objects.count() == 4
    assert PressRelease.objects.count() == 1
