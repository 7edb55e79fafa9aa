"""SMS segments and the provider interface."""
import base64
import json
import logging
import urllib.error
import urllib.parse
import urllib.request

# The GSM 03.38 basic alphabet; the extension characters cost two septets.
GSM7_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENDED = set("^{}\\[~]|€\f")

log = logging.getLogger(__name__)


def is_gsm7(text):
    return all(ch in GSM7_BASIC or ch in GSM7_EXTENDED for ch in text)


def segments(text):
    """Split `text` as a phone network does: GSM-7 (160 alone, 153 per part,
    extension characters count twice and are never split) or, with any
    other character, UCS-2 (70 alone, 67 per part, counted in UTF-16 units,
    surrogate pairs kept whole)."""
    if is_gsm7(text):
        cost = [2 if ch in GSM7_EXTENDED else 1 for ch in text]
        single, part = 160, 153
    else:
        cost = [2 if ord(ch) > 0xFFFF else 1 for ch in text]
        single, part = 70, 67
    if sum(cost) <= single:
        return [text] if text else []
    parts, current, used = [], [], 0
    for ch, units in zip(text, cost):
        if used + units > part:
            parts.append("".join(current))
            current, used = [], 0
        current.append(ch)
        used += units
    if current:
        parts.append("".join(current))
    return parts


class SmsError(Exception):
    def __init__(self, message, permanent=False):
        super().__init__(message)
        self.permanent = permanent


class ConsoleSms:
    """No provider configured: the message is written to the log."""

    def send(self, to, body):
        log.info("SMS to %s (%d parts):\n%s", to[:-4] + "****", len(segments(body)), body)
        return "console"


class TwilioSms:
    """Twilio's Messages API. The provider joins the parts on the phone."""

    def __init__(self, account_sid, auth_token, sender, api_base="https://api.twilio.com", timeout=10):
        self.account_sid, self.auth_token, self.sender = account_sid, auth_token, sender
        self.api_base, self.timeout = api_base.rstrip("/"), timeout

    def send(self, to, body):
        fields = {"To": to, "Body": body}
        fields["MessagingServiceSid" if self.sender.startswith("MG") else "From"] = self.sender
        request = urllib.request.Request(
            f"{self.api_base}/2010-04-01/Accounts/{self.account_sid}/Messages.json",
            data=urllib.parse.urlencode(fields).encode(),
            headers={"Authorization": "Basic " + base64.b64encode(
                f"{self.account_sid}:{self.auth_token}".encode()).decode()},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                answer = json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as error:
            # 4xx: the number or the request is wrong, retrying will not help
            raise SmsError(f"provider answered {error.code}", permanent=400 <= error.code < 500
                           and error.code != 429) from None
        except (urllib.error.URLError, TimeoutError, OSError) as error:
            raise SmsError(f"provider unreachable: {error}") from None
        return str(answer.get("sid", ""))


def sms_provider(config):
    if config.get("TWILIO_ACCOUNT_SID") and config.get("TWILIO_AUTH_TOKEN") and config.get("TWILIO_FROM"):
        return TwilioSms(config["TWILIO_ACCOUNT_SID"], config["TWILIO_AUTH_TOKEN"], config["TWILIO_FROM"],
                         config.get("TWILIO_API_BASE") or "https://api.twilio.com")
    return ConsoleSms()
