from .activity import Activity
from .committee import Committee, CommitteeMeeting, CommitteeMember
from .documents import DocumentKind, DocumentTemplate, ServiceDocument
from .exports import ListExport
from .people import Party, Pet, Phone, Tag, Vehicle
from .structure import Building, Estate, Room, Unit
from .tenure import Occupancy, Ownership

__all__ = [
    "Activity",
    "Building",
    "Committee",
    "CommitteeMeeting",
    "CommitteeMember",
    "DocumentKind",
    "DocumentTemplate",
    "Estate",
    "ListExport",
    "Occupancy",
    "Ownership",
    "Party",
    "Pet",
    "Phone",
    "Room",
    "ServiceDocument",
    "Tag",
    "Unit",
    "Vehicle",
]
