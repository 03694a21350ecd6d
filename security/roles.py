"""Roles and what each may do: the single source of the permission matrix.

Every resource (one per core model) has three permissions, shared by its admin view
and its REST API: ``read`` (list, show, GET), ``write`` (add, edit, POST, PUT) and
``delete``. ``SCOPE`` says which rows a role sees of what it may read. The README's
roles table is generated from this module (``flask --app run roles table``) and a
test keeps the two in step.
"""

from __future__ import annotations

ROLES = (
    "Admin",
    "ProjectLeader",
    "Coach",
    "Helpdesk",
    "VolunteerCoordinator",
    "PartnerContact",
    "PrivacyOfficer",
)

# Which rows a role sees: the whole organisation, the holders assigned to the coach,
# or the volunteers of the partner organisation. Admin sees every organisation.
SCOPE = {
    "Admin": "all",
    "ProjectLeader": "organisation",
    "Coach": "own_holders",
    "Helpdesk": "organisation",
    "VolunteerCoordinator": "organisation",
    "PartnerContact": "own_partner",
    "PrivacyOfficer": "organisation",
}

R, RW, RWD = "r", "rw", "rwd"
PL, CO, HD, VC, PC, PO = (
    "ProjectLeader", "Coach", "Helpdesk", "VolunteerCoordinator", "PartnerContact", "PrivacyOfficer"
)

# resource -> {role: "r" | "rw" | "rwd"}; Admin may do everything and is not listed.
MATRIX: dict[str, dict[str, str]] = {
    "Organisation": {PL: R, CO: R, HD: R, VC: R, PC: R, PO: R},
    "StaffProfile": {},
    "Holder": {PL: RWD, CO: RW, PO: R},
    "HelpCard": {PL: RWD, CO: RW},
    "HelpCardVersion": {PL: RW, CO: RW},
    "ContactPerson": {PL: RWD, CO: RWD, PO: R},
    "Consent": {PL: R, CO: RW, PO: RW},
    "PrivacyNotice": {PL: R, CO: R, HD: R, VC: R, PO: RWD},
    "Appointment": {PL: RWD, CO: RWD},
    "Evaluation": {PL: RWD, CO: RW},
    "CardPrint": {PL: R, CO: R},
    "Coach": {PL: RWD, CO: R},
    "Training": {PL: RWD, CO: R},
    "IntervisionSession": {PL: RWD, CO: R},
    "IntervisionAttendance": {PL: RWD, CO: R},
    "PerformanceReview": {PL: RWD, CO: R},
    "Partner": {PL: RWD, HD: R, VC: RW, PC: R},
    "OutreachContact": {PL: RWD, VC: RW},
    "HelpCategory": {PL: R, HD: R, VC: R, PC: R},
    "Volunteer": {PL: R, HD: R, VC: RWD, PC: RW, PO: R},
    "VogCheck": {PL: R, VC: RWD, PC: R},
    "HelpRequest": {PL: R, HD: RWD, PO: R},
    "Referral": {PL: R, HD: RWD},
    "Match": {PL: R, HD: RWD, VC: R, PC: R},
    "Feedback": {PL: R, HD: RW},
    "Concern": {PL: RWD, CO: RW, HD: RW, PO: RW},
    "HelpDashboard": {PL: R, HD: R, VC: R},  # counts only (app/reports/helpdesk_dashboard.py)
    "LeaderDashboard": {PL: R},  # counts and signals (app/reports/leader_dashboard.py)
    "FunderReport": {PL: R},  # counts only, CSV and PDF (app/reports/funder_views.py)
    "CardTally": {PL: RWD, CO: RW},  # anonymous card counts (app/reports/tally_views.py)
    "PrivacyRequest": {PL: R, PO: RWD},
    "ProcessingRestriction": {PL: R, PO: RW},
    "ErasureRecord": {PO: R},
    "ControlRoomExport": {PL: RW, PO: RW},
    "ControlRoomState": {PO: R},
    "AuditEvent": {PO: R},
    "Notification": {PO: R},
    # Household-help assessment (app/household/): the norm table is configuration.
    "HouseholdNorm": {PL: RWD, HD: R},
    "HouseholdSurcharge": {PL: RWD, HD: R},
    "HouseholdAssessment": {PL: R, CO: RW, HD: RW},
    "PortalLink": {PL: RW, CO: RW, HD: RW},  # the holder's portal: links and codes
    "CardComment": {PL: RW, CO: RW},  # looking along with a holder's own draft
    # Support plans: only the plan's readers, chosen by the client (app/supportplans/access.py).
    "SupportPlan": {PL: R, CO: RW, HD: RW},
    "SupportPlanVersion": {PL: R, CO: RW, HD: RW},
    "InformalCarer": {PL: R, CO: RW, HD: RW},
    "CarerOverload": {PL: R, CO: RW, HD: RW},
}

# What every logged-in role needs besides its resources: its own profile and password,
# the OpenAPI description and the API docs page.
COMMON = [
    ("can_userinfo", "UserDBModelView"),
    ("resetmypassword", "UserDBModelView"),
    ("can_this_form_get", "ResetMyPasswordView"),
    ("can_this_form_post", "ResetMyPasswordView"),
    ("can_this_form_get", "UserInfoEditView"),
    ("can_this_form_post", "UserInfoEditView"),
    ("can_get", "OpenApi"),
    ("can_show", "SwaggerView"),
    ("can_get", "MenuApi"),
]

ACTIONS = {"r": ("read",), "rw": ("read", "write"), "rwd": ("read", "write", "delete")}

# Permission names of the admin views (ModelView) and REST APIs (ModelRestApi) per action.
VIEW_METHODS = {
    "list": "read", "show": "read", "download": "read",
    "add": "write", "edit": "write", "action": "write", "action_post": "write",
    "delete": "delete",
}
API_METHODS = {
    "info": "read", "get": "read", "get_list": "read",
    "post": "write", "put": "write", "delete": "delete",
}


def allowed(role: str, resource: str, action: str) -> bool:
    if role == "Admin":
        return True
    return action in ACTIONS.get(MATRIX.get(resource, {}).get(role, ""), ())


def permissions_for(role: str) -> list[tuple[str, str]]:
    """(permission, view menu) pairs for a role, without menu entries."""
    pairs = list(COMMON)
    for resource, grants in MATRIX.items():
        for action in ACTIONS.get(grants.get(role, ""), ()):
            pairs.append((f"can_{action}", resource))
    return pairs


def scope_for(roles: list[str], resource: str) -> str:
    """The broadest row scope among the roles that may read ``resource``."""
    order = ["none", "own_partner", "own_holders", "organisation", "all"]
    scopes = [SCOPE[r] for r in roles if r in SCOPE and allowed(r, resource, "read")]
    return max(scopes, key=order.index, default="none")


def markdown_table() -> str:
    roles = [r for r in ROLES if r != "Admin"]
    head = "| Resource | " + " | ".join(roles) + " |"
    sep = "|---" * (len(roles) + 1) + "|"
    rows = [
        f"| {res} | " + " | ".join(MATRIX[res].get(r, "–") for r in roles) + " |"
        for res in MATRIX
    ]
    return "\n".join([head, sep, *rows])
