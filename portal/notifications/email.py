"""Email over SMTP, or to the log when no server is configured."""
import logging
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formataddr, getaddresses, parseaddr

from ..services.contact import normalize_email
from ..text import one_line

log = logging.getLogger(__name__)


class EmailError(Exception):
    def __init__(self, message, permanent=False):
        super().__init__(message)
        self.permanent = permanent


def message_id(outbox_id, created_at, sender):
    """The same Message-ID for every attempt at one outbox message, so that a
    copy sent again after a crash can be recognized as the same message."""
    domain = parseaddr(sender)[1].rpartition("@")[2] or "localhost"
    return f"<outbox.{outbox_id}.{created_at:%Y%m%d%H%M%S}@{domain}>"


def build_email(sender, to, rendered, unsubscribe_url=None, message_id=None):
    """Raises ValueError when `to` is not exactly one valid address."""
    if normalize_email(to) is None:
        raise ValueError("the recipient is not one valid email address")
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    # Cleaned here too: a line break stored before the forms refused it
    # must not stop the message (a mail library refuses such a header).
    message["Subject"] = one_line(rendered.subject)
    if message_id:
        message["Message-ID"] = message_id
    if unsubscribe_url:
        message["List-Unsubscribe"] = f"<{unsubscribe_url}>"
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message.set_content(rendered.text)
    message.add_alternative(rendered.html, subtype="html")
    if rendered.ics:
        message.add_attachment(rendered.ics, maintype="text", subtype="calendar",
                               filename="event.ics", params={"method": "PUBLISH", "charset": "utf-8"})
    return message


class ConsoleEmail:
    def send(self, message):
        log.info("Email to %s: %s\n%s", message["To"], message["Subject"],
                 message.get_body(("plain",)).get_content())
        return "console"


class SmtpEmail:
    def __init__(self, host, port, username=None, password=None, security="starttls", timeout=15):
        self.host, self.port, self.username, self.password = host, int(port), username, password
        self.security, self.timeout = security, timeout

    def send(self, message):
        # The envelope goes to the one address in To, never to what a mail
        # library might read out of it as a list.
        [(_name, recipient)] = getaddresses([str(message["To"])])
        try:
            if self.security == "ssl":
                client = smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout,
                                          context=ssl.create_default_context())
            else:
                client = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
            with client:
                if self.security == "starttls":
                    client.starttls(context=ssl.create_default_context())
                if self.username:
                    client.login(self.username, self.password or "")
                client.send_message(message, from_addr=parseaddr(str(message["From"]))[1],
                                    to_addrs=[recipient])
        except smtplib.SMTPRecipientsRefused as error:
            # What the server answered may repeat the address: keep its codes only.
            codes = sorted({code for code, _text in error.recipients.values()})
            raise EmailError(f"recipient refused: {', '.join(map(str, codes))}", permanent=True) from None
        except smtplib.SMTPResponseException as error:
            raise EmailError(f"SMTP: the server answered {error.smtp_code}") from None
        except (smtplib.SMTPException, OSError) as error:
            raise EmailError(f"SMTP: {error}") from None
        return message["Message-ID"]


def email_sender(config):
    if config.get("SMTP_HOST"):
        return SmtpEmail(config["SMTP_HOST"], config.get("SMTP_PORT") or 587, config.get("SMTP_USERNAME"),
                         config.get("SMTP_PASSWORD"), config.get("SMTP_SECURITY") or "starttls")
    return ConsoleEmail()


def sender_address(config, school_name):
    return formataddr((one_line(school_name), config["MAIL_FROM"]))
