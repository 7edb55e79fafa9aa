"""Racing calls against each other, each in its own thread and app context."""
import threading

from portal.extensions import db as _db


def run_together(app, calls):
    """Release every call at the same moment, each in its own thread, app
    context and database session (committed after the call). Returns
    (failures, results)."""
    barrier = threading.Barrier(len(calls))
    failures, results = [], []

    def run(call):
        with app.app_context():
            try:
                barrier.wait()
                results.append(call())
                _db.session.commit()
            except Exception as error:  # collected and asserted on by the test
                _db.session.rollback()
                failures.append(error)
            finally:
                _db.session.remove()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not any(thread.is_alive() for thread in threads), "a worker is stuck"
    # End this thread's read transaction: on SQLite it still sees the
    # database as it was before the threads wrote.
    _db.session.rollback()
    return failures, results
