import pytest

from hemicycle.sittings.testing import build_sitting_world

from .helpers import member_user


@pytest.fixture
def sw(world):
    """A council of 9 members ([0] is the president, the world's member user), a planned sitting
    in 20 days with 3 acts on its agenda."""
    return build_sitting_world(world, members=9, acts=3)


@pytest.fixture
def colleague(world, sw):
    """A member who is not the president, with an account: sw.members[1]."""
    return member_user(world, sw.members[1], "elu-collegue")
