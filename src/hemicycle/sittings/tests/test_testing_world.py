from hemicycle.sittings.testing import build_sitting_world


def test_sitting_world(world):
    sw = build_sitting_world(world, members=9)
    assert sw.assembly.seat_count == 9 and len(sw.members) == 9
    assert [i.position for i in sw.items] == [1, 2, 3, 4]
    assert all(a.state == "ready" or a.state == "on_agenda" for a in sw.acts)
    assert sw.assembly.regime.convocation_days == 5
