"""An attendee's email for change notices: double opt-in and one-click unsubscribe.

An address typed on the agenda page is kept as ``pending_email`` and mailed a confirmation
link; only following it makes it ``Attendee.email`` and turns ``notify_changes`` on, so a
release never mails an address on a stranger's say-so (``services.attendees_to_notify`` reads
only confirmed addresses).  Both links are signed tokens (Django's signing with the site's
secret key), so they work from a mail client on any device, without the agenda's cookie, and
name the address they were made for: a link to an address since replaced does nothing.

Every change email to an attendee carries an unsubscribe link in its text and in the
``List-Unsubscribe`` / ``List-Unsubscribe-Post`` headers (RFC 8058: a mail client's
"unsubscribe" button POSTs ``List-Unsubscribe=One-Click`` to that address).
"""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse

from hallway.attendees.models import Attendee

CONFIRM_SALT = "hallway.attendees.confirm-email"
UNSUBSCRIBE_SALT = "hallway.attendees.unsubscribe"
CONFIRM_DAYS = 7


def _url(path: str) -> str:
    return settings.HALLWAY_BASE_URL.rstrip("/") + path


def clean_address(raw: str) -> str:
    address = (raw or "").strip()
    if len(address) > 254:
        raise ValidationError("An email address is at most 254 characters long.")
    if address:
        validate_email(address)
    return address


def ask_for_changes(attendee: Attendee, address: str, notify: bool) -> str:
    """The agenda page's email form.  Returns what happened: "off" (no change emails),
    "on" (an address already confirmed), or "sent" (a confirmation link is on its way).
    Raises ValidationError, having changed nothing, for a bad or missing address."""
    address = clean_address(address)
    if notify and not address:
        raise ValidationError("Give an email address to be told when your sessions change.")
    with transaction.atomic():
        attendee = Attendee.objects.select_for_update().get(pk=attendee.pk)
        if not notify:
            attendee.notify_changes = False
            attendee.pending_email = ""
            if not address:
                attendee.email = ""  # forget the address too
            attendee.save(update_fields=["notify_changes", "pending_email", "email", "updated_at"])
            return "off"
        if attendee.email and address.lower() == attendee.email.lower():
            attendee.notify_changes = True
            attendee.pending_email = ""
            attendee.save(update_fields=["notify_changes", "pending_email", "updated_at"])
            return "on"
        attendee.pending_email = address
        attendee.save(update_fields=["pending_email", "updated_at"])
        transaction.on_commit(lambda: _enqueue_confirmation(attendee.pk, address))
    return "sent"


def _enqueue_confirmation(attendee_id: int, address: str) -> None:
    from hallway.attendees.tasks import send_confirmation

    send_confirmation.enqueue(attendee_id, address)


def confirmation_url(attendee: Attendee, address: str) -> str:
    token = signing.dumps({"a": attendee.pk, "m": address}, salt=CONFIRM_SALT, compress=True)
    return _url(reverse("attendees:confirm_email", args=[attendee.event.slug, token]))


def confirmation_message(attendee: Attendee, address: str) -> tuple[str, str]:
    """The subject and text of the confirmation email."""
    umbrella = attendee.event
    subject = f"{umbrella.name}: confirm your email for changes to your agenda"
    body = (
        f"Hello,\n\nsomeone (we hope you) asked to be told by email when a session they starred "
        f"at {umbrella.name} moves or is cancelled, at this address.\n\n"
        f"To confirm, open this link (valid for {CONFIRM_DAYS} days):\n"
        f"{confirmation_url(attendee, address)}\n\n"
        "If it was not you, ignore this email: nothing more will be sent.\n"
    )
    return subject, body


def _load(token: str, salt: str, max_age=None) -> dict | None:
    try:
        data = signing.loads(token, salt=salt, max_age=max_age)
    except signing.BadSignature:  # also SignatureExpired
        return None
    if not isinstance(data, dict) or not isinstance(data.get("a"), int):
        return None
    return data


def check_confirmation(umbrella, token: str) -> tuple[Attendee, str] | None:
    """The attendee and address a confirmation link is for, while it is still valid (the
    address still waiting for confirmation), else None."""
    data = _load(token, CONFIRM_SALT, max_age=CONFIRM_DAYS * 24 * 3600)
    if data is None:
        return None
    attendee = Attendee.objects.filter(pk=data["a"], event=umbrella).first()
    address = str(data.get("m", ""))
    if attendee is None or not address or attendee.pending_email.lower() != address.lower():
        return None
    return attendee, address


@transaction.atomic
def confirm_email(attendee: Attendee, address: str) -> Attendee:
    attendee = Attendee.objects.select_for_update().get(pk=attendee.pk)
    if attendee.pending_email.lower() == address.lower():
        attendee.email = attendee.pending_email
        attendee.pending_email = ""
        attendee.notify_changes = True
        attendee.save(update_fields=["email", "pending_email", "notify_changes", "updated_at"])
    return attendee


def unsubscribe_url(attendee: Attendee) -> str:
    token = signing.dumps(
        {"a": attendee.pk, "m": attendee.email}, salt=UNSUBSCRIBE_SALT, compress=True
    )
    return _url(reverse("attendees:unsubscribe", args=[attendee.event.slug, token]))


def unsubscribe_headers(attendee: Attendee) -> dict[str, str]:
    """The headers of RFC 2369 and RFC 8058 for one attendee's change email."""
    return {
        "List-Unsubscribe": f"<{unsubscribe_url(attendee)}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


def check_unsubscribe(umbrella, token: str) -> tuple[Attendee, str] | None:
    """The attendee and address an unsubscribe link was made for (links in old emails keep
    working: they carry no expiry)."""
    data = _load(token, UNSUBSCRIBE_SALT)
    if data is None:
        return None
    attendee = Attendee.objects.filter(pk=data["a"], event=umbrella).first()
    if attendee is None:
        return None
    return attendee, str(data.get("m", ""))


@transaction.atomic
def unsubscribe(attendee: Attendee, address: str) -> Attendee:
    """No more change emails to ``address`` (nothing changes if the attendee has since
    given another address, which has its own link)."""
    attendee = Attendee.objects.select_for_update().get(pk=attendee.pk)
    if attendee.email and attendee.email.lower() == address.lower() and attendee.notify_changes:
        attendee.notify_changes = False
        attendee.save(update_fields=["notify_changes", "updated_at"])
    return attendee
