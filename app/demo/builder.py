"""Builds the demo data set in the caller's session (no commits here).

Everything is derived from one seeded ``random.Random`` so the data set is the same on
every run (dates are relative to today). Objects are linked through relationships and
added in bulk; the caller flushes and commits once.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
import random
import secrets
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal

from flask import current_app

from app.core.models import utcnow
from app.demo import texts as T
from app.volunteers.availability import DAYS, PARTS
from infra.dates import add_months

MAIN_ORG = "Hulpkaart Utrecht e.o."
SECOND_ORG = "Hulpkaart Heuvelrug"
MAIN_CENTRE, SECOND_CENTRE = "3511", "3701"  # Utrecht centrum, Zeist
MAIN_RADIUS_KM, SECOND_RADIUS_KM = 10.0, 7.0
POSTCODE_LETTERS = "ABCDEGHJKLMNPRSTVWXZ"  # letters used in Dutch postcodes

# username, role, first name, last name, organisation key, partner key
STAFF = (
    ("admin", "Admin", "Joost", "Mulder", "main", None),
    ("projectleider", "ProjectLeader", "Ingrid", "van Leeuwen", "main", None),
    ("coach", "Coach", "Fatima", "El Amrani", "main", None),
    ("helpdesk", "Helpdesk", "Kees", "Brouwer", "main", None),
    ("coordinator", "VolunteerCoordinator", "Annemiek", "de Graaf", "main", None),
    ("partner", "PartnerContact", "Pieter", "Hoekstra", "main", "church"),
    ("privacy", "PrivacyOfficer", "Lotte", "Verbeek", "main", None),
    ("coach2", "Coach", "Daan", "Smit", "second", None),
)
DOMAINS = {"main": "hulpkaart-utrecht.example", "second": "hulpkaart-heuvelrug.example"}

# Card states: the first holders walk through this list, the rest are drawn by weight.
STATUS_CYCLE = (
    "requested", "intro_held", "drafting", "awaiting_approval", "approved", "issued",
    "evaluation_due", "evaluated", "issued", "drafting", "evaluation_due", "ended",
    "withdrawn", "evaluated", "requested",
)
STATUS_WEIGHTS = {
    "requested": 8, "intro_held": 6, "drafting": 10, "awaiting_approval": 5, "approved": 4,
    "issued": 30, "evaluation_due": 10, "evaluated": 20, "withdrawn": 3, "ended": 4,
}
# The eight steps and the two ways out (workflows/helpdesk.py): every status early on.
REQUEST_CYCLE = (
    "received", "accepted", "rejected", "matched", "closed", "referred", "intake", "put_out",
    "done", "feedback_asked", "closed", "received", "closed", "accepted", "matched",
)
REQUEST_WEIGHTS = {"received": 6, "intake": 4, "accepted": 6, "put_out": 4, "rejected": 8,
                   "referred": 7, "matched": 17, "done": 6, "feedback_asked": 8, "closed": 34}
# Steps that have a match, and how the demo's match builder should see them.
MATCH_PHASE = {"matched": "matched", "done": "matched", "feedback_asked": "matched",
               "closed": "closed"}
DAY_CODES = list(DAYS)
PART_CODES = list(PARTS)
VOLUNTEER_WEIGHTS = {"approved": 62, "registered": 10, "intake": 12, "rejected": 5, "inactive": 11}


class DemoDataError(Exception):
    """A problem with the input (PC4 file, roles): one clear Dutch line."""


# ---- PC4 data -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Pc4:
    code: str
    town: str
    lat: float
    lon: float


def read_pc4(path: str | None) -> list[Pc4]:
    """Address PC4 rows of the CSV (``soort`` 'Postbus' skipped); DemoDataError if unusable."""
    if not path:
        raise DemoDataError("PC4_DATA is niet ingesteld (pad naar nl-pc4.csv)")
    try:
        with open(path, newline="", encoding="utf-8") as fh:
            reader = csv.DictReader(fh)
            missing = {"postcode", "woonplaats", "latitude", "longitude", "soort"} - set(
                reader.fieldnames or ()
            )
            if missing:
                raise DemoDataError(
                    f"PC4-bestand {path} mist de kolom(men) {', '.join(sorted(missing))}"
                )
            rows = []
            for row in reader:
                code = (row.get("postcode") or "").strip()
                if (row.get("soort") or "").strip() == "Postbus":
                    continue
                if len(code) != 4 or not code.isdigit() or code[0] == "0":
                    continue
                try:
                    lat, lon = float(row["latitude"]), float(row["longitude"])
                except (TypeError, ValueError):
                    continue
                rows.append(Pc4(code, (row.get("woonplaats") or "").strip() or "Onbekend", lat, lon))
    except FileNotFoundError:
        raise DemoDataError(f"PC4-bestand niet gevonden: {path} (zet PC4_DATA)") from None
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise DemoDataError(f"PC4-bestand {path} is niet te lezen: {exc}") from None
    if not rows:
        raise DemoDataError(f"PC4-bestand {path} bevat geen bruikbare postcodes")
    return rows


def distance_km(a: Pc4, b: Pc4) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (a.lat, a.lon, b.lat, b.lon))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 6371.0 * 2 * math.asin(math.sqrt(h))


def regions(rows: list[Pc4]) -> tuple[list[Pc4], list[Pc4]]:
    """PC4s around Utrecht (main organisation) and around Zeist (second organisation)."""
    by_code = {r.code: r for r in rows}
    if MAIN_CENTRE not in by_code or SECOND_CENTRE not in by_code:
        raise DemoDataError(
            f"PC4-bestand bevat postcode {MAIN_CENTRE} of {SECOND_CENTRE} niet (regio Utrecht)"
        )
    main_c, second_c = by_code[MAIN_CENTRE], by_code[SECOND_CENTRE]
    main, second = [], []
    for r in sorted(by_code.values(), key=lambda r: r.code):
        d_main, d_second = distance_km(r, main_c), distance_km(r, second_c)
        if d_main <= MAIN_RADIUS_KM and d_main <= d_second:
            main.append(r)
        elif d_second <= SECOND_RADIUS_KM and d_second < d_main:
            second.append(r)
    return main, second


# ---- the builder ----------------------------------------------------------------------------


@dataclass(eq=False)
class OrgCtx:
    key: str
    org: object
    region: list[Pc4]
    domain: str
    prefix: str
    users: dict = field(default_factory=dict)  # username -> User
    partners: dict = field(default_factory=dict)  # key -> Partner
    notices: list = field(default_factory=list)  # (PrivacyNotice, effective_from)
    coaches: list = field(default_factory=list)
    load: dict = field(default_factory=dict)  # id(coach) -> number of holders
    holders: list = field(default_factory=list)
    cards: list = field(default_factory=list)
    volunteers: list = field(default_factory=list)
    requests: list = field(default_factory=list)
    control_room_consents: int = 0
    by_category: dict | None = None  # HelpCategory -> approved volunteers (for matching)


class DemoBuilder:
    def __init__(self, session, sm, pc4_rows: list[Pc4], seed: int = 2026,
                 today: dt.date | None = None):
        from app import cards, coaches, concerns, consents, contacts, helpdesk, holders
        from app import organisations, partners, privacy, vog, volunteers

        self.m = {mod.__name__.split(".")[-1]: mod.models for mod in (
            cards, coaches, concerns, consents, contacts, helpdesk, holders, organisations,
            partners, privacy, vog, volunteers)}
        self.session, self.sm = session, sm
        self.later_status: list = []
        self.issued_seen = 0
        # Reproducible demo data, not security: a seeded generator is what we want.
        self.rng = random.Random(seed)  # nosec B311
        self.today = today or dt.date.today()
        # Timestamps are naive UTC like the models' defaults; nothing that happened lies ahead.
        self.now = utcnow().replace(second=0, microsecond=0) - dt.timedelta(minutes=5)
        self.main_region, self.second_region = regions(pc4_rows)
        if not self.main_region or not self.second_region:
            raise DemoDataError("PC4-bestand bevat geen adrespostcodes rond Utrecht en Zeist")
        self.objects: list = []
        self._pending: list = []
        self.credentials: list[tuple[str, str, str, str]] = []
        self.counts: dict[str, int] = {}
        self._phones: set[str] = set()
        self._dist_cache: dict[tuple[str, str], float] = {}
        self.pc4_of: dict[int, Pc4] = {}  # id(volunteer or request) -> its PC4

    # ---- small helpers ----------------------------------------------------------------

    def add(self, obj):
        self.objects.append(obj)
        self._pending.append(obj)
        name = type(obj).__name__
        self.counts[name] = self.counts.get(name, 0) + 1
        return obj

    def stage(self) -> None:
        """Hand what was made since the last call to the session (no flush, no commit).

        Called after each step, so a parent is in the session before its children are made
        and ids follow the order of creation (no cascade pulls children in ahead of time).
        """
        self.session.add_all(self._pending)
        self._pending.clear()

    def pick(self, seq):
        return self.rng.choice(seq)

    def weighted(self, weights: dict) -> str:
        keys = list(weights)
        return self.rng.choices(keys, weights=[weights[k] for k in keys])[0]

    def days_ago(self, lo: int, hi: int) -> dt.date:
        return self.today - dt.timedelta(days=self.rng.randint(lo, hi))

    def weekday(self, day: dt.date) -> dt.date:
        """The nearest working day: earlier for a past date, later for a future one."""
        step = dt.timedelta(days=-1 if day <= self.today else 1)
        while day.weekday() >= 5:
            day += step
        return day

    def at(self, day: dt.date, hours=(9, 10, 11, 13, 14, 15, 16)) -> dt.datetime:
        """A time on (the nearest working day to) ``day``; never later than now for today."""
        day = self.weekday(day)
        moment = dt.datetime.combine(day, dt.time(self.pick(hours), self.pick((0, 15, 30, 45))))
        return self.past(moment) if day <= self.today else moment

    def past(self, moment: dt.datetime) -> dt.datetime:
        return min(moment, self.now)

    def _unique_digits(self, prefix: str, n: int) -> str:
        while True:
            number = prefix + "".join(str(self.rng.randint(0, 9)) for _ in range(n))
            if number not in self._phones:
                self._phones.add(number)
                return number

    def mobile(self) -> str:
        """A Dutch mobile number, 06-1xxxxxxx … 06-5xxxxxxx."""
        number = self._unique_digits("06" + self.pick("12345"), 7)
        return f"{number[:2]}-{number[2:]}"

    def landline(self) -> str:
        """A Utrecht (030) fixed-line number."""
        number = self._unique_digits("030" + self.pick("2346"), 6)
        return f"{number[:3]}-{number[3:]}"

    def person(self, gender: str | None = None) -> tuple[str, str, str]:
        gender = gender or self.pick("fm")
        first = self.pick(T.FIRST_NAMES_F if gender == "f" else T.FIRST_NAMES_M)
        return first, self.pick(T.LAST_NAMES), gender

    def email(self, first: str, last: str, domain: str = "mail.example") -> str:
        def plain(s):
            s = unicodedata.normalize("NFKD", s.replace("ı", "i"))
            return "".join(c for c in s if c.isalnum() and not unicodedata.combining(c)).lower()

        return f"{plain(first)}.{plain(last)}{self.rng.randint(1, 99)}@{domain}"

    def address(self, pc4: Pc4) -> tuple[str, str]:
        streets = T.STREETS_UTRECHT if pc4.town == "Utrecht" else T.STREETS_GENERIC
        letters = self.pick(POSTCODE_LETTERS) + self.pick(POSTCODE_LETTERS)
        if letters in ("SA", "SD", "SS"):
            letters = "AB"
        number = self.rng.randint(1, 180)
        suffix = self.pick(("", "", "", "", "A", "bis", "-2"))
        return f"{self.pick(streets)} {number}{suffix}", f"{pc4.code} {letters}"

    def sentences(self, pool, limit: int, k: int) -> str | None:
        """Up to ``k`` sentences from ``pool`` that together fit in ``limit`` characters."""
        if not pool:
            return None
        chosen = self.rng.sample(list(pool), min(k, len(pool)))
        text = ""
        for s in chosen:
            candidate = f"{text} {s}".strip()
            if len(candidate) <= limit:
                text = candidate
        return text or None

    def dist(self, a: Pc4, b: Pc4) -> float:
        key = (a.code, b.code) if a.code <= b.code else (b.code, a.code)
        if key not in self._dist_cache:
            self._dist_cache[key] = distance_km(a, b)
        return self._dist_cache[key]

    def notice_for(self, ctx: OrgCtx, day: dt.date):
        current = ctx.notices[0][0]
        for notice, effective in ctx.notices:
            if effective <= day:
                current = notice
        return current

    # ---- organisations, users, partners ---------------------------------------------

    def build(self, n_holders: int, n_volunteers: int) -> None:
        m = self.m
        Org, Kind = m["organisations"].Organisation, m["organisations"].OrganisationKind
        main = OrgCtx("main", self.add(Org(
            name=MAIN_ORG, kind=Kind.both, pc4=MAIN_CENTRE, town="Utrecht",
            email=f"info@{DOMAINS['main']}", phone="030-2345678")), self.main_region,
            DOMAINS["main"], "HKU")
        second = OrgCtx("second", self.add(Org(
            name=SECOND_ORG, kind=Kind.both, pc4=SECOND_CENTRE, town="Zeist",
            email=f"info@{DOMAINS['second']}", phone="030-6912345")), self.second_region,
            DOMAINS["second"], "HKH")
        self._phones.update({"0302345678", "0306912345"})
        self.ctxs = {"main": main, "second": second}

        self.categories = self.help_categories()
        self.partners(main, second)
        self.stage()
        self.users()
        self.notices(main, ["1.0", "1.1"])
        self.notices(second, ["1.0"])
        self.stage()

        # The options count the main organisation; the second one stays small.
        small_holders, small_volunteers = 3, max(3, n_volunteers // 10)
        self.coaches(main, max(5, math.ceil(n_holders / 7)), linked_user="coach")
        self.coaches(second, 2, linked_user="coach2")
        self.intervision(main, guest_from=second)
        self.intervision(second, guest_from=main, sessions=4)
        self.stage()
        for ctx, n in ((main, n_holders), (second, small_holders)):
            for i in range(n):
                self.holder(ctx, i)
                self.stage()
        self.session.flush()
        for card, status in self.later_status:
            card.status = status
        for ctx, n in ((main, n_volunteers), (second, small_volunteers)):
            for _ in range(n):
                self.volunteer(ctx)
        self.stage()
        for ctx, n in ((main, max(16, n_volunteers // 2)), (second, 3)):
            for i in range(n):
                self.help_request(ctx, i)
                self.stage()
        self.concerns(main)
        self.concerns(second, few=True)
        self.household(main)
        self.support(main)
        self.privacy_requests(main)
        self.outreach(main)
        self.outreach(second, small=True)
        self.card_tallies(main)
        self.coach_over_caseload(main)
        self.stage()

    # ---- project leader: anonymous counts and a visible stagnation signal ----------------

    def card_tallies(self, ctx: OrgCtx) -> None:
        """Cards made before the organisation registered holders in Hulpregie: counted only."""
        from app.reports.models import CardEvent, CardTally

        for months_ago in (20, 17, 14):
            day = self.weekday(self.today - dt.timedelta(days=30 * months_ago))
            number = self.rng.randint(2, 5)
            for event, n in ((CardEvent.requested, number + 1), (CardEvent.issued, number)):
                self.add(CardTally(
                    organisation=ctx.org, counted_on=day, event=event, number=n,
                    minutes_spent=n * self.rng.choice((150, 180, 240)) if event is CardEvent.issued else None,
                    research_participants=self.rng.randint(0, n) if event is CardEvent.issued else 0,
                    note="Geteld vóór de registratie in Hulpregie"))

    def coach_over_caseload(self, ctx: OrgCtx) -> None:
        """The stagnation signal "coach over his maximum caseload" is visible on the demo data:
        the busiest active coach's maximum is one below his open cards (README: raise it on the
        coach's screen, or give one of his cards to another coach, and the signal clears)."""
        in_progress = {"requested", "intro_held", "drafting", "awaiting_approval", "approved",
                       "evaluation_due"}
        open_cards: dict[int, int] = {}
        for card in ctx.cards:
            if card.coach is not None and card.status.name in in_progress:
                open_cards[id(card.coach)] = open_cards.get(id(card.coach), 0) + 1
        busiest = max((c for c in ctx.coaches if c.active and open_cards.get(id(c))),
                      key=lambda c: open_cards[id(c)], default=None)
        if busiest is not None:
            busiest.max_caseload = max(open_cards[id(busiest)] - 1, 0)

    def help_categories(self) -> dict[str, object]:
        HelpCategory, Group = self.m["volunteers"].HelpCategory, self.m["volunteers"].CategoryGroup
        existing = {c.name: c for c in self.session.query(HelpCategory).all()}
        result = {}
        for group, names in T.CATEGORIES.items():
            for name in names:
                result[name] = existing.get(name) or self.add(HelpCategory(group=Group[group], name=name))
        return result

    def partners(self, main: OrgCtx, second: OrgCtx) -> None:
        P, K = self.m["partners"].Partner, self.m["partners"].PartnerKind
        specs = {
            main: (
                ("church", "Protestantse Gemeente Utrecht-Oost", K.church, "Pieter Hoekstra", "3581",
                 "Diaconie; vrijwilligers uit de gemeente helpen mee in de burenhulp."),
                ("neighbourhood_team", "Buurtteam Overvecht", K.neighbourhood_team, "Samira Ouali", "3562",
                 "Voor vragen over schulden, opvoeding, wonen en eenzaamheid."),
                ("care", "Zorggroep De Linde (thuiszorg)", K.care, "Marloes van Dam", "3525",
                 "Persoonlijke verzorging en verpleging thuis."),
                ("welfare", "Stichting Welzijn Domstad", K.welfare, "Ravi Ramdin", "3531",
                 "Formulierenbrigade, maatjesprojecten en ouderenadvies."),
                ("municipality", "Gemeente Utrecht, Wmo-loket", K.municipality, None, "3521",
                 "Woningaanpassingen, hulpmiddelen en vervoer (Wmo)."),
                ("other", "Voedselbank Utrecht", K.other, "Arie de Haan", "3542",
                 "Uitgifte van voedselpakketten; verwijzing via buurtteam."),
            ),
            second: (
                ("church", "Protestantse Gemeente Zeist", K.church, "Els Blom", "3701",
                 "Diaconie; vrijwilligers voor bezoekjes en vervoer."),
                ("welfare", "Welzijn Heuvelrug", K.welfare, "Koen Prins", "3705",
                 "Welzijnswerk en mantelzorgondersteuning."),
            ),
        }
        for ctx, rows in specs.items():
            for key, name, kind, contact, pc4, notes in rows:
                slug = "".join(c for c in name.lower() if c.isalnum())[:20]
                ctx.partners[key] = self.add(P(
                    organisation=ctx.org, name=name, kind=kind, contact_name=contact,
                    email=f"info@{slug}.example", phone=self.landline(), pc4=pc4,
                    website=f"https://www.{slug}.example", notes=notes,
                    accepts_referrals=kind is not K.church,
                ))

    def users(self) -> None:
        StaffProfile = self.m["organisations"].StaffProfile
        for username, role_name, first, last, org_key, partner_key in STAFF:
            ctx = self.ctxs[org_key]
            existing = self.sm.find_user(username=username)
            if existing is not None:
                # Password and roles are left alone; a login without organisation is linked
                # to this one, or it could not record anything.
                ctx.users[username] = existing
                if self.session.query(StaffProfile.id).filter_by(user_id=existing.id).first() is None:
                    self.add(StaffProfile(user_id=existing.id, organisation=ctx.org,
                                          partner=ctx.partners[partner_key] if partner_key else None))
                self.credentials.append((username, role_name, ctx.org.name, "(bestond al; ongewijzigd)"))
                continue
            role = self.sm.find_role(role_name)
            if role is None:
                raise DemoDataError(
                    f"Rol '{role_name}' ontbreekt: voer eerst 'flask --app run roles sync' uit"
                )
            password = secrets.token_urlsafe(12)
            email = f"{username}@{ctx.domain}"
            if self.sm.find_user(email=email) is not None:
                raise DemoDataError(f"E-mailadres {email} is al in gebruik door een andere gebruiker")
            user = self.sm.add_user(username, first, last, email, [role], password, commit=False)
            if not user:
                raise DemoDataError(f"Gebruiker '{username}' kon niet worden aangemaakt (e-mail {email} al in gebruik?)")
            ctx.users[username] = user
            self.add(StaffProfile(user_id=user.id, organisation=ctx.org,
                                  partner=ctx.partners[partner_key] if partner_key else None))
            self.credentials.append((username, role_name, ctx.org.name, password))

    def notices(self, ctx: OrgCtx, versions: list[str]) -> None:
        PrivacyNotice = self.m["consents"].PrivacyNotice
        starts = [self.today - dt.timedelta(days=d) for d in (900, 200)[:len(versions)]]
        for version, effective in zip(versions, starts):
            body = (
                f"{ctx.org.name} verwerkt uw persoonsgegevens om samen met u een Hulpkaart te maken "
                "en om burenhulp te regelen. Wij vragen uw toestemming voor de registratie, voor elke "
                "contactpersoon op de kaart en - apart - voor registratie bij de meldkamer van de politie. "
                "U kunt uw toestemming altijd intrekken en uw gegevens inzien, laten verbeteren of "
                "laten verwijderen. Wij bewaren gegevens niet langer dan nodig: tot een jaar na het "
                "beëindigen van de kaart."
            )
            if version != "1.0":
                body += " Nieuw in deze versie: delen met partnerorganisaties bij een doorverwijzing."
            notice = self.add(PrivacyNotice(
                organisation=ctx.org, version=version, title="Privacyverklaring", body=body,
                effective_from=effective))
            ctx.notices.append((notice, effective))

    # ---- coaches -----------------------------------------------------------------------

    def coaches(self, ctx: OrgCtx, n: int, linked_user: str) -> None:
        m = self.m["coaches"]
        Training, TK = m.Training, m.TrainingKind
        for i in range(n):
            user = ctx.users.get(linked_user) if i == 0 else None
            if user is not None and self.session.query(m.Coach).filter_by(user_id=user.id).first():
                user = None  # an existing login that already has a coach record
            if i == 0:
                first, last = next((f, l) for u, _, f, l, _, _ in STAFF if u == linked_user)
            else:
                first, last, _ = self.person()
            started = self.days_ago(180, 5 * 365)
            coach = self.add(m.Coach(
                organisation=ctx.org, user=user,
                first_name=first, last_name=last,
                email=f"{linked_user}@{ctx.domain}" if user is not None else self.email(first, last, ctx.domain),
                phone=self.mobile(), competences=self.pick(T.COACH_COMPETENCES),
                target_groups=", ".join(self.rng.sample(T.TARGET_GROUPS, 2)),
                max_caseload=self.rng.randint(6, 12), active=i == 0 or self.rng.random() > 0.1,
                started_on=started,
            ))
            ctx.coaches.append(coach)
            ctx.load[id(coach)] = 0
            done = started - dt.timedelta(days=self.rng.randint(10, 40))
            self.add(Training(organisation=ctx.org, coach=coach, kind=TK.coach_training,
                              name="Basistraining Hulpkaartcoach (MEE)", completed_on=done,
                              certificate=f"MEE-HK-{done:%Y}-{self.rng.randint(100, 999)}",
                              valid_until=done + dt.timedelta(days=3 * 365)))
            for name in self.rng.sample(("Workshop autisme en communicatie", "Workshop de-escalatie",
                                         "Workshop AVG en toestemming", "Workshop werken met de meldkamer"),
                                        self.rng.randint(0, 2)):
                self.add(Training(organisation=ctx.org, coach=coach, kind=TK.workshop, name=name,
                                  completed_on=self.days_ago(10, (self.today - started).days + 10)))
            if (self.today - done).days > 2 * 365:
                self.add(Training(organisation=ctx.org, coach=coach, kind=TK.refresher,
                                  name=f"Opfrisbijeenkomst {self.today.year - 1}",
                                  completed_on=dt.date(self.today.year - 1, 10, 14)))
            reviewer = ctx.users.get("projectleider")
            held = self.days_ago(200, 330) if (self.today - started).days > 330 else None
            if held:
                self.add(m.PerformanceReview(
                    organisation=ctx.org, coach=coach, planned_on=held, held_on=held,
                    reviewer_id=reviewer.id if reviewer else None,
                    outcome_notes="Gaat goed; wil zich verder bekwamen in de-escalatie. Caseload blijft gelijk."))
            self.add(m.PerformanceReview(
                organisation=ctx.org, coach=coach,
                planned_on=(held + dt.timedelta(days=365)) if held else started + dt.timedelta(days=365),
                reviewer_id=reviewer.id if reviewer else None))

    def intervision(self, ctx: OrgCtx, guest_from: OrgCtx, sessions: int = 9) -> None:
        m = self.m["coaches"]
        first = self.today - dt.timedelta(weeks=6 * (sessions - 1))
        facilitator = ctx.users.get("projectleider")
        for n in range(sessions):
            day = self.weekday(first + dt.timedelta(weeks=6 * n) + dt.timedelta(days=2))
            held = day <= self.today
            session = self.add(m.IntervisionSession(
                organisation=ctx.org, held_on=day,
                status=m.IntervisionStatus.held if held else m.IntervisionStatus.planned,
                location="Buurthuis De Boog, zaal 2" if n % 2 else "Kantoor, vergaderruimte",
                facilitator=f"{facilitator.first_name} {facilitator.last_name}"
                if facilitator and n % 3 else "Marjolein Kok (MEE)",
                topics="; ".join(self.rng.sample(T.INTERVISION_TOPICS, 2)),
                notes=("Casus ingebracht door een coach; afspraken vastgelegd in het coachoverleg."
                       if held else None),
            ))
            for coach in ctx.coaches:  # a planned session: invited, present once recorded
                if coach.active and coach.started_on <= day:
                    self.add(m.IntervisionAttendance(organisation=ctx.org, session=session, coach=coach,
                                                     present=held and self.rng.random() < 0.8))
            if not held:
                continue
            if n % 4 == 1 and guest_from.coaches:
                guest = guest_from.coaches[0]
                self.add(m.IntervisionAttendance(
                    organisation=ctx.org, session=session,
                    guest_name=f"{guest.first_name} {guest.last_name}",
                    guest_organisation=guest_from.org.name, present=True))

    def assign_coach(self, ctx: OrgCtx):
        """The least loaded active coach (the demo login's coach first when tied)."""
        active = [c for c in ctx.coaches if c.active]
        ties = [self.rng.random() for _ in active]
        coach = min(zip(active, ties), key=lambda ct: (
            ctx.load[id(ct[0])] / ct[0].max_caseload, ct[0] is not ctx.coaches[0], ct[1]))[0]
        ctx.load[id(coach)] += 1
        return coach

    # ---- holders and their cards ---------------------------------------------------------

    def holder(self, ctx: OrgCtx, i: int) -> None:
        h, c = self.m["holders"], self.m["cards"]
        status = STATUS_CYCLE[i] if i < len(STATUS_CYCLE) else self.weighted(STATUS_WEIGHTS)
        first, last, _ = self.person()
        pc4 = self.pick(ctx.region)
        address, postcode = self.address(pc4)
        profile = self.pick(list(T.PROFILES))
        tl = self.timeline(status)
        coach = None if status == "requested" and i % 2 == 0 else self.assign_coach(ctx)
        holder_status = {"ended": h.HolderStatus.ended, "withdrawn": h.HolderStatus.inactive}.get(
            status, h.HolderStatus.active)
        birth = dt.date(self.today.year - self.rng.randint(19, 78), self.rng.randint(1, 12), self.rng.randint(1, 28))
        holder = self.add(h.Holder(
            organisation=ctx.org, reference=f"{ctx.prefix}-{i + 1:04d}",
            first_name=first, last_name=last, birth_date=birth, address=address,
            postcode=postcode, pc4=pc4.code, town=pc4.town,
            phone=self.mobile() if self.rng.random() < 0.85 else None,
            email=self.email(first, last) if self.rng.random() < 0.5 else None,
            notes=f"Aangemeld via {self.pick(('de huisarts', 'het buurtteam', 'de GGZ', 'een familielid', 'de website'))}.",
            status=holder_status, coach=coach,
        ))
        ctx.holders.append(holder)
        making_choice = self.pick(list(c.MakingChoice)) if tl.get("intro") else None
        # An issued card needs its issued version, which exists only after the first flush:
        # such cards start as approved and get their status in a second flush (build()).
        first_status = "approved" if status in ("issued", "evaluation_due", "evaluated") else status
        card = self.add(c.HelpCard(
            organisation=ctx.org, holder=holder, status=c.CardStatus[first_status],
            making_choice=making_choice if tl.get("intro") and tl["intro"] <= self.today else None,
            coach=coach, requested_on=tl["requested"], issued_on=tl.get("issued"),
            next_evaluation_on=tl.get("next_eval"), ended_on=tl.get("ended"),
        ))
        ctx.cards.append(card)
        if first_status != status:
            self.later_status.append((card, c.CardStatus[status]))
        contacts = self.contact_persons(ctx, holder, self.today.year - birth.year, tl)
        self.card_versions(ctx, card, coach, profile, tl, status)
        self.appointments(ctx, holder, card, coach, tl, making_choice, contacts)
        self.evaluations(ctx, card, coach, tl, status)
        self.holder_consents(ctx, holder, card, contacts, tl, status, coach)

    def timeline(self, status: str) -> dict:
        """Dates of one card's life, consistent with its status."""
        d = dt.timedelta
        tl: dict = {}
        if status == "requested":
            tl["requested"] = self.days_ago(0, 20)
            tl["intro"] = self.today + d(days=self.rng.randint(3, 14))  # planned
            return tl
        if status in ("issued", "evaluation_due", "evaluated", "ended", "withdrawn"):
            issued = {
                "issued": (20, 300), "evaluation_due": (340, 392), "evaluated": (400, 700),
                "ended": (390, 600), "withdrawn": (60, 250),
            }[status]
            if status == "issued":
                # Every third issued card comes up for its yearly evaluation within the
                # scheduler's invitation window (four weeks), so a tick has invitations to send.
                self.issued_seen += 1
                if self.issued_seen % 3 == 1:
                    issued = (340, 350)
            tl["issued"] = self.days_ago(*issued)
            tl["approved"] = tl["issued"] - d(days=self.rng.randint(3, 14))
        elif status == "approved":
            tl["approved"] = self.days_ago(2, 20)
        if "approved" in tl:
            tl["requested"] = tl["approved"] - d(days=self.rng.randint(50, 110))
        else:
            tl["requested"] = self.days_ago(*{"intro_held": (20, 45), "drafting": (35, 90),
                                              "awaiting_approval": (60, 120)}[status])
        tl["intro"] = tl["requested"] + d(days=self.rng.randint(7, 18))
        if status == "intro_held" and tl["intro"] > self.today - d(days=2):
            tl["intro"] = self.today - d(days=2)
        if status == "intro_held":
            tl["next_drafting"] = self.today + d(days=self.rng.randint(2, 12))
            return tl
        end = tl.get("approved") or self.today - d(days=self.rng.randint(1, 7))
        span = max((end - tl["intro"]).days, 3)
        sessions = 1 if status == "drafting" else self.rng.randint(2, 3)
        tl["drafting"] = sorted(tl["intro"] + d(days=self.rng.randint(2, span)) for _ in range(sessions))
        if status == "drafting":
            tl["next_drafting"] = self.today + d(days=self.rng.randint(2, 12))
        if "issued" in tl:
            tl["due"] = tl["issued"] + d(days=365)
            tl["next_eval"] = tl["due"]
        if status == "evaluated" or status == "ended":
            held = min(tl["due"] + d(days=self.rng.randint(-14, 21)), self.today - d(days=3))
            tl["eval_held"] = held
            if status == "ended":
                tl["ended"] = held
                tl["next_eval"] = None
            else:
                tl["next_eval"] = held + d(days=365)
        if status == "withdrawn":
            tl["ended"] = self.days_ago(5, max(6, (self.today - tl["issued"]).days - 1))
            tl["next_eval"] = None
        return tl

    def contact_persons(self, ctx: OrgCtx, holder, age: int, tl: dict) -> list:
        """One to three contact persons, added at the intro meeting (none before it)."""
        ContactPerson = self.m["contacts"].ContactPerson
        contacts = []
        n = 0 if "intro" not in tl or tl["intro"] > self.today else self.rng.choice((1, 2, 2, 2, 3))
        fitting = [r for r in T.RELATIONS_FAMILY if r[3][0] <= age <= r[3][1]]
        for priority in range(1, n + 1):
            professional = priority > 1 and self.rng.random() < 0.35
            if professional:
                relation = self.pick(T.RELATIONS_PROFESSIONAL)
                first, last, _ = self.person()
            else:
                relation, gender, family, _ = self.pick(fitting)
                first, last, _ = self.person(gender)
                if family:
                    last = holder.last_name
            contacts.append(self.add(ContactPerson(
                organisation=ctx.org, holder=holder, name=f"{first} {last}", relation=relation,
                phone=self.pick((self.landline, self.mobile))() if professional else self.mobile(),
                email=self.email(first, last) if self.rng.random() < 0.4 else None,
                priority=priority, on_card=priority <= 2 or self.rng.random() < 0.5,
            )))
        return contacts

    def card_versions(self, ctx: OrgCtx, card, coach, profile: str, tl: dict, status: str) -> None:
        c = self.m["cards"]
        if "drafting" not in tl:
            return
        created_by = coach.user.id if coach is not None and coach.user is not None else None

        def content(partial: bool) -> dict:
            texts = T.PROFILES[profile]
            fields = {}
            for name, limit in c.SECTION_LIMITS.items():
                if partial and name not in ("loss_of_control_signs", "how_to_help"):
                    continue
                k = {"loss_of_control_signs": 3, "how_to_help": 4, "what_not_to_do": 2}.get(name, 1)
                fields[name] = self.sentences(texts[name], limit, k)
            return fields

        approved = tl.get("approved")
        method = self.pick(list(c.ApprovalMethod))

        def approved_at(day):  # the organisation approved the text the holder agreed to
            return dt.datetime.combine(day, dt.time(16, 0)) if day else None

        v1 = self.add(c.HelpCardVersion(
            organisation=ctx.org, card=card, version_no=1, created_by_id=created_by,
            holder_approved_on=approved, holder_approval_method=method if approved else None,
            approved_at=approved_at(approved), approved_by_id=created_by if approved else None,
            **content(partial=status == "drafting"),
        ))
        current = v1
        if tl.get("eval_held") and status == "evaluated" and self.rng.random() < 0.4:
            tl["outcome"] = "new_version"
            current = self.add(c.HelpCardVersion(
                organisation=ctx.org, card=card, version_no=2, created_by_id=created_by,
                holder_approved_on=tl["eval_held"], holder_approval_method=self.pick(list(c.ApprovalMethod)),
                approved_at=approved_at(tl["eval_held"]), approved_by_id=created_by,
                **content(partial=False),
            ))
        if tl.get("issued"):
            card.issued_version = current
            # Printed and handed over on the day of issue (the print record of the wallet card).
            self.add(c.CardPrint(organisation=ctx.org, card=card, version=current,
                                 printed_by_id=created_by,
                                 printed_at=self.at(tl["issued"], hours=(10, 11, 14, 15))))

    def appointments(self, ctx: OrgCtx, holder, card, coach, tl: dict, making_choice, contacts) -> None:
        c = self.m["cards"]
        Kind, St = c.AppointmentKind, c.AppointmentStatus
        if coach is None:
            return
        relative = next((p for p in contacts if p.relation in T.FAMILY_WORDS), None)

        def attendees(choice):
            people = ["houder", "coach"]
            if choice is c.MakingChoice.with_relative:
                people.insert(1, f"{relative.relation} ({relative.name})" if relative else "een naaste")
            return ", ".join(people)

        def appt(kind, day, notes=None, choice=None, minutes=60):
            starts = self.at(day)
            planned = starts.date() > self.today
            status = St.planned if planned else (St.cancelled if self.rng.random() < 0.05 else St.held)
            return self.add(c.Appointment(
                organisation=ctx.org, holder=holder, card=card, coach=coach, kind=kind, status=status,
                starts_at=starts, duration_minutes=minutes, making_choice=choice,
                attendees=attendees(choice or card.making_choice),
                notes=None if planned or status is St.cancelled else notes,
            ))

        if tl.get("intro"):
            choice = making_choice if tl["intro"] <= self.today else None
            appt(Kind.intro_meeting, tl["intro"], choice=choice, minutes=90, notes=(
                f"Kennismaking: uitleg over de Hulpkaart en de toestemmingen. De houder kiest: "
                f"{str(choice).lower()}." if choice else None))
        for n, day in enumerate(tl.get("drafting", ()), start=1):
            appt(Kind.drafting, day, notes=f"Opmaakgesprek {n}: teksten voor de vakken doorgenomen.")
        if tl.get("next_drafting"):
            appt(Kind.drafting, tl["next_drafting"])
        if tl.get("eval_held"):
            appt(Kind.evaluation, tl["eval_held"], notes="Jaarlijkse evaluatie van de kaart.")
        elif tl.get("next_eval") and tl["next_eval"] - self.today <= dt.timedelta(days=30):
            appt(Kind.evaluation, max(tl["next_eval"], self.today + dt.timedelta(days=5)))

    def evaluations(self, ctx: OrgCtx, card, coach, tl: dict, status: str) -> None:
        c = self.m["cards"]
        if status not in ("evaluation_due", "evaluated", "ended"):
            return
        due = tl["due"]
        invited = due - dt.timedelta(days=28)
        if status == "evaluation_due":
            self.add(c.Evaluation(organisation=ctx.org, card=card, coach=coach, due_on=due,
                                  invited_on=invited if invited <= self.today else None))
            return
        outcome = {"ended": c.EvaluationOutcome.ended}.get(
            status, c.EvaluationOutcome[tl.get("outcome", "unchanged")])
        notes = {
            c.EvaluationOutcome.unchanged: "Kaart klopt nog; contactpersonen gebeld en akkoord.",
            c.EvaluationOutcome.new_version: "Nieuwe contactpersoon en aangepaste tekst bij 'hoe help je mij'.",
            c.EvaluationOutcome.ended: "Houder heeft de kaart niet meer nodig; kaart beëindigd.",
        }[outcome]
        self.add(c.Evaluation(
            organisation=ctx.org, card=card, coach=coach, due_on=due, invited_on=invited,
            held_on=tl["eval_held"], method=self.pick(("Gesprek bij de houder thuis", "Telefonisch",
                                                       "Op kantoor")),
            outcome=outcome, notes=notes))

    def holder_consents(self, ctx: OrgCtx, holder, card, contacts, tl: dict, status: str, coach) -> None:
        k = self.m["consents"]
        P, F = k.ConsentPurpose, k.ConsentForm
        recorder = coach.user.id if coach is not None and coach.user is not None else None

        def consent(purpose, day, **subject):
            return self.add(k.Consent(
                organisation=ctx.org, purpose=purpose, given_at=self.at(day),
                form=self.pick((F.written, F.written, F.oral)), recorded_by_id=recorder,
                notice=self.notice_for(ctx, day),
                evidence_note="Formulier getekend tijdens het gesprek" if self.rng.random() < 0.7
                else "Mondeling gegeven; vastgelegd in het gespreksverslag",
                **subject))

        registration = consent(P.registration, min(tl["requested"], self.today), holder=holder)
        intro = tl["intro"] if tl.get("intro") and tl["intro"] <= self.today else None
        for person in contacts:
            given = intro + dt.timedelta(days=self.rng.randint(0, 10)) if intro else self.today
            consent(P.on_card, min(given, self.today), contact_person=person)
        if holder.email and intro:
            consent(P.email_contact, intro, holder=holder)
        ended = tl.get("ended")
        if status == "withdrawn":
            registration.withdrawn_at = self.at(ended, hours=(11, 15))
            if registration.withdrawn_at < registration.given_at:
                registration.withdrawn_at = registration.given_at + dt.timedelta(hours=1)
            registration.withdrawal_method = "oral"  # workflows.consents.METHODS
            registration.withdrawal_reason = "Houder wil niet langer geregistreerd staan."
        # Explicit consent for the police control room: the first three issued cards of an
        # organisation, then about four in ten; the third one has been withdrawn again.
        if tl.get("issued") and status != "withdrawn" and (
                ctx.control_room_consents < 3 or self.rng.random() < 0.4):
            cr = consent(P.control_room, tl["approved"], holder=holder)
            card.control_room_sections = "loss_of_control_signs,how_to_help,what_not_to_do"
            ctx.control_room_consents += 1
            if ctx.control_room_consents == 3 or status == "ended":
                cr.withdrawn_at = max(self.at(ended or self.days_ago(5, 30)),
                                      cr.given_at + dt.timedelta(hours=1))
                cr.withdrawal_method = "written"
                cr.withdrawal_reason = ("Kaart beëindigd." if status == "ended"
                                        else "Houder wil niet bij de meldkamer geregistreerd staan.")
                card.control_room_sections = None
        if intro and self.rng.random() < 0.15:
            consent(P.research, intro, holder=holder)

    # ---- volunteers ----------------------------------------------------------------------

    def volunteer(self, ctx: OrgCtx) -> None:
        v, g = self.m["volunteers"], self.m["vog"]
        VS = v.VolunteerStatus
        status = self.weighted(VOLUNTEER_WEIGHTS)
        first, last, _ = self.person()
        pc4 = self.pick(ctx.region)
        address, postcode = self.address(pc4)
        partner = None
        r = self.rng.random()
        if r < 0.3:
            partner = ctx.partners.get("church")
        elif r < 0.4:
            partner = ctx.partners.get("welfare")
        registered = self.days_ago(3, 3 * 365)
        approved_on = None
        if status in ("approved", "inactive"):
            approved_on = min(registered + dt.timedelta(days=self.rng.randint(14, 45)), self.today)
        coordinator = ctx.users.get("coordinator")
        # Availability, intake and VOG verification come from a generator of their own, so the
        # rest of the demo data stays the same.
        extra = random.Random(f"{first}|{last}|{pc4.code}|{registered}")  # nosec B311 (demo data)
        days = extra.sample(DAY_CODES, extra.randint(2, 5)) if extra.random() < 0.7 else []
        parts = extra.sample(PART_CODES, extra.randint(1, 2)) if extra.random() < 0.6 else []
        intake_on = None
        if partner is None and status in ("intake", "approved", "inactive", "rejected"):
            intake_on = (approved_on - dt.timedelta(days=extra.randint(2, 10)) if approved_on
                         else registered + dt.timedelta(days=extra.randint(5, 20)))
        volunteer = self.add(v.Volunteer(
            organisation=ctx.org, partner=partner, first_name=first, last_name=last,
            email=self.email(first, last) if self.rng.random() < 0.8 else None,
            phone=self.mobile(), address=f"{address}, {postcode} {pc4.town}", pc4=pc4.code,
            availability=self.pick(T.AVAILABILITY), max_distance_km=self.pick((2, 3, 3, 5, 5, 8, 10)),
            available_days=",".join(c for c in DAY_CODES if c in days) or None,
            available_parts=",".join(c for c in PART_CODES if c in parts) or None,
            max_per_month=extra.choice((2, 3, 4, 4, 6, 8)),
            status=VS[status], approved_on=approved_on,
            approved_by_id=coordinator.id if approved_on and coordinator else None,
            intake_on=intake_on, intake_by_id=coordinator.id if intake_on and coordinator else None,
            notes={"rejected": "Na het intakegesprek besloten niet verder te gaan.",
                   "inactive": "Tijdelijk gestopt (verhuisd of geen tijd)."}.get(status),
            categories=self.rng.sample(list(self.categories.values()), self.rng.randint(1, 4)),
        ))
        self.pc4_of[id(volunteer)] = pc4
        ctx.volunteers.append(volunteer)
        vog = []
        profile = "85,21" if extra.random() < 0.3 else "85"  # Justis codes: app/vog/profiles.py
        renewal = int(current_app.config["HULPREGIE_VOG_RENEWAL_MONTHS"])

        def check(st, requested, issued=None):
            verified = None
            if issued and st in ("received", "expired"):
                verified = min(issued + dt.timedelta(days=extra.randint(1, 14)), self.today)
            vog.append(self.add(g.VogCheck(
                organisation=ctx.org, volunteer=volunteer, screening_profile=profile,
                status=g.VogStatus[st], requested_on=requested, issued_on=issued,
                expires_on=add_months(issued, renewal) if verified else None,
                verified_on=verified, verified_by_id=coordinator.id if verified and coordinator else None,
                reference=f"VOG-{(issued or requested):%Y}-{self.rng.randint(100000, 999999)}"
                if issued else None)))

        if status == "intake":
            check("requested", min(registered + dt.timedelta(days=7), self.today))
        elif status in ("approved", "inactive"):
            issued = approved_on - dt.timedelta(days=self.rng.randint(2, 10))
            requested = issued - dt.timedelta(days=self.rng.randint(7, 28))
            if status == "inactive" and add_months(issued, renewal) - dt.timedelta(days=60) < self.today:
                check("expired", requested, issued)
            elif status == "inactive" and self.rng.random() < 0.5:
                check("expired", add_months(requested, -renewal), add_months(issued, -renewal))
            else:
                check("received", requested, issued)
                if add_months(issued, renewal) - dt.timedelta(days=60) < self.today:
                    check("requested", self.today - dt.timedelta(days=self.rng.randint(1, 20)))
        elif status == "rejected" and self.rng.random() < 0.6:
            requested = min(registered + dt.timedelta(days=7), self.today)
            check("refused", requested, min(requested + dt.timedelta(days=21), self.today)
                  if requested + dt.timedelta(days=1) <= self.today else None)
        if volunteer.email and self.rng.random() < 0.5:
            k = self.m["consents"]
            given = self.at(min(registered, self.today))
            self.add(k.Consent(organisation=ctx.org, purpose=k.ConsentPurpose.email_contact,
                               volunteer=volunteer, given_at=given, form=k.ConsentForm.written,
                               notice=self.notice_for(ctx, registered)))

    # ---- help requests -----------------------------------------------------------------------

    def help_request(self, ctx: OrgCtx, i: int) -> None:
        hd = self.m["helpdesk"]
        k = self.m["consents"]
        RS = hd.RequestStatus
        status = REQUEST_CYCLE[i] if i < len(REQUEST_CYCLE) else self.weighted(REQUEST_WEIGHTS)
        refusal = self.pick(T.REJECT_REASONS) if status in ("rejected", "referred") else None
        if refusal:
            category_name, description = refusal[2], refusal[3]
        else:
            category_name = self.pick(list(self.categories))
            description = self.pick(T.REQUEST_TEXTS[category_name])
        category = self.categories.get(category_name)
        pc4 = self.pick(ctx.region)
        address, postcode = self.address(pc4)
        channel = self.pick(list(hd.RequestChannel))
        lower = description.lower()
        first, last, gender = self.person("m" if "meneer" in lower else "f" if "mevrouw" in lower else None)
        age = {"received": (0, 3), "intake": (0, 4), "accepted": (1, 10), "put_out": (1, 8),
               "rejected": (3, 60), "referred": (3, 90), "matched": (3, 25), "done": (8, 28),
               "feedback_asked": (31, 60), "closed": (40, 300)}[status]
        received = self.at(self.days_ago(*age), hours=tuple(range(8, 20)))
        helpdesk = ctx.users.get("helpdesk")
        intake = None if status == "received" else self.past(received + dt.timedelta(hours=self.rng.randint(1, 48)))
        title = "mevrouw" if gender == "f" else "meneer"
        request = self.add(hd.HelpRequest(
            organisation=ctx.org, channel=channel, status=RS[status],
            category=None if status in ("received", "intake") and self.rng.random() < 0.5
            else category,
            description=description,
            requester_name=f"{first} {last}", requester_phone=self.pick((self.mobile, self.landline))(),
            requester_email=self.email(first, last) if channel is hd.RequestChannel.web else None,
            requester_address=f"{address}, {postcode} {pc4.town}", pc4=pc4.code,
            professional=self.pick(T.PROFESSIONALS) if channel is hd.RequestChannel.professional else None,
            received_at=received,
            wanted_on=received.date() + dt.timedelta(days=self.rng.randint(3, 21)),
            intake_by_id=helpdesk.id if intake and helpdesk else None, intake_at=intake,
        ))
        self.pc4_of[id(request)] = pc4
        ctx.requests.append(request)
        if status in ("rejected", "referred"):
            partner_key, elsewhere, _, _, reason = refusal
            partner = ctx.partners.get(partner_key)
            request.decision_reason = reason
            self.add(hd.Referral(
                organisation=ctx.org, help_request=request, partner=partner,
                organisation_name=None if partner else elsewhere,
                reason=reason, referred_at=self.past(intake + dt.timedelta(minutes=20)),
                referred_by_id=helpdesk.id if helpdesk else None,
                notes=f"{title.capitalize()} is telefonisch op de hoogte gebracht."))
            if partner is not None:
                self.add(k.Consent(organisation=ctx.org, purpose=k.ConsentPurpose.partner_sharing,
                                   help_request=request, given_at=intake, form=k.ConsentForm.oral,
                                   recorded_by_id=helpdesk.id if helpdesk else None,
                                   notice=self.notice_for(ctx, intake.date()),
                                   evidence_note="Mondeling gegeven tijdens de intake"))
            request.closed_at = self.past(intake + dt.timedelta(minutes=20))
        elif status in ("accepted", "put_out"):
            request.decision_reason = "Past bij de burenhulp; zoeken naar een vrijwilliger in de buurt."
        elif status in MATCH_PHASE:
            request.decision_reason = "Past bij de burenhulp."
            self.matches(ctx, request, MATCH_PHASE[status], intake)
            if status in ("done", "feedback_asked"):  # helped; feedback not (yet) given
                for match in request.matches:
                    if match.status in (hd.MatchStatus.proposed, hd.MatchStatus.accepted):
                        match.status = hd.MatchStatus.completed
        if intake is not None and status not in ("rejected", "referred"):
            request.scope = self.pick(("Eenmalig, ongeveer een uur", "Eenmalig, een dagdeel",
                                       "Een paar keer, een uur per week", "Wekelijks, een uur"))
            request.target_group_ok = status != "intake" or self.rng.random() < 0.5
            request.wanted_part = self.pick(list(hd.PartOfDay))
        self.request_steps(request, intake)

    def request_steps(self, request, intake) -> None:
        """Timestamps that fit the request's status: each step after the one before."""
        RS = self.m["helpdesk"].RequestStatus
        status = request.status  # the match builder may have held it at accepted
        if status in (RS.received, RS.rejected, RS.referred):
            return
        order = [RS.intake, RS.accepted, RS.put_out, RS.matched, RS.done, RS.feedback_asked,
                 RS.closed]
        reached = order[:order.index(status) + 1]
        matched = min((m.matched_at for m in request.matches), default=None)
        if RS.put_out in reached:
            request.put_out_at = self.past(min(matched or intake + dt.timedelta(hours=4),
                                               intake + dt.timedelta(hours=4)))
        if RS.matched in reached:
            request.matched_at = self.past(max(matched or request.put_out_at, request.put_out_at)
                                           + dt.timedelta(hours=2))
        if RS.done in reached:
            done = request.wanted_on if request.wanted_on else request.matched_at.date()
            request.done_at = self.past(max(dt.datetime.combine(done, dt.time(15, 0)),
                                            request.matched_at + dt.timedelta(days=1)))
        if RS.closed in reached:
            request.closed_at = self.past(request.done_at + dt.timedelta(days=35))

    def candidates(self, ctx: OrgCtx, request) -> list[tuple[float, object]]:
        """Up to two approved volunteers for the request's category, within their reach."""
        if ctx.by_category is None:
            VS = self.m["volunteers"].VolunteerStatus
            approved = [v for v in ctx.volunteers if v.status is VS.approved]
            ctx.by_category = {None: approved}
            for v in approved:
                for cat in v.categories:
                    ctx.by_category.setdefault(cat.name, []).append(v)
        wanted = request.category.name if request.category is not None else None
        pool = ctx.by_category.get(wanted) or ctx.by_category[None]
        here = self.pc4_of[id(request)]
        scored = [(self.dist(here, self.pc4_of[id(v)]), n, v) for n, v in enumerate(pool)]
        near = [s for s in scored if s[0] <= s[2].max_distance_km] or sorted(scored)[:5]
        # The helpdesk picks someone near, not always the very nearest: weigh by closeness.
        picked = []
        while near and len(picked) < 2:
            d, n, v = self.rng.choices(near, weights=[1 / (1 + s[0]) ** 2 for s in near])[0]
            near = [s for s in near if s[1] != n]
            picked.append((d, v))
        return picked

    def matches(self, ctx: OrgCtx, request, status: str, intake: dt.datetime) -> None:
        hd = self.m["helpdesk"]
        MS = hd.MatchStatus
        candidates = self.candidates(ctx, request)
        if not candidates:  # no approved volunteer at all: the request waits
            request.status = hd.RequestStatus.accepted
            request.decision_reason = "Past bij de burenhulp; nog geen vrijwilliger beschikbaar."
            return
        helpdesk = ctx.users.get("helpdesk")
        matched_at = self.past(intake + dt.timedelta(hours=self.rng.randint(2, 72)))
        used = 0
        if len(candidates) > 1 and self.rng.random() < 0.2:
            d, v = candidates[0]
            self.add(hd.Match(organisation=ctx.org, help_request=request, volunteer=v, status=MS.declined,
                              matched_at=matched_at, distance_km=Decimal(f"{d:.2f}"),
                              offered_at=matched_at, responded_at=matched_at + dt.timedelta(hours=2),
                              response_channel="phone",
                              matched_by_id=helpdesk.id if helpdesk else None))
            used = 1
            matched_at = self.past(matched_at + dt.timedelta(hours=4))
        d, v = candidates[used]
        match_status = MS.completed if status == "closed" else MS.accepted
        accepted_at = self.past(matched_at + dt.timedelta(hours=self.rng.randint(1, 30)))
        match = self.add(hd.Match(
            organisation=ctx.org, help_request=request, volunteer=v, status=match_status,
            matched_at=matched_at, distance_km=Decimal(f"{d:.2f}"), offered_at=matched_at,
            accepted_at=accepted_at, responded_at=accepted_at,
            response_channel=self.pick(("link", "link", "phone")),
            feedback_due_on=accepted_at.date() + dt.timedelta(days=30),
            feedback_asked_at=self.past(self.at(accepted_at.date() + dt.timedelta(days=30), hours=(6,)))
            if status == "closed" else None,
            matched_by_id=helpdesk.id if helpdesk else None))
        if status == "closed":
            when = self.past(matched_at + dt.timedelta(days=self.rng.randint(7, 20)))
            self.add(hd.Feedback(organisation=ctx.org, match=match, respondent=hd.Respondent.requester,
                                 received_at=when, rating=self.pick((3, 4, 4, 5, 5, 5)),
                                 comment=self.pick(T.FEEDBACK_REQUESTER)))
            if self.rng.random() < 0.7:
                self.add(hd.Feedback(organisation=ctx.org, match=match, respondent=hd.Respondent.volunteer,
                                     received_at=when, rating=self.pick((4, 5, 5)),
                                     comment=self.pick(T.FEEDBACK_VOLUNTEER)))

    # ---- support plans and informal carers (issue 11) -----------------------------------------

    def support(self, ctx: OrgCtx) -> None:
        """Support plans of the demo coach's holders (one agreed with two conversations, one
        in preparation), one of a help request, and informal carers: one whose reserved medical
        act lacks a condition (the warning), one with an open signal of overload."""
        from app.carers import models as cm
        from app.supportplans import models as sm

        coach_user, helpdesk = ctx.users.get("coach"), ctx.users.get("helpdesk")
        own = [h for h in ctx.holders if h.coach is ctx.coaches[0]] or ctx.holders
        if coach_user is None or len(own) < 2:
            return
        T0 = self.today
        answers = {
            "important": "1. Mijn kleinkinderen zien. 2. In mijn eigen huis blijven wonen. "
                         "3. Naar de kerk kunnen.",
            "can_do_self": "Zelf koken en de was doen.", "wants_to_do_self": "Zelf boodschappen doen.",
            "goes_well": "Het contact met de buren.", "goes_less_well": "Trappen lopen; post lezen.",
            "network_who": "Dochter (woont in Utrecht), buurvrouw.",
            "network_help": "Dochter doet de administratie; buurvrouw kookt op woensdag.",
            "professional_help": "Wijkverpleging voor de steunkousen.",
            "technology_aids": "Alarmknop; boodschappen laten bezorgen.",
            "help_frequency": "Dagelijks 's ochtends; administratie eens per maand.",
            "goals": "Over drie maanden zelf met de rollator naar de supermarkt."}
        agreed = self.add(sm.SupportPlan(
            organisation=ctx.org, holder=own[0], coach=own[0].coach, status=sm.SupportPlanStatus.agreed,
            title="Ondersteuningsplan", next_conversation_on=T0 + dt.timedelta(days=5),
            created_by_id=coach_user.id, readers=[coach_user]))
        self.add(sm.SupportPlanVersion(
            organisation=ctx.org, plan=agreed, version_no=1, created_by_id=coach_user.id,
            conversation_on=T0 - dt.timedelta(days=120), agreed_on=T0 - dt.timedelta(days=118),
            **{**answers, "goals": "Weer zelf naar de markt."}))
        self.add(sm.SupportPlanVersion(
            organisation=ctx.org, plan=agreed, version_no=2, created_by_id=coach_user.id,
            conversation_on=T0 - dt.timedelta(days=20), agreed_on=T0 - dt.timedelta(days=20),
            **answers))
        draft = self.add(sm.SupportPlan(
            organisation=ctx.org, holder=own[1], coach=own[1].coach, title="Ondersteuningsplan",
            status=sm.SupportPlanStatus.draft, created_by_id=coach_user.id, readers=[coach_user]))
        self.add(sm.SupportPlanVersion(
            organisation=ctx.org, plan=draft, version_no=1, created_by_id=coach_user.id,
            conversation_on=T0 - dt.timedelta(days=2),
            important="Rust in huis; mijn hond; koffie met de buurman.",
            goals="Hulp bij de administratie vinden."))
        if helpdesk is not None and ctx.requests:
            request = ctx.requests[0]
            self.add(sm.SupportPlan(
                organisation=ctx.org, help_request=request, title="Ondersteuningsplan",
                status=sm.SupportPlanStatus.draft, created_by_id=helpdesk.id, readers=[helpdesk],
                next_conversation_on=T0 + dt.timedelta(days=14)))
        self.add(cm.InformalCarer(
            organisation=ctx.org, holder=own[0], name="Sandra de Wit", relation="dochter",
            may_do="Administratie, medicijnen klaarzetten",
            can_do="Insuline spuiten (na instructie)", wants_to_do="Twee avonden per week",
            support_needed="Een vast aanspreekpunt bij de wijkverpleging",
            agreed_on=T0 - dt.timedelta(days=170), review_on=T0 + dt.timedelta(days=10),
            reserved_act=True, reserved_act_description="Insuline spuiten", both_want=True,
            competent=None, professional_agreements="Wijkverpleegkundige is aanspreekpunt",
            recorded_by_id=coach_user.id))
        neighbour = self.add(cm.InformalCarer(
            organisation=ctx.org, holder=own[1], name="Henk Bos", relation="buurman",
            may_do="Boodschappen", can_do="Boodschappen, klusjes", wants_to_do="Eens per week",
            agreed_on=T0 - dt.timedelta(days=60), review_on=add_months(T0 - dt.timedelta(days=60), 6),
            recorded_by_id=coach_user.id))
        self.add(cm.CarerOverload(
            organisation=ctx.org, carer=neighbour, signalled_on=T0 - dt.timedelta(days=9),
            description="Buurman is zelf ziek geweest en voelt zich overvraagd.",
            respite_option=cm.RespiteOption.home_respite, follow_up_on=T0 + dt.timedelta(days=5),
            recorded_by_id=coach_user.id))

    # ---- concerns, privacy requests, outreach ------------------------------------------------

    def concerns(self, ctx: OrgCtx, few: bool = False) -> None:
        c = self.m["concerns"]
        K, S = c.ConcernKind, c.ConcernStatus
        raiser = ctx.users.get("projectleider") or ctx.users.get("coach2")
        raised_by = raiser.id if raiser else None
        now = self.now
        self.add(c.Concern(
            organisation=ctx.org, kind=K.few_requests, status=S.open, raised_by_id=raised_by,
            raised_at=now - dt.timedelta(days=6),
            description="Uit de wijk Overvecht al drie maanden geen aanvragen voor een Hulpkaart; "
                        "voorstel: voorlichting bij het buurtteam en de huisartsen." if not few else
                        "Weinig aanmeldingen sinds de zomer; bekendheid bij de huisartsen navragen."))
        if few:
            return
        own = [h for h in ctx.holders if h.coach is ctx.coaches[0]] or ctx.holders
        coach_user = ctx.users.get("coach")
        self.add(c.Concern(
            organisation=ctx.org, kind=K.holder_wellbeing, status=S.in_progress, holder=own[0],
            coach=own[0].coach, raised_by_id=coach_user.id if coach_user else raised_by,
            raised_at=now - dt.timedelta(days=12),
            description="Houder zegt afspraken af en klinkt somber aan de telefoon. Met toestemming "
                        "contact opgenomen met de eerste contactpersoon."))
        self.add(c.Concern(
            organisation=ctx.org, kind=K.coach_dissatisfied, status=S.resolved,
            coach=ctx.coaches[1] if len(ctx.coaches) > 1 else None, raised_by_id=raised_by,
            raised_at=now - dt.timedelta(days=70),
            description="Coach voelt zich alleen staan bij een lastige casus.",
            resolution="Besproken in de intervisie; een ervaren coach is maatje geworden.",
            resolved_at=now - dt.timedelta(days=40)))
        self.add(c.Concern(
            organisation=ctx.org, kind=K.requester_dissatisfied, status=S.resolved,
            raised_by_id=raised_by, raised_at=now - dt.timedelta(days=30),
            description="Hulpvrager klaagt dat de vrijwilliger niet op de afgesproken tijd kwam.",
            resolution="Excuses gemaakt; met de vrijwilliger besproken hoe hij afzegt.",
            resolved_at=now - dt.timedelta(days=25)))

    def privacy_requests(self, ctx: OrgCtx) -> None:
        p = self.m["privacy"]
        K, S = p.PrivacyRequestKind, p.PrivacyRequestStatus
        officer = ctx.users.get("privacy")
        handled = officer.id if officer else None
        holder = ctx.holders[min(5, len(ctx.holders) - 1)]
        received = self.days_ago(10, 18)
        self.add(p.PrivacyRequest(
            organisation=ctx.org, kind=K.access, status=S.in_progress, holder=holder,
            requester_name=f"{holder.first_name} {holder.last_name}",
            details="Wil weten welke gegevens er over hem/haar zijn vastgelegd en wie ze heeft ingezien.",
            received_on=received, due_on=add_months(received, 1), handled_by_id=handled,
            channel=p.PrivacyChannel.letter, identity_checked_on=received + dt.timedelta(days=2),
            identity_checked_by_id=handled, identity_method="Kopie identiteitsbewijs gezien"))
        gone = next((v for v in ctx.volunteers if v.status is self.m["volunteers"].VolunteerStatus.inactive), None)
        received = self.days_ago(60, 90)
        self.add(p.PrivacyRequest(
            organisation=ctx.org, kind=K.erasure, status=S.completed, volunteer=gone,
            requester_name=f"{gone.first_name} {gone.last_name}" if gone else "Oud-vrijwilliger",
            details="Oud-vrijwilliger vraagt om verwijdering van zijn gegevens.",
            received_on=received, due_on=add_months(received, 1), handled_by_id=handled,
            channel=p.PrivacyChannel.email, identity_checked_on=received + dt.timedelta(days=1),
            identity_checked_by_id=handled, identity_method="Teruggebeld op het bekende nummer",
            completed_on=received + dt.timedelta(days=12), response_channel=p.ResponseChannel.letter,
            response_sent_on=received + dt.timedelta(days=12),
            outcome="Gegevens verwijderd voor zover er geen bewaarplicht is; bevestiging per brief."))
        contact = next((cp for cp in self.objects if type(cp).__name__ == "ContactPerson"
                        and cp.organisation is ctx.org), None)
        if contact is not None:
            received = self.days_ago(2, 5)
            self.add(p.PrivacyRequest(
                organisation=ctx.org, kind=K.rectification, status=S.received, contact_person=contact,
                requester_name=str(contact.name),
                details="Telefoonnummer van de contactpersoon is veranderd.",
                received_on=received, due_on=add_months(received, 1),
                channel=p.PrivacyChannel.phone))

    def outreach(self, ctx: OrgCtx, small: bool = False) -> None:
        pm = self.m["partners"]
        Ch = pm.Channel
        rows = [
            (ctx.partners.get("church"), None, "Diaken", Ch.meeting, "elk kwartaal",
             "Vrijwilligers werven in de gemeente"),
            (ctx.partners.get("welfare"), None, "Coördinator maatjesprojecten", Ch.email, "maandelijks",
             "Doorverwijzingen afstemmen"),
        ]
        if not small:
            rows += [
                (ctx.partners.get("neighbourhood_team"), None, "Teamleider", Ch.meeting, "elke zes weken",
                 "Hulpkaart onder de aandacht brengen bij cliënten"),
                (ctx.partners.get("care"), None, "Wijkverpleegkundige", Ch.phone, "elk half jaar",
                 "Signalen van vereenzaming doorgeven"),
                (None, "Huisartsenpraktijk Lombok", "Praktijkondersteuner GGZ", Ch.visit, "elk half jaar",
                 "Folders en uitleg over de Hulpkaart"),
                (None, "Politie Basisteam Utrecht-Noord", "Wijkagent", Ch.meeting, "jaarlijks",
                 "Uitleg over de Hulpkaart en de meldkamerregistratie"),
                (None, "Bibliotheek Utrecht, Neude", "Organisator Digicafé", Ch.email, "jaarlijks",
                 "Voorlichtingsbijeenkomst voor bezoekers"),
            ]
        St = pm.OutreachStatus
        for i, (partner, org_name, role, channel, freq, purpose) in enumerate(rows):
            first, last, _ = self.person()
            last_on = self.days_ago(10, 120)
            # The first row is due (a few days late), the second soon; the rest spread out.
            offset = self.rng.randint(-7, 90)
            offset = (-3, 5)[i] if i < 2 else offset
            status = (St.in_conversation, St.contacted, St.agreed, St.planned, St.on_hold)[i % 5]
            self.add(pm.OutreachContact(
                organisation=ctx.org, partner=partner,
                organisation_name=partner.name if partner else org_name,
                person=partner.contact_name if partner and partner.contact_name else f"{first} {last}",
                person_role=role, channel=channel, frequency=freq, purpose=purpose,
                last_contact_on=last_on, status=status,
                owner=ctx.users.get("projectleider") if i % 2 == 0 else None,  # None: the leaders
                next_step=("Afspraak maken voor een kennismaking" if status is St.planned
                           else "Terugbellen over de vervolgafspraak"),
                next_contact_on=self.today + dt.timedelta(days=offset),
            ))

    # ---- household-help assessment: an example norm table and one advice ----------------

    def household(self, ctx: OrgCtx) -> None:
        """An example norm table (the protocol's norms are not public: each organisation fills
        in those of its municipality) and one assessment walked to an advice."""
        from app.household.models import HouseholdNorm, HouseholdSurcharge
        from security.audit import Actor
        from workflows import household as flow

        label = "voorbeeld — vul in met de normen van uw gemeente"
        norms = [self.add(HouseholdNorm(organisation=ctx.org, activity=f"Voorbeeld: {name}",
                                        minutes=minutes, times_per_week=Decimal(times)))
                 for name, minutes, times in (
                     ("licht huishoudelijk werk (opruimen, afwassen)", 30, "5"),
                     ("zwaar huishoudelijk werk (stofzuigen, dweilen, sanitair)", 90, "1"),
                     ("bedden verschonen", 20, "1"),
                     ("wasverzorging", 30, "2"),
                     ("boodschappen doen", 45, "1"))]
        for name, percent in (("grote woning", 10), ("huisdieren", 10)):
            self.add(HouseholdSurcharge(organisation=ctx.org, name=f"Voorbeeld: {name}",
                                        percent=percent, description=label))
        self.stage()
        self.session.flush()
        user = ctx.users.get("helpdesk")
        by = Actor(user.id if user else None, user.username if user else "demo", ctx.org.id)
        req = next((r for r in ctx.requests if r.status.name in ("intake", "accepted")),
                   ctx.requests[0])
        assessment = flow.start(self.session, help_request=req, by=by,
                                today=self.today - dt.timedelta(days=3))
        heavy, linen, laundry = norms[1].id, norms[2].id, norms[3].id
        for step, value, reason in (
            ("dysfunction", "yes", "De woning raakt vervuild: sanitair en vloeren worden niet "
                                   "meer schoongemaakt."),
            ("residence", "independent", "Woont alleen in een eengezinswoning."),
            ("guidance", "household", "Regelt zelf wat er moet gebeuren; het uitvoeren lukt niet."),
            ("tasks", [heavy, linen, laundry], "Kan na een heupoperatie niet bukken of tillen; "
                                               "licht werk en boodschappen lukken wel."),
            ("housemates", "none", "Geen huisgenoten; de kinderen wonen ver weg."),
            ("provisions", "yes", "Heeft een wasmachine met droger; de was zelf lukt niet."),
            ("provision_tasks", [laundry], "Wasdroger en wasservice van de supermarkt nemen de "
                                           "was over."),
            ("instruction", "no", "Er valt niets aan te leren: het gaat om de lichamelijke "
                                  "beperking."),
            ("rehabilitation", "yes", "Revalideert; de fysiotherapeut verwacht herstel binnen "
                                      "drie maanden."),
            ("dust_mite", "no", "Geen allergie bekend."),
            ("surcharges", [], "Gewone woning, geen huisdieren."),
        ):
            flow.answer(self.session, assessment, step, value, reason, by=by)
        flow.complete(self.session, assessment, by=by, today=self.today,
                      temporary_until=self.today + dt.timedelta(days=91))
        self.counts["HouseholdAssessment"] = self.counts.get("HouseholdAssessment", 0) + 1
