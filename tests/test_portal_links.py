"""The portal's entry: personal links and codes work once and for a limited time, a tampered
link is refused, every refusal is audited, and the portal session ends when idle."""

from __future__ import annotations

import datetime as dt

import pytest

from app.notifications.models import Notification
from app.portal.access import KEY
from app.portal.models import PortalLink
from security.audit import AuditEvent, actor_for
from tests.support import portal as support
from workflows import portal as wf


@pytest.fixture(autouse=True)
def _generous_limit(app):
    app.config["HULPREGIE_PORTAL_ENTRY_LIMIT"] = "1000 per minute"
    yield
    app.config.pop("HULPREGIE_PORTAL_ENTRY_LIMIT", None)


def _coach(app):
    return actor_for(app.appbuilder.sm.find_user(username="coach_a"))


def _send(app, db, holder, **helper):
    link = wf.send_link(db.session, holder, by=_coach(app), **helper)
    db.session.commit()
    mail = db.session.query(Notification).filter_by(dedupe_key=f"portal-link:{link.id}").one()
    return link, mail, support.token_in(mail.body, "/portaal/link/")


def test_link_mailed_opened_once_then_refused(app, db, smtp):
    from infra.outbox import deliver_due

    holder = support.holder()
    link, mail, token = _send(app, db, holder)
    assert mail.recipient == holder.email and link.used_at is None
    assert link.nonce not in mail.body  # the mail carries the signed token, not the nonce
    deliver_due()
    assert "/portaal/link/" in smtp.text(smtp.wait_for(holder.email)[0])

    client = app.test_client()
    page = client.get(f"/portaal/link/{token}")
    assert page.status_code == 200 and "Naar mijn portaal" in page.text
    db.session.refresh(link)
    assert link.used_at is None  # looking (a mail scanner) does not use it up
    resp = client.post(f"/portaal/link/{token}")
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/portaal/start")
    home = client.get("/portaal/start")
    assert home.status_code == 200 and str(holder.first_name) in home.text
    db.session.refresh(link)
    assert link.used_at is not None
    opened = db.session.query(AuditEvent).filter_by(action="portal.opened",
                                                    record_id=str(link.id)).one()
    assert opened.username == f"houder:{holder.reference}" and opened.holder_id == holder.id

    again = app.test_client().get(f"/portaal/link/{token}")
    assert again.status_code == 410 and wf.REFUSED in again.text
    assert app.test_client().post(f"/portaal/link/{token}").status_code == 410
    refused = support.refusals(holder.id)
    assert [e.purpose for e in refused][-2:] == ["al gebruikt", "al gebruikt"]


def test_expired_link_refused_and_audited(app, db):
    holder = support.holder()
    link, _, token = _send(app, db, holder)
    link.expires_at = dt.datetime.utcnow() - dt.timedelta(minutes=1)
    db.session.commit()
    resp = app.test_client().get(f"/portaal/link/{token}")
    assert resp.status_code == 410 and wf.REFUSED in resp.text
    assert support.refusals(holder.id)[-1].purpose == "verlopen"


def test_tampered_link_refused_without_detail(app, db):
    holder = support.holder()
    _, _, token = _send(app, db, holder)
    before = len(support.refusals())
    tampered = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")
    resp = app.test_client().get(f"/portaal/link/{tampered}")
    assert resp.status_code == 410 and wf.REFUSED in resp.text  # the same words as "used"
    events = support.refusals()
    assert len(events) == before + 1 and events[-1].purpose == "ongeldig"
    assert events[-1].holder_id is None
    # A link signed for another purpose (the contact's consent) does not open the portal.
    from security.links import make_token

    other = make_token(wf.CONSENT_SALT, n="x")
    assert app.test_client().get(f"/portaal/link/{other}").status_code == 410


def test_helper_link_and_missing_email(app, db):
    from app.core.validation import FieldError

    holder = support.holder()
    holder.email = None
    db.session.commit()
    with pytest.raises(FieldError, match="geen e-mailadres"):
        wf.send_link(db.session, holder, by=_coach(app))
    db.session.rollback()
    link, mail, token = _send(app, db, holder, helper_name="Hanna Helper",
                              helper_email="hanna@example.org")
    assert mail.recipient == "hanna@example.org" and "helpt" in mail.body
    client = app.test_client()
    client.post(f"/portaal/link/{token}")
    client.post("/portaal/kaart/how_to_help", data={"text": "Rustig praten."})
    from app.cards.models import MakingChoice

    card = wf.current_card(db.session, holder)
    assert card.making_choice is MakingChoice.with_relative
    event = db.session.query(AuditEvent).filter_by(action="card.drafting",
                                                   holder_id=holder.id).one()
    assert event.username == f"helper van houder:{holder.reference}"


def test_code_once_and_wrong_code(app, db):
    holder = support.holder()
    _, code = wf.make_code(db.session, holder, by=_coach(app))
    db.session.commit()
    stored = db.session.query(PortalLink).filter_by(holder_id=holder.id).all()
    assert all(code.replace("-", "") not in link.nonce for link in stored)  # only a hash
    client = app.test_client()
    assert client.post("/portaal/code", data={"code": "ZZZZ-ZZZZ"}).status_code == 400
    assert client.get("/portaal/start").status_code == 401
    resp = client.post("/portaal/code", data={"code": code.lower().replace("-", " ")})
    assert resp.status_code == 302
    assert app.test_client().post("/portaal/code", data={"code": code}).status_code == 400
    assert support.refusals(holder.id)[-1].purpose == "al gebruikt"


def test_session_ends_when_idle_and_on_logout(app, db):
    holder = support.holder()
    client = support.open_portal(app, holder)
    assert client.get("/portaal/start").status_code == 200
    with client.session_transaction() as session:
        data = dict(session[KEY])
        data["seen"] -= app.config["HULPREGIE_PORTAL_SESSION_MINUTES"] * 60 + 1
        session[KEY] = data
    resp = client.get("/portaal/kaart")
    assert resp.status_code == 401 and "niet actief" in resp.text
    assert client.get("/portaal/start").status_code == 401  # the session is gone

    client = support.open_portal(app, holder)
    assert client.post("/portaal/uitloggen").status_code == 200
    assert client.get("/portaal/gegevens").status_code == 401


def test_portal_session_is_no_staff_login(app, db):
    client = support.open_portal(app, support.holder())
    resp = client.get("/holderview/list/")
    assert resp.status_code == 302 and "/login" in resp.headers["Location"]


def test_code_entry_is_rate_limited(app, db):
    app.config["HULPREGIE_PORTAL_ENTRY_LIMIT"] = "3 per minute"
    client = app.test_client()
    codes = [client.post("/portaal/code", data={"code": f"AAAA-AAA{i}"}).status_code
             for i in range(5)]
    assert codes[:3] == [400, 400, 400] and codes[-1] == 429
