"""REST resources of the calendar: events (a range expanded into occurrences, and the
events themselves) and one's own invitations.

``GET /events/?start=&end=`` answers the caller's calendar (or colleagues' with
``users=``) as occurrences, at most 62 days at a time; a colleague's event the caller may
not read comes back as "busy" only: no id, no title, no place. Writes call the same
services as the pages: a double booking is 409 with the conflicts listed (send
``confirm_conflicts`` to book anyway where the kind's policy only warns), a stale
``version`` is 409, a change the caller may not make 403.
"""

from contextlib import contextmanager
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.settings import api_settings

from owners.selectors import party_list_for_user, room_list_for_user
from portal.inputs import ApiDateTimeField, BadInput, parse_moment
from service_tickets.selectors import ticket_list_for_user

from . import selectors, services
from .choices import EventKind
from .choices import Response as Answer
from .models import Attendance, Event

User = get_user_model()
MAX_RANGE_DAYS = 62
MAX_USERS = 50
SCOPES = [("all", "all"), ("this", "this"), ("following", "following")]


class Conflicting(Exception):
    """A double booking, answered 409 with the conflicts listed."""

    def __init__(self, body: dict):
        super().__init__(body.get("detail"))
        self.body = body


def conflicts_body(viewer, exc: services.ConflictError) -> dict:
    """The 409 answer: who is busy when, the title only where the caller may read it."""
    rows = []
    for conflict in exc.conflicts:
        occurrence = conflict.occurrence
        event = occurrence.event
        visible = (event.organizer_id == viewer.pk
                   or selectors.may_see_details(viewer, conflict.user, event))
        rows.append({
            "user": conflict.user.pk, "user_name": conflict.user.display_name,
            "title": occurrence.title if visible else _("Busy"),
            "start": timezone.localtime(occurrence.start).isoformat(),
            "end": timezone.localtime(occurrence.end).isoformat(),
        })
    return {"detail": " ".join(exc.messages), "code": "conflict",
            "blocking": bool(exc.blocking), "conflicts": rows}


@contextmanager
def answers(viewer):
    """What a service refuses, as the API's answers (409, 403, 400)."""
    try:
        yield
    except services.ConflictError as exc:  # ValidationErrors: caught first
        raise Conflicting(conflicts_body(viewer, exc)) from exc
    except services.StaleEventError as exc:
        raise Conflicting({"detail": " ".join(exc.messages), "code": "stale_version"}) from exc
    except DjangoPermissionDenied as exc:
        raise PermissionDenied(str(exc) or None) from exc
    except DjangoValidationError as exc:
        if hasattr(exc, "error_dict"):
            raise serializers.ValidationError({
                (api_settings.NON_FIELD_ERRORS_KEY if name == "__all__" else name): msgs
                for name, msgs in exc.message_dict.items()}) from exc
        raise serializers.ValidationError({api_settings.NON_FIELD_ERRORS_KEY:
                                           exc.messages}) from exc


class SeesCalendar(BasePermission):
    """Reading calendars needs ``view_event``; what each write may do, its service decides
    (and ``add_event`` for new events)."""

    def has_permission(self, request, view):
        user = request.user
        if not (user and user.is_authenticated and user.has_perm("scheduling.view_event")):
            return False
        if view.action == "create":
            return user.has_perm("scheduling.add_event")
        return True


# --- serializers ---------------------------------------------------------------------------

class OccurrenceSerializer(serializers.Serializer):
    user = serializers.IntegerField(help_text="Whose calendar the occurrence is in")
    event_id = serializers.IntegerField(allow_null=True,
                                        help_text="Empty when the caller sees only 'busy'")
    key = serializers.CharField(allow_null=True)
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()
    all_day = serializers.BooleanField()
    busy_only = serializers.BooleanField()
    title = serializers.CharField()
    place = serializers.CharField()
    kind = serializers.CharField(allow_blank=True)
    private = serializers.BooleanField()
    response = serializers.CharField(allow_null=True)


