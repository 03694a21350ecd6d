"""PC4 centroids and distances (app/core/geo.py)."""

from __future__ import annotations

import random

import pytest

from app.core import geo


def test_haversine_known_distances():
    assert geo.haversine_km(52.0, 5.0, 52.0, 5.0) == 0
    # Amsterdam Dam to Utrecht Dom: about 35 km as the crow flies.
    assert 34 < geo.haversine_km(52.3731, 4.8926, 52.0907, 5.1214) < 36
    # One degree of latitude is about 111 km.
    assert geo.haversine_km(52.0, 5.0, 53.0, 5.0) == pytest.approx(111.2, abs=0.2)


def test_centroids_from_the_configured_file(app):
    with app.app_context():
        utrecht = geo.centroid("3511")
        assert utrecht is not None and utrecht.town == "Utrecht"
        assert 51.9 < utrecht.lat < 52.2 and 5.0 < utrecht.lon < 5.2
        assert geo.centroid("0000") is None and geo.centroid(None) is None
        assert geo.distance_km("3511", "3511") == 0
        assert 30 < geo.distance_km("3511", "1012") < 40
        assert geo.distance_km("3511", "9999x") is None
        assert geo.index() is geo.index()  # read once per process


def test_rings_equal_measuring_every_centroid(app):
    with app.app_context():
        index = geo.index()
        codes = sorted(index.places)
        rng = random.Random(8)
        for code in rng.sample(codes, 25):
            for inner, outer in ((-1.0, 3.0), (3.0, 12.0), (25.0, 50.0), (-1.0, 100.0)):
                origin = index.places[code]
                expected = {c: geo.haversine_km(origin.lat, origin.lon, p.lat, p.lon)
                            for c, p in index.places.items()}
                expected = {c: d for c, d in expected.items() if inner < d <= outer}
                assert dict(index.ring(code, inner, outer)) == expected
        assert index.within("3511", 5)["3511"] == 0
        assert index.ring("not-a-code", -1.0, 10.0) == ()


def test_a_missing_or_malformed_file_gives_a_clear_dutch_error(tmp_path):
    with pytest.raises(geo.Pc4DataError, match="niet gevonden"):
        geo.read_places(str(tmp_path / "nope.csv"))
    with pytest.raises(geo.Pc4DataError, match="niet ingesteld"):
        geo.read_places("")
    bad = tmp_path / "bad.csv"
    bad.write_text("postcode,lat,lon\n3511,52.1,5.1\n", encoding="utf-8")
    with pytest.raises(geo.Pc4DataError, match="mist de kolom"):
        geo.read_places(str(bad))
    empty = tmp_path / "empty.csv"
    empty.write_text("postcode,latitude,longitude\nabcd,x,y\n35,52,5\n", encoding="utf-8")
    with pytest.raises(geo.Pc4DataError, match="geen bruikbare postcodes"):
        geo.read_places(str(empty))
    binary = tmp_path / "binary.csv"
    binary.write_bytes(b"\xff\xfe\x00postcode")
    with pytest.raises(geo.Pc4DataError, match="niet te lezen"):
        geo.read_places(str(binary))
    good = tmp_path / "good.csv"
    good.write_text('postcode,woonplaats,latitude,longitude\n3511,"Utrecht",52.09,5.12\n'
                    "3512,,bad,5.1\n", encoding="utf-8")
    assert geo.read_places(str(good)) == {"3511": geo.Place("3511", "Utrecht", 52.09, 5.12)}
