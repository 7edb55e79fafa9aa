from portal.page_cache import PageCache


def test_a_page_is_rendered_once_while_fresh_and_again_when_asked_not_to_cache():
    cache, calls = PageCache(), []

    def render():
        calls.append(1)
        return f"page {len(calls)}"

    assert cache.get_or_render(("/", "es"), 5, render) == "page 1"
    assert cache.get_or_render(("/", "es"), 5, render) == "page 1"
    assert cache.get_or_render(("/", "ar"), 5, render) == "page 2"  # another language, another page
    assert cache.get_or_render(("/", "es"), 0, render) == "page 3"  # 0 seconds: no cache
    cache.clear()
    assert cache.get_or_render(("/", "es"), 5, render) == "page 4"


def test_family_pages_are_cached_per_language_and_skip_the_cache_for_a_flash(app, client, event, monkeypatch):
    monkeypatch.setitem(app.config, "PUBLIC_PAGE_CACHE_SECONDS", 60)
    from portal.page_cache import page_cache

    page_cache.clear()
    first = client.get(f"/events/{event.id}?lang=es").get_data(as_text=True)
    event.location = "Library"
    from portal.extensions import db

    db.session.commit()
    assert client.get(f"/events/{event.id}?lang=es").get_data(as_text=True) == first  # a few seconds late
    assert "Library" in client.get(f"/events/{event.id}?lang=ar").get_data(as_text=True)
    page_cache.clear()