class RangeSerializer(serializers.Serializer):
    start = serializers.CharField(help_text="ISO date or date-time (local time if no offset)")
    end = serializers.CharField(help_text="ISO date or date-time, exclusive; at most 62 days "
                                "after start")
    users = serializers.CharField(required=False, help_text="Comma-separated staff ids "
                                  "(default: yourself)")

    @staticmethod
    def _moment(value: str, name: str) -> datetime:
        try:
            moment = parse_moment(value, allow_date=True)
        except BadInput as error:
            raise serializers.ValidationError({name: [str(error.message)]}) from None
        if moment is None:
            raise serializers.ValidationError({name: [_("Give a date or a date-time.")]})
        return moment

    def validate(self, attrs):
        start = self._moment(attrs["start"], "start")
        end = self._moment(attrs["end"], "end")
        if end <= start:
            raise serializers.ValidationError({"end": [_("The end must be after the start.")]})
        if end - start > timedelta(days=MAX_RANGE_DAYS):
            raise serializers.ValidationError({"end": [
                _("Ask for at most %(days)s days at a time.") % {"days": MAX_RANGE_DAYS}]})
        ids = []
        for part in (attrs.get("users") or "").split(","):
            part = part.strip()
            if not part:
                continue
            if not part.isdigit():
                raise serializers.ValidationError({"users": [_("Give staff ids.")]})
            ids.append(int(part))
        if len(ids) > MAX_USERS:
            raise serializers.ValidationError({"users": [
                _("Ask for at most %(count)s people at a time.") % {"count": MAX_USERS}]})
        return {"start": start, "end": end, "users": ids}


class AttendeeSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="user.display_name", read_only=True)

    class Meta:
        model = Attendance
        fields = ["user", "name", "response", "responded_at"]
        read_only_fields = fields


class CalendarEventSerializer(serializers.ModelSerializer):
    """An event with its details: only answered to those who may read them."""

    organizer_name = serializers.CharField(source="organizer.display_name", read_only=True)
    attendees = AttendeeSerializer(source="attendances", many=True, read_only=True)

    class Meta:
        model = Event
        fields = ["id", "kind", "title", "place", "notes", "start", "end", "all_day", "rrule",
                  "series_end", "private", "organizer", "organizer_name", "attendees",
                  "party", "room", "ticket", "cancelled_at", "version", "created_at",
                  "updated_at"]
        read_only_fields = fields


@extend_schema_field(OpenApiTypes.INT)
class _ScopedUser(serializers.PrimaryKeyRelatedField):
    """A related row the caller may see (the owning area's selector)."""

    def __init__(self, selector, **kwargs):
        self.selector = selector
        super().__init__(required=False, allow_null=True, **kwargs)

    def get_queryset(self):
        return self.selector(user=self.context["request"].user)


class _Colleagues(serializers.ManyRelatedField):
    """Active colleagues by id, read in one query (the stock field reads one per id)."""

    def to_internal_value(self, data):
        if isinstance(data, str) or not hasattr(data, "__iter__"):
            self.fail("not_a_list", input_type=type(data).__name__)
        if not self.allow_empty and len(data) == 0:
            self.fail("empty")
        child = self.child_relation
        ids = []
        for value in data:
            if isinstance(value, bool) or not isinstance(value, (int, str)) or \
                    not str(value).isdigit():
                child.fail("incorrect_type", data_type=type(value).__name__)
            ids.append(int(value))
        found = {user.pk: user for user in child.get_queryset().filter(pk__in=set(ids))}
        for pk in ids:
            if pk not in found:
                child.fail("does_not_exist", pk_value=pk)
        return [found[pk] for pk in dict.fromkeys(ids)]


class EventWriteSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=EventKind.choices)
    title = serializers.CharField(max_length=120)
    start = ApiDateTimeField()
    end = ApiDateTimeField()
    all_day = serializers.BooleanField(required=False, default=False)
    place = serializers.CharField(max_length=120, required=False, allow_blank=True)
    notes = serializers.CharField(required=False, allow_blank=True)
    rrule = serializers.CharField(max_length=300, required=False, allow_blank=True,
                                  help_text="RFC 5545 RRULE value, e.g. FREQ=WEEKLY;BYDAY=MO")
    private = serializers.BooleanField(required=False, default=False)
    attendees = _Colleagues(
        required=False,
        child_relation=serializers.PrimaryKeyRelatedField(
            queryset=User.objects.filter(is_active=True)))
    party = _ScopedUser(party_list_for_user)
    room = _ScopedUser(room_list_for_user)
    ticket = _ScopedUser(ticket_list_for_user)
    confirm_conflicts = serializers.BooleanField(
        required=False, default=False, write_only=True,
        help_text="Book although people are busy (where the kind's policy only warns)")


