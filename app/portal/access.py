"""The portal session: who is in the portal, kept in the Flask session under its own key,
apart from a staff login. It ends after ``HULPREGIE_PORTAL_SESSION_MINUTES`` without use, or
when the holder logs out. Every portal page but the entry pages needs it."""

from __future__ import annotations

import functools
import time
from dataclasses import dataclass

from flask import current_app, g, render_template, session

from app.extensions import db
from app.holders.models import Holder
from app.portal.models import PortalLink, PortalLinkPurpose
from security.audit import Actor, reset_actor, set_actor
from workflows.portal import holder_actor

KEY = "_hr_portal"
EXPIRED = ("U was een tijd niet actief. Daarom bent u uitgelogd. Open het portaal opnieuw met "
           "een nieuwe link of code.")
NOT_IN = "U bent niet ingelogd in het portaal. Open het portaal met de link uit uw e-mail of met een code."


@dataclass
class PortalUser:
    holder: Holder
    actor: Actor
    helper: bool
    helper_name: str | None


def start(link: PortalLink) -> None:
    session[KEY] = {"h": link.holder_id, "l": link.id, "seen": time.time(),
                    "helper": link.purpose is PortalLinkPurpose.helper}


def end() -> None:
    session.pop(KEY, None)


def _idle_seconds() -> float:
    return int(current_app.config["HULPREGIE_PORTAL_SESSION_MINUTES"]) * 60


def current() -> tuple[PortalUser | None, str | None]:
    """(the portal user, None) or (None, why not) for this request."""
    data = session.get(KEY)
    if not isinstance(data, dict):
        return None, NOT_IN
    if time.time() - float(data.get("seen", 0)) > _idle_seconds():
        end()
        return None, EXPIRED
    holder = db.session.get(Holder, data.get("h"))
    link = db.session.get(PortalLink, data.get("l"))
    if holder is None or link is None or link.holder_id != holder.id:
        end()
        return None, NOT_IN
    data["seen"] = time.time()
    session[KEY] = data
    helper = bool(data.get("helper"))
    return PortalUser(holder, holder_actor(holder, helper), helper,
                      str(link.helper_name) if link.helper_name else None), None


def required(view):
    """Only with a portal session; the holder is the acting person for the whole request."""

    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        user, why = current()
        if user is None:
            return render_template("portal/ended.html", message=why), 401
        g.portal = user
        token = set_actor(user.actor)
        try:
            return view(*args, **kwargs)
        finally:
            reset_actor(token)

    return wrapped
