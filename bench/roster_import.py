"""How long importing a school district's roster takes.

Writes a roster CSV of 20,000 students (portal/sample_roster.py: siblings,
nine home languages, a few bad rows), then times what the organizer waits
for: reading and checking the file (the preview), importing it into an
empty roster, and importing it again with 5% of the students changed, 2%
gone and 2% new. Target: each import under 30 s.

    .venv/bin/python -m bench.roster_import                      # SQLite, a temporary file
    .venv/bin/python -m bench.roster_import --database-url postgresql+psycopg://postgres@127.0.0.1:5432/family_events_bench

The database at --database-url is emptied (its tables dropped and created
again): give it one of its own. A PostgreSQL database is created when missing.
"""
import argparse
import csv
import io
import os
import random
import time

from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from portal import create_app
from portal.config import Config
from portal.devtools import bench_database
from portal.extensions import db
from portal.models import Household, Student, utcnow
from portal.sample_roster import sample_roster
from portal.services import roster
from portal.services.roster_formats import guess_mapping, read_roster_file, rows_from_csv
from portal.services.schools import ensure_school

TARGET_SECONDS = 30


def changed_file(text, rng):
    """The same roster a few months later: some grades and phones changed, some students gone, some new."""
    rows = list(csv.reader(io.StringIO(text)))
    header, body = rows[0], rows[1:]
    kept = [row for row in body if rng.random() > 0.02]
    for row in kept:
        if rng.random() < 0.05:
            row[3] = f"R{rng.randrange(1, 40)}"  # homeroom
    newcomers = [[str(900000 + index), f"New, Student {index}", "K", "R1", f"Parent {index}",
                  f"(612) 556-{index:04d}", "", "", "", "Spanish"] for index in range(len(body) // 50)]
    out = io.StringIO()
    csv.writer(out).writerows([header, *kept, *newcomers])
    return out.getvalue()


def timed_import(school, text, now):
    began, cpu_began = time.perf_counter(), time.process_time()
    roster_file = read_roster_file(text.encode(), school.country)
    rows = rows_from_csv(roster_file.records, guess_mapping(roster_file.header), school.country)
    plan = roster.ImportPlan.of(rows)
    checked = time.perf_counter() - began
    record = roster.import_roster(school, rows, now)
    db.session.commit()
    return checked, time.perf_counter() - began, time.process_time() - cpu_began, record, plan


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", help="an empty database of its own (default: a temporary SQLite file)")
    parser.add_argument("--students", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=13)
    args = parser.parse_args()

    url, tmp = bench_database(args.database_url)
    app = create_app(Config, SQLALCHEMY_DATABASE_URI=url, TESTING=True)
    with app.app_context():
        print(f"database: {db.engine.dialect.name} ({make_url(url).render_as_string(hide_password=True)}); "
              f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
        db.drop_all()
        db.create_all()
        school = ensure_school("Lincoln District", "lincoln", "America/Chicago", "en")
        db.session.commit()
        text = sample_roster(args.students, seed=args.seed).csv
        print(f"roster file: {len(text.encode()) / 1e6:.1f} MB, {text.count(chr(10)) - 1:,} rows")

        worst = 0.0
        changed = changed_file(text, random.Random(args.seed))
        for label, content in (("first import", text), ("import again, changed", changed),
                               ("the same file again", changed)):
            checked, total, cpu, record, _plan = timed_import(school, content, utcnow())
            worst = max(worst, total)
            students = db.session.scalar(select(func.count()).select_from(Student).where(Student.active.is_(True)))
            households = db.session.scalar(select(func.count()).select_from(Household))
            print(f"{label:<24} preview {checked:5.1f} s   import {total:5.1f} s (this process's CPU {cpu:5.1f} s)   "
                  f"added {record.added:,} updated {record.updated:,} inactive {record.deactivated:,} "
                  f"left out {record.skipped:,}   active students {students:,}, households {households:,}")
        print(f"slowest import: {worst:.1f} s (target under {TARGET_SECONDS} s): "
              f"{'OK' if worst < TARGET_SECONDS else 'TOO SLOW'}")
        db.session.remove()
        db.engine.dispose()
    if tmp:
        tmp.cleanup()


if __name__ == "__main__":
    main()
