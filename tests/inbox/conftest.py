import pytest

from staff.choices import Role
from tests.staff.factories import UserFactory


@pytest.fixture
def colleague(db):
    """Another member of staff, whose messages nobody else may see."""
    return UserFactory(username="colleague", full_name="孙同事", role=Role.FRONT_DESK)
