"""Email over SMTP, or to the log when no server is configured."""
import logging
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formataddr, make_msgid

log = logging.getLogger(__name__)


class EmailError(Exception):
    def __init__(self, message, permanent=False):
        super().__init__(message)
        self.permanent = permanent


def build_email(sender, to, rendered, unsubscribe_url=None):
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = rendered.subject
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2].strip(">") or None)
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
                client.send_message(message)
        except smtplib.SMTPRecipientsRefused as error:
            raise EmailError(f"recipient refused: {error}", permanent=True) from None
        except (smtplib.SMTPException, OSError) as error:
            raise EmailError(f"SMTP: {error}") from None
        return message["Message-ID"]


def email_sender(config):
    if config.get("SMTP_HOST"):
        return SmtpEmail(config["SMTP_HOST"], config.get("SMTP_PORT") or 587, config.get("SMTP_USERNAME"),
                         config.get("SMTP_PASSWORD"), config.get("SMTP_SECURITY") or "starttls")
    return ConsoleEmail()


def sender_address(config, school_name):
    return formataddr((school_name, config["MAIL_FROM"]))
