"""What needs attention today, per resource: the counts on the home page.

Each item counts the rows of one resource that the user may see (row scoping applies)
and that ask for action. Only items whose resource the user may read are shown.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from app.cards.models import CardStatus, Evaluation, HelpCard
from app.concerns.models import Concern, ConcernStatus
from app.helpdesk.models import HelpRequest, RequestStatus
from app.privacy.models import PrivacyRequest, PrivacyRequestStatus
from app.vog.models import VogCheck, VogStatus
from app.volunteers.models import Volunteer, VolunteerStatus


@dataclass(frozen=True)
class Attention:
    label: str
    model: type
    condition: Callable[[], object]
    view: str  # endpoint of the list view
    due_soon: bool = False


def _today():
    return dt.date.today()


ITEMS = (
    Attention("Kaarten wachten op akkoord van de houder", HelpCard,
              lambda: HelpCard.status == CardStatus.awaiting_approval, "HelpCardView.list"),
    Attention("Jaarlijkse evaluaties nodig", HelpCard,
              lambda: HelpCard.status == CardStatus.evaluation_due, "HelpCardView.list"),
    Attention("Evaluaties over hun datum", Evaluation,
              lambda: Evaluation.held_on.is_(None) & (Evaluation.due_on < _today())
              & Evaluation.card.has(HelpCard.status == CardStatus.evaluation_due),
              "EvaluationView.list", due_soon=True),
    Attention("Nieuwe hulpvragen (intake nodig)", HelpRequest,
              lambda: HelpRequest.status.in_([RequestStatus.received, RequestStatus.intake]), "HelpRequestView.list"),
    Attention("Geaccepteerde hulpvragen zonder koppeling", HelpRequest,
              lambda: HelpRequest.status == RequestStatus.accepted, "HelpRequestView.list"),
    Attention("Vrijwilligers wachten op goedkeuring", Volunteer,
              lambda: Volunteer.status.in_([VolunteerStatus.registered, VolunteerStatus.intake]),
              "VolunteerView.list"),
    Attention("VOG's die binnen 60 dagen verlopen", VogCheck,
              lambda: (VogCheck.status == VogStatus.received)
              & (VogCheck.expires_on <= _today() + dt.timedelta(days=60)),
              "VogCheckView.list", due_soon=True),
    Attention("Open privacyverzoeken", PrivacyRequest,
              lambda: PrivacyRequest.status.in_([PrivacyRequestStatus.received,
                                                 PrivacyRequestStatus.identity_verified,
                                                 PrivacyRequestStatus.in_progress]),
              "PrivacyRequestView.list"),
    Attention("Privacyverzoeken met termijn binnen 7 dagen", PrivacyRequest,
              lambda: PrivacyRequest.status.notin_([PrivacyRequestStatus.completed,
                                                    PrivacyRequestStatus.refused])
              & (PrivacyRequest.due_on >= _today())
              & (PrivacyRequest.due_on <= _today() + dt.timedelta(days=7)),
              "PrivacyRequestView.list", due_soon=True),
    Attention("Privacyverzoeken over hun termijn", PrivacyRequest,
              lambda: PrivacyRequest.status.notin_([PrivacyRequestStatus.completed,
                                                    PrivacyRequestStatus.refused])
              & (PrivacyRequest.due_on < _today()),
              "PrivacyRequestView.list", due_soon=True),
    Attention("Open signalen", Concern,
              lambda: Concern.status != ConcernStatus.resolved, "ConcernView.list"),
)