class EventUpdateSerializer(EventWriteSerializer):
    """Only the fields sent are changed."""

    version = serializers.IntegerField(help_text="The version you read")
    scope = serializers.ChoiceField(choices=SCOPES, required=False, default="all")
    occurrence_start = ApiDateTimeField(
        required=False, allow_null=True,
        help_text="Which occurrence (its original start) for scope this/following")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("kind", "title", "start", "end"):
            self.fields[name].required = False
        for name in ("all_day", "private"):
            self.fields[name].default = serializers.empty


class RespondSerializer(serializers.Serializer):
    response = serializers.ChoiceField(choices=Answer.choices,
                                       help_text="accepted, tentative or declined")

    def validate_response(self, value):
        if value == Answer.PENDING:
            raise serializers.ValidationError(_("Answer yes, no or maybe."))
        return value


class CancelSerializer(serializers.Serializer):
    scope = serializers.ChoiceField(choices=SCOPES, required=False, default="all")
    occurrence_start = ApiDateTimeField(required=False, allow_null=True)
    version = serializers.IntegerField(required=False, allow_null=True)


class AttendanceSerializer(serializers.ModelSerializer):
    event_title = serializers.CharField(source="event.title", read_only=True)
    event_start = serializers.DateTimeField(source="event.start", read_only=True)
    event_end = serializers.DateTimeField(source="event.end", read_only=True)
    event_rrule = serializers.CharField(source="event.rrule", read_only=True)
    event_cancelled = serializers.SerializerMethodField()
    organizer_name = serializers.CharField(source="event.organizer.display_name",
                                           read_only=True)

    class Meta:
        model = Attendance
        fields = ["id", "event", "event_title", "event_start", "event_end", "event_rrule",
                  "event_cancelled", "organizer_name", "response", "responded_at",
                  "created_at"]
        read_only_fields = fields

    def get_event_cancelled(self, obj) -> bool:
        return obj.event.cancelled_at is not None


# --- viewsets -------------------------------------------------------------------------------

def _occurrence_rows(calendars: dict) -> list[dict]:
    rows = []
    for user_id, items in calendars.items():
        for item in items:
            busy = bool(item.get("busy_only"))
            rows.append({
                "user": user_id, "event_id": None if busy else item["event_id"],
                "key": None if busy else item.get("key"), "start": item["start"],
                "end": item["end"], "all_day": bool(item.get("all_day")), "busy_only": busy,
                "title": _("Busy") if busy else item.get("title") or "",
                "place": "" if busy else item.get("place") or "",
                "kind": "" if busy else item.get("kind") or "",
                "private": False if busy else bool(item.get("private")),
                "response": None if busy else item.get("response"),
            })
    rows.sort(key=lambda row: (row["start"], row["end"], row["user"]))
    return rows


