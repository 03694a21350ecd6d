"""Dutch 4-digit postcode (PC4) centroids and distances between them.

The centroids come from the CSV that ``PC4_DATA`` names (columns ``postcode``, ``latitude``,
``longitude``; ``woonplaats`` when present). It is read once per process and path. A grid of
about 5 × 5 km cells over the centroids answers "which PC4 areas lie within R km of this
one" without measuring all ~4,000 of them: matching (workflows/helpdesk/matching.py) turns that into
an indexed ``volunteer.pc4 IN (…)`` prefilter.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from functools import lru_cache

from flask import current_app

EARTH_RADIUS_KM = 6371.0088
CELL_DEG_LAT = 0.05  # ≈ 5.6 km
CELL_DEG_LON = 0.08  # ≈ 5.5 km at 52° north


class Pc4DataError(Exception):
    """The PC4 file is missing or unusable; the message is one clear Dutch line."""


@dataclass(frozen=True)
class Place:
    code: str
    town: str
    lat: float
    lon: float


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def _cell(lat: float, lon: float) -> tuple[int, int]:
    return math.floor(lat / CELL_DEG_LAT), math.floor(lon / CELL_DEG_LON)


class Pc4Index:
    """The centroids of one file, bucketed in a lat/lon grid."""

    def __init__(self, places: dict[str, Place]):
        self.places = places
        self.cells: dict[tuple[int, int], list[Place]] = {}
        for place in places.values():
            self.cells.setdefault(_cell(place.lat, place.lon), []).append(place)
        # Per (code, inner, outer): the ring of codes, cached; a few MB at most.
        self.ring = lru_cache(maxsize=8192)(self._ring)

    def get(self, code: str | None) -> Place | None:
        return self.places.get((code or "").strip())

    def distance_km(self, a: str | None, b: str | None) -> float | None:
        pa, pb = self.get(a), self.get(b)
        if pa is None or pb is None:
            return None
        return haversine_km(pa.lat, pa.lon, pb.lat, pb.lon)

    def within(self, code: str, radius_km: float) -> dict[str, float]:
        """code -> distance for every PC4 at most ``radius_km`` from ``code`` (itself too)."""
        return dict(self.ring(code, -1.0, float(radius_km)))

    def _ring(self, code: str, inner_km: float, outer_km: float) -> tuple[tuple[str, float], ...]:
        """(code, km) of the PC4s with inner < distance <= outer from ``code``."""
        origin = self.places.get(code)
        if origin is None:
            return ()
        dlat = outer_km / 111.0
        north = min(89.0, abs(origin.lat) + dlat)
        dlon = outer_km / (111.32 * math.cos(math.radians(north)))
        lat0, lon0 = _cell(origin.lat - dlat, origin.lon - dlon)
        lat1, lon1 = _cell(origin.lat + dlat, origin.lon + dlon)
        found = []
        for i in range(lat0, lat1 + 1):
            for j in range(lon0, lon1 + 1):
                for place in self.cells.get((i, j), ()):
                    d = haversine_km(origin.lat, origin.lon, place.lat, place.lon)
                    if inner_km < d <= outer_km:
                        found.append((place.code, d))
        return tuple(found)


def read_places(path: str | None) -> dict[str, Place]:
    """code -> Place for every usable row of the CSV; Pc4DataError when it is unusable."""
    if not path:
        raise Pc4DataError("PC4_DATA is niet ingesteld (het pad naar nl-pc4.csv)")
    places: dict[str, Place] = {}
    try:
        with open(path, newline="", encoding="utf-8") as fh:
            reader = csv.DictReader(fh)
            missing = {"postcode", "latitude", "longitude"} - set(reader.fieldnames or ())
            if missing:
                raise Pc4DataError(
                    f"Het PC4-bestand {path} mist de kolom(men) {', '.join(sorted(missing))}")
            for row in reader:
                code = (row.get("postcode") or "").strip()
                if len(code) != 4 or not code.isdigit():
                    continue
                try:
                    lat, lon = float(row["latitude"]), float(row["longitude"])
                except (TypeError, ValueError):
                    continue
                if not (-90 <= lat <= 90 and -180 <= lon <= 180):
                    continue
                town = (row.get("woonplaats") or "").strip()
                places.setdefault(code, Place(code, town, lat, lon))
    except FileNotFoundError:
        raise Pc4DataError(f"Het PC4-bestand is niet gevonden: {path} (zet PC4_DATA)") from None
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise Pc4DataError(f"Het PC4-bestand {path} is niet te lezen: {exc}") from None
    if not places:
        raise Pc4DataError(f"Het PC4-bestand {path} bevat geen bruikbare postcodes")
    return places


@lru_cache(maxsize=4)
def _index_for(path: str) -> Pc4Index:
    return Pc4Index(read_places(path))


def index(path: str | None = None) -> Pc4Index:
    """The grid of the configured file (``PC4_DATA``), built once per process."""
    path = path or current_app.config.get("PC4_DATA")
    if not path:
        raise Pc4DataError("PC4_DATA is niet ingesteld (het pad naar nl-pc4.csv)")
    return _index_for(str(path))


def centroid(pc4: str | None) -> Place | None:
    """The centroid of a PC4 area, None when the file does not know it."""
    return index().get(pc4)


def distance_km(a: str | None, b: str | None) -> float | None:
    """Distance between two PC4 centroids in km, None when one of them is unknown."""
    return index().distance_km(a, b)
