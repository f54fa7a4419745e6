from .activity import Activity
from .committee import Committee, CommitteeMeeting, CommitteeMember
from .people import Party, Pet, Phone, Tag, Vehicle
from .structure import Building, Estate, Room, Unit
from .tenure import Occupancy, Ownership

__all__ = [
    "Activity", "Building", "Committee", "CommitteeMeeting", "CommitteeMember", "Estate",
    "Occupancy", "Ownership", "Party", "Pet", "Phone", "Room", "Tag", "Unit", "Vehicle",
]
