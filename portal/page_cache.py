"""A few seconds of memory for the busiest family pages.

The event list and an event's page are the same for every visitor who
reads them in the same language, so each process keeps the rendered HTML
for PUBLIC_PAGE_CACHE_SECONDS. Places left may show a few seconds late;
the registration itself always counts places under the event's lock."""
import threading
import time

MAX_ENTRIES = 2000


class PageCache:
    def __init__(self):
        self._entries = {}
        self._lock = threading.Lock()

    def get_or_render(self, key, seconds, render):
        if seconds <= 0:
            return render()
        now = time.monotonic()
        entry = self._entries.get(key)
        if entry is not None and entry[0] > now:
            return entry[1]
        body = render()
        with self._lock:
            if len(self._entries) >= MAX_ENTRIES:
                self._entries = {k: v for k, v in self._entries.items() if v[0] > now}
                if len(self._entries) >= MAX_ENTRIES:
                    self._entries.clear()
            self._entries[key] = (now + seconds, body)
        return body

    def clear(self):
        with self._lock:
            self._entries.clear()


page_cache = PageCache()
