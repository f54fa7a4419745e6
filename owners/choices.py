from django.db import models
from django.utils.translation import gettext_lazy as _


class EstateKind(models.TextChoices):
    RESIDENTIAL = "residential", _("Residential estate")
    OFFICE = "office", _("Office building")
    INDUSTRIAL = "industrial", _("Industrial park")
    COMMERCIAL = "commercial", _("Commercial property")


class RoomUse(models.TextChoices):
    HOME = "home", _("Residence")
    SHOP = "shop", _("Shop")
    OFFICE = "office", _("Office")
    PARKING = "parking", _("Parking space")
    STORAGE = "storage", _("Storage")
    OTHER = "other", _("Other")


class RoomStatus(models.TextChoices):
    VACANT = "vacant", _("Vacant")
    OCCUPIED = "occupied", _("Occupied by owner")
    RENTED = "rented", _("Rented out")
    RENOVATING = "renovating", _("Under renovation")


class PartyKind(models.TextChoices):
    PERSON = "person", _("Person")
    COMPANY = "company", _("Company")


class Gender(models.TextChoices):
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")
    UNKNOWN = "", _("Not given")


class IdType(models.TextChoices):
    RESIDENT_ID = "resident_id", _("Resident identity card")
    PASSPORT = "passport", _("Passport")
    HK_MACAO_PERMIT = "hk_macao_permit", _(
        "Mainland travel permit for Hong Kong and Macao residents")
    TAIWAN_PERMIT = "taiwan_permit", _("Mainland travel permit for Taiwan residents")
    HMT_RESIDENCE = "hmt_residence", _("Residence permit for Hong Kong, Macao and Taiwan residents")
    FOREIGN_PERMANENT = "foreign_permanent", _("Foreign permanent resident ID card")
    OTHER = "other", _("Other document")


class PhoneKind(models.TextChoices):
    MOBILE = "mobile", _("Mobile")
    LANDLINE = "landline", _("Landline")
    SERVICE = "service", _("400/800 number")
    OTHER = "other", _("Other")


class ContactChannel(models.TextChoices):
    PHONE = "phone", _("Phone call")
    SMS = "sms", _("Text message")
    WECHAT = "wechat", _("WeChat")
    EMAIL = "email", _("E-mail")
    VISIT = "visit", _("In person")


class MoveInState(models.TextChoices):
    NOT_MOVED_IN = "not_moved_in", _("Not moved in")
    MOVED_IN = "moved_in", _("Moved in")
    MOVED_OUT = "moved_out", _("Moved out")


class OccupantRelation(models.TextChoices):
    TENANT = "tenant", _("Tenant")
    FAMILY = "family", _("Family member")
    COMPANY_STAFF = "company_staff", _("Company staff")
    OTHER = "other", _("Other occupant")


class ActivityKind(models.TextChoices):
    VISIT = "visit", _("Visit")
    CALL = "call", _("Phone call")
    NOTE = "note", _("Note")
    FEEDBACK = "feedback", _("Owner feedback")
    HOUSEHOLD = "household", _("Household change")
    TICKET = "ticket", _("Service ticket")
    EVENT = "event", _("Appointment or meeting")
    OTHER = "other", _("Other")
