"""flask commands: seed-demo, create-user."""
import logging

import click
from flask import current_app
from sqlalchemy import func, select

from .extensions import db
from .models import ROLES, Event, Role, User
from .services.schools import ensure_default_school, school_by_slug
from .services.users import UserError, create_user

DEMO_PASSWORD = "family-events-demo"
DEMO_USERS = [
    ("admin@lincoln.example", "Alex Admin", Role.ADMIN),
    ("organizer@lincoln.example", "Olivia Organizer", Role.ORGANIZER),
    ("frontdesk@lincoln.example", "Frank Frontdesk", Role.FRONTDESK),
]


class _ConsoleHandler(logging.Handler):
    """Writes through click, to whatever the console is when the record comes."""

    def emit(self, record):
        click.echo(self.format(record), err=True)


def _show_deliveries_on_console():
    """With no SMTP or SMS provider, the console backends write each message at
    INFO level: the worker shows them on its console."""
    logger = logging.getLogger("portal.notifications")
    logger.setLevel(logging.INFO)
    if not any(isinstance(handler, _ConsoleHandler) for handler in logger.handlers):
        logger.addHandler(_ConsoleHandler())


def register_cli(app):
    @app.cli.command("seed-demo")
    @click.option("--if-empty", is_flag=True, help="Do nothing when the database already has events.")
    def seed_demo_command(if_empty):
        """Create a demo school with realistic events, families and staff."""
        from .demo import seed_demo

        if if_empty and db.session.execute(select(func.count()).select_from(Event)).scalar_one():
            click.echo("The database already has events; demo data not added.")
            return
        school = ensure_default_school(current_app.config)
        summary = seed_demo(school)
        for email, name, role in DEMO_USERS:
            if db.session.execute(select(User).where(User.email == email, User.school_id == school.id)).first() is None:
                create_user(school, email, name, role, DEMO_PASSWORD)
        db.session.commit()
        click.echo(f"Demo data: {summary['events']} events, {summary['registrations']} registrations "
                   f"and a roster of {summary['students']} students at {school.name}.")

    @app.cli.command("send-due")
    @click.option("--loop", is_flag=True, help="Keep running, one pass every --interval seconds.")
    @click.option("--interval", default=10, show_default=True)
    def send_due_command(loop, interval):
        """Deliver due messages to families (and write due reminders first)."""
        from .notifications.delivery import run

        _show_deliveries_on_console()
        run(loop=loop, interval=interval, report=click.echo)

    @app.cli.command("anonymize-old")
    @click.option("--days", type=int, default=None,
                  help="Keep families' details this many days after an event ends (RETENTION_DAYS).")
    def anonymize_old_command(days):
        """Forget the names, contacts and needs of families of past events."""
        from .models import utcnow
        from .services.privacy import anonymize_older_than

        days = days if days is not None else current_app.config["RETENTION_DAYS"]
        count = anonymize_older_than(days, utcnow())
        db.session.commit()
        click.echo(f"Anonymized {count} registrations of events that ended more than {days} days ago.")

    @app.cli.command("demo-info")
    @click.option("--url", default="http://127.0.0.1:5000")
    def demo_info_command(url):
        """Print where the portal is served and the demo staff accounts."""
        click.echo("")
        click.echo(f"  Family Events Portal: {url}")
        click.echo(f"  Family pages, no sign-in needed: {url}/  (try {url}/?lang=es or ?lang=ar)")
        click.echo(f"  Demo staff accounts (password: {DEMO_PASSWORD}):")
        for email, _name, role in DEMO_USERS:
            click.echo(f"    {role:<10} {email}")
        click.echo("")

    @app.cli.command("create-user")
    @click.option("--email", required=True)
    @click.option("--name", required=True)
    @click.option("--role", type=click.Choice(ROLES), required=True)
    @click.option("--school", "school_slug", default=None,
                  help="School slug; the default school when left out.")
    @click.password_option()
    def create_user_command(email, name, role, school_slug, password):
        """Create a staff account."""
        school = school_by_slug(school_slug) if school_slug else ensure_default_school(current_app.config)
        if school is None:
            raise click.ClickException(f"No school with the slug {school_slug!r}.")
        try:
            user = create_user(school, email, name, role, password)
        except UserError as error:
            raise click.ClickException(str(error)) from None
        db.session.commit()
        click.echo(f"Created {role} {user.email} at {school.name}.")
