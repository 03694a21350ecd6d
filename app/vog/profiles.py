"""Justis screening profiles a VOG for a volunteer is requested for: codes and Dutch labels.

One place for the choices (forms, API, workflow check, display). A VOG NP is requested either
for a specific profile (45: health care and welfare) or for the general profile with one or
more functional aspects; for neighbourhood help with vulnerable people that is the risk area
"Personen" (84/85), often with money (21) and confidential information (12). Stored in
``VogCheck.screening_profile`` as comma-separated codes (e.g. ``"85,21"``).
"""

from __future__ import annotations

SCREENING_PROFILES = {
    "45": "Specifiek profiel 45: Gezondheidszorg en welzijn van mens en dier",
    "84": "Personen (84): belast zijn met de zorg voor minderjarigen",
    "85": "Personen (85): belast zijn met de zorg voor hulpbehoevende personen, "
          "zoals ouderen en gehandicapten",
    "12": "Informatie (12): met gevoelige/vertrouwelijke informatie omgaan",
    "21": "Geld (21): met contante en/of girale gelden en/of waardepapieren omgaan",
    "37": "Goederen (37): het beschikken over goederen",
}
DEFAULT_PROFILE = "85"


def profile_codes(value: str | None) -> list[str]:
    return [c.strip() for c in (value or "").split(",") if c.strip()]


def unknown_codes(value: str | None) -> list[str]:
    return [c for c in profile_codes(value) if c not in SCREENING_PROFILES]


def profile_label(value: str | None) -> str:
    """Dutch text for a stored value; free text from before the code list is shown as is."""
    codes = profile_codes(value)
    if codes and not unknown_codes(value):
        return "; ".join(SCREENING_PROFILES[c] for c in codes)
    return value or ""
