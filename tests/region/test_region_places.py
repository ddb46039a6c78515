"""``where`` at real places, checked against what a chart shows."""

from __future__ import annotations

import pytest

from channelwatch.region import Region, load_region


@pytest.fixture(scope="module")
def region() -> Region:
    return load_region()


def test_100_m_off_hardelot_beach(region: Region) -> None:
    # Hardelot beach (50.6369N 1.5762E on the high-water line); the coast runs north-south, so
    # 0.00141 deg of longitude west is 100 m out to sea.
    w = region.where(50.636876, 1.57475).to_dict()
    assert w["on_land"] is False
    assert w["distance_to_coast_m"] == pytest.approx(100, abs=15)
    assert w["coast_country"] == "FR"
    assert w["in_strip_200m"] and w["in_strip_300m"]
    assert w["territorial_sea"] == "FR"
    assert w["sar_region"] == "FR" and w["sar_centre"] == "CROSS Gris-Nez"
    assert w["tss"]["element"] == "inshore_traffic_zone" and w["tss"]["approximate"] is True
    assert w["nearest_beach"]["name"].startswith("Hardelot")
    assert w["nearest_beach"]["distance_m"] < 120


def test_250_m_off_hardelot_is_in_the_300_m_strip_only(region: Region) -> None:
    w = region.where(50.636876, 1.57262).to_dict()
    assert 200 < w["distance_to_coast_m"] < 300
    assert not w["in_strip_200m"] and w["in_strip_300m"]


def test_south_west_bound_lane_mid_strait(region: Region) -> None:
    w = region.where(51.05, 1.45).to_dict()
    assert w["on_land"] is False
    assert w["tss"]["element"] == "lane"
    assert w["tss"]["direction_deg"] == pytest.approx(221.6)
    assert w["territorial_sea"] == "GB" and w["sar_region"] == "GB"
    assert w["sar_centre"] == "HM Coastguard Dover"
    assert 5_000 < w["distance_to_coast_m"] < 20_000


def test_north_east_bound_lane_mid_strait(region: Region) -> None:
    w = region.where(50.98, 1.55).to_dict()
    assert w["tss"]["element"] == "lane"
    assert w["tss"]["direction_deg"] == pytest.approx(43.7)
    assert w["territorial_sea"] == "FR" and w["sar_region"] == "FR"


def test_separation_zone(region: Region) -> None:
    w = region.where(51.02, 1.50).to_dict()
    assert w["tss"]["element"] == "separation_zone"
    assert "direction_deg" not in w["tss"]


def test_off_dover_harbour(region: Region) -> None:
    w = region.where(51.105, 1.34).to_dict()
    assert w["on_land"] is False
    assert w["coast_country"] == "GB"
    assert 500 < w["distance_to_coast_m"] < 2_000
    assert not w["in_strip_300m"]  # the strips are French and Belgian
    assert w["tss"]["element"] == "inshore_traffic_zone"
    assert w["nearest_beach"]["name"].startswith("Dover")
    names = [s["name"] for s in w["nearest_stations"]]
    assert any("Dover" in n for n in names)
    dover = next(s for s in w["nearest_stations"] if "Dover Lifeboat" in s["name"])
    # Severn class, 25 kn: ETA = distance / 25 kn
    assert dover["eta_min"] == pytest.approx(dover["distance_nm"] / 25 * 60, abs=0.2)


def test_inland_calais(region: Region) -> None:
    w = region.where(50.9513, 1.8587).to_dict()  # Calais town centre
    assert w["on_land"] is True
    assert w["territorial_sea"] is None
    assert not w["in_strip_200m"] and not w["in_strip_300m"]
    assert w["coast_country"] == "FR"
    assert 500 < w["distance_to_coast_m"] < 3_000


def test_belgian_coast_strip(region: Region) -> None:
    # 150 m off De Panne beach (Belgium): the coast runs SW-NE; find the point by moving out
    lat, lon = 51.1035, 2.5635
    w = region.where(lat, lon).to_dict()
    assert w["coast_country"] == "BE"
    assert w["territorial_sea"] == "BE"
    assert w["in_strip_300m"] == (w["distance_to_coast_m"] <= 300 and not w["on_land"])


def test_mid_channel_beyond_territorial_seas(region: Region) -> None:
    w = region.where(50.25, 0.3).to_dict()  # mid-Channel south of Beachy Head
    assert w["on_land"] is False
    assert w["territorial_sea"] is None
    assert w["distance_to_coast_m"] > 22_000  # beyond 12 nm of any coast


def test_sar_line_published_part_is_marked(region: Region) -> None:
    fr = next(r for r in region.sar_regions if r.code == "FR")
    assert fr.published is False and "1988" in fr.derivation
    assert region.sar_line.length > 0


def test_unverified_station_facts_keep_their_marking(region: Region) -> None:
    by_name = {s.name: s for s in region.stations}
    assert by_name["SNSM Calais"].verified is False  # "boats/speeds not found"
    assert by_name["Dover Lifeboat Station"].verified is True
    assert by_name["Dover Lifeboat Station"].max_speed_kn == 25
    assert by_name["SNSM Calais"].max_speed_kn is None


def test_beaches_roles(region: Region) -> None:
    roles = {b.role for b in region.beaches}
    assert roles == {"embarkation", "landing"}
    assert all(b.country == "FR" for b in region.beaches if b.role == "embarkation")