class EventViewSet(viewsets.GenericViewSet):
    """Calendar occurrences in a range; an event's details; create, change (PATCH),
    ``respond`` and ``cancel``."""

    permission_classes = [SeesCalendar]
    # A double booking or a stale version is refused with 409 (``Conflicting``).
    answers_conflict = True
    answers_conflict_on_create = True
    serializer_class = CalendarEventSerializer
    pagination_class = None
    queryset = Event.objects.none()

    def get_serializer_class(self):
        return {"create": EventWriteSerializer, "partial_update": EventUpdateSerializer,
                "update": EventUpdateSerializer, "respond": RespondSerializer,
                "cancel": CancelSerializer, "list": OccurrenceSerializer}.get(
                    self.action, CalendarEventSerializer)

    def _event(self, pk) -> Event:
        """The event if the caller may read its details; 404 otherwise (even when it
        exists: a private event's existence is not the caller's business)."""
        try:
            event = (Event.objects.select_related("organizer", "organizer__department")
                     .prefetch_related("attendances__user").get(pk=int(pk)))
        except (Event.DoesNotExist, ValueError, TypeError) as exc:
            raise Http404 from exc
        if not selectors.may_see_details(self.request.user, event.organizer, event):
            raise Http404
        return event

    def handle_exception(self, exc):
        if isinstance(exc, Conflicting):
            return Response(exc.body, status=status.HTTP_409_CONFLICT)
        return super().handle_exception(exc)

    @extend_schema(parameters=[
        OpenApiParameter("start", OpenApiTypes.STR, required=True),
        OpenApiParameter("end", OpenApiTypes.STR, required=True),
        OpenApiParameter("users", OpenApiTypes.STR)],
        responses=OccurrenceSerializer(many=True))
    def list(self, request):
        checked = RangeSerializer(data=request.query_params)
        checked.is_valid(raise_exception=True)
        data = checked.validated_data
        if data["users"]:
            users = list(User.objects.filter(pk__in=data["users"], is_active=True)
                         .select_related("department"))
        else:
            users = [request.user]
        calendars = selectors.calendar_for(viewer=request.user, users=users,
                                           start=data["start"], end=data["end"])
        return Response(OccurrenceSerializer(_occurrence_rows(calendars), many=True).data)

    def retrieve(self, request, pk=None):
        return Response(CalendarEventSerializer(self._event(pk)).data)

    @extend_schema(request=EventWriteSerializer, responses={201: CalendarEventSerializer})
    def create(self, request):
        serializer = EventWriteSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        values = dict(serializer.validated_data)
        with answers(request.user):
            event = services.event_create(by=request.user, **values)
        return Response(CalendarEventSerializer(self._event(event.pk)).data,
                        status=status.HTTP_201_CREATED)

    @extend_schema(request=EventUpdateSerializer, responses=CalendarEventSerializer)
    def partial_update(self, request, pk=None):
        event = self._event(pk)
        serializer = EventUpdateSerializer(data=request.data, context={"request": request},
                                           partial=True)
        serializer.is_valid(raise_exception=True)
        values = dict(serializer.validated_data)
        if "version" not in values:
            raise serializers.ValidationError({"version": [
                serializers.Field.default_error_messages["required"]]})
        with answers(request.user):
            changed = services.event_update(
                event_id=event.pk, by=request.user, expected_version=values.pop("version"),
                scope=values.pop("scope", "all"),
                occurrence_start=values.pop("occurrence_start", None),
                confirm_conflicts=values.pop("confirm_conflicts", False), **values)
        return Response(CalendarEventSerializer(self._event(changed.pk)).data)

    @extend_schema(request=EventUpdateSerializer, responses=CalendarEventSerializer)
    def update(self, request, pk=None):
        return self.partial_update(request, pk)

    @extend_schema(request=RespondSerializer, responses=AttendanceSerializer)
    @action(detail=True, methods=["post"])
    def respond(self, request, pk=None):
        event = self._event(pk)
        serializer = RespondSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with answers(request.user):
            attendance = services.attendance_respond(
                event_id=event.pk, user=request.user,
                response=serializer.validated_data["response"])
        return Response(AttendanceSerializer(attendance).data)

    @extend_schema(request=CancelSerializer, responses=CalendarEventSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        event = self._event(pk)
        serializer = CancelSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        with answers(request.user):
            services.event_cancel(event_id=event.pk, by=request.user, scope=data["scope"],
                                  occurrence_start=data.get("occurrence_start"),
                                  expected_version=data.get("version"))
        return Response(CalendarEventSerializer(self._event(event.pk)).data)


class AttendanceViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin,
                        viewsets.GenericViewSet):
    """The caller's own invitations, newest first (``?response=pending`` for those not
    answered)."""

    serializer_class = AttendanceSerializer
    queryset = Attendance.objects.none()
    cursor_ordering = ("-id",)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Attendance.objects.none()
        qs = (Attendance.objects.filter(user=self.request.user)
              .select_related("event", "event__organizer"))
        response = self.request.query_params.get("response")
        if response in Answer.values:
            qs = qs.filter(response=response)
        return qs


def register(router) -> None:
    router.register("events", EventViewSet, basename="event")
    router.register("attendances", AttendanceViewSet, basename="attendance")
