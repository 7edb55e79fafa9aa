"""Racing calls against each other, each in its own thread and app context."""
import threading

from portal.extensions import db as _db


def in_own_session(app, call):
    """Run `call` in this thread's own app context and database session,
    committed after the call (rolled back if it raised). Returns (error, result)."""
    with app.app_context():
        try:
            result = call()
            _db.session.commit()
            return None, result
        except Exception as error:  # handed back to the test, which asserts on it
            _db.session.rollback()
            return error, None
        finally:
            _db.session.remove()


def _join(threads):
    for thread in threads:
        thread.join(60)
    assert not any(thread.is_alive() for thread in threads), "a worker is stuck"
    # End this thread's read transaction: on SQLite it still sees the
    # database as it was before the threads wrote.
    _db.session.rollback()


def run_together(app, calls):
    """Release every call at the same moment, each in its own thread, app
    context and database session (committed after the call). Returns
    (failures, results)."""
    barrier = threading.Barrier(len(calls))
    failures, results = [], []

    def run(call):
        def released():
            barrier.wait()
            return call()

        error, result = in_own_session(app, released)
        if error is None:
            results.append(result)
        else:
            failures.append(error)

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    _join(threads)
    return failures, results


class PausedAfterFirstCall:
    """Patch `module.name` so that its first call waits, once it has
    returned, until released; and note whether any other thread called it
    meanwhile. With `module.name` the function that counts the places taken,
    the first caller is paused right after counting: a second caller that
    respects the event's lock cannot count until the first has committed."""

    def __init__(self, monkeypatch, module, name):
        self.original = getattr(module, name)
        self.first_counted = threading.Event()
        self.other_counted = threading.Event()
        self.release = threading.Event()
        self.first_thread = None
        self._lock = threading.Lock()
        monkeypatch.setattr(module, name, self._counting)

    def _counting(self, *args, **kwargs):
        result = self.original(*args, **kwargs)
        with self._lock:
            first = self.first_thread is None
            if first:
                self.first_thread = threading.get_ident()
        if first:
            self.first_counted.set()
            self.release.wait(60)
        elif threading.get_ident() != self.first_thread and not self.release.is_set():
            self.other_counted.set()
        return result


def race_against_a_paused_call(app, pause, first, second, window=2.0):
    """Run `first` until it is paused (see PausedAfterFirstCall), then start
    `second` and give it `window` seconds to count. Returns (second counted
    while first was paused, [first's error, second's error])."""
    errors = [None, None]

    def run(index, call):
        errors[index] = in_own_session(app, call)[0]

    first_thread = threading.Thread(target=run, args=(0, first))
    first_thread.start()
    assert pause.first_counted.wait(30), "the first call never counted"
    second_thread = threading.Thread(target=run, args=(1, second))
    second_thread.start()
    counted_meanwhile = pause.other_counted.wait(window)
    pause.release.set()
    _join([first_thread, second_thread])
    return counted_meanwhile, errors
