"""REST resources of the service-ticket area: tickets with their work (escalation, chasing,
helpers, materials, labour, comments, complaint handling, files, dispatch suggestions),
follow-ups, the event search, notices, categories and territories.

State changes are actions (``POST /tickets/{id}/accept/``…) that call ``ticket_act``, and
every other write calls its service function, so the API obeys the same transition table,
territory rules, permissions and version checks as the pages. What a service refuses comes
back as 409 (the ticket's state or version does not allow it), 403 (the user may not) or
400 (the input is wrong), with the service's message.
"""

from contextlib import contextmanager

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Exists, OuterRef, prefetch_related_objects
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import APIException, PermissionDenied
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.settings import api_settings

from owners.api import InScopeRelationsMixin
from owners.models import Building, Estate, Party, Room
from portal.inputs import ApiDateTimeField
from staff.models import Department
from uploads.models import StoredFile
from workcalendar.clock import ConfirmedYears

from . import notices, services
from .choices import QUALITY_DIMENSIONS, Action, EventKind, Priority, Status, TicketType
from .dispatching import dispatch_candidates
from .escalation import escalate_by_hand
from .followups import follow_up_record
from .models import (
    Category,
    Escalation,
    FollowUp,
    Notice,
    NoticeCall,
    Territory,
    Ticket,
    TicketEvent,
    TicketMaterial,
)
from .selectors import (
    territory_list_for_user,
    ticket_actions_for,
    ticket_get_for_user,
    ticket_list_for_user,
)

User = get_user_model()
DIMENSIONS = [name for name, _label in QUALITY_DIMENSIONS]
COMPLAINT_INPUT = ("complained_department", "complained_staff", "complained_other",
                   "severity")


class TransitionRefused(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "transition_refused"


def _invalid(exc: DjangoValidationError, field: str | None = None
             ) -> serializers.ValidationError:
    """A service's ValidationError as a 400: per field when it names fields, else under
    ``field`` (the one input the endpoint takes) or the non-field key."""
    if hasattr(exc, "error_dict"):
        return serializers.ValidationError({
            (api_settings.NON_FIELD_ERRORS_KEY if name == "__all__" else name): messages
            for name, messages in exc.message_dict.items()})
    return serializers.ValidationError({field or api_settings.NON_FIELD_ERRORS_KEY:
                                        exc.messages})


@contextmanager
def _service_answers(field: str | None = None):
    """Translate what a service refuses into the API's answers (409, 403, 400)."""
    try:
        yield
    except services.TransitionError as exc:  # a ValidationError: caught first
        raise TransitionRefused(" ".join(exc.messages)) from exc
    except DjangoPermissionDenied as exc:
        raise PermissionDenied(str(exc) or None) from exc
    except DjangoValidationError as exc:
        raise _invalid(exc, field) from exc


def _visible(user, ticket_field: str = "ticket_id") -> Exists:
    """Rows whose ticket the user may see (the selector's territory rules, as a subquery)."""
    return Exists(ticket_list_for_user(user=user).filter(pk=OuterRef(ticket_field)))


class _InScope(InScopeRelationsMixin):
    """Related fields limited to what the user may see: rooms and people of their patch,
    and tickets as ``ticket_list_for_user`` gives them."""

    def scope_queryset(self, queryset, *, user):
        if queryset.model is Ticket:
            return queryset.filter(pk__in=ticket_list_for_user(user=user).values("pk"))
        if queryset.model is Territory:
            return queryset.filter(pk__in=territory_list_for_user(user=user).values("pk"))
        return super().scope_queryset(queryset, user=user)


def _filters(serializer_class, request) -> dict:
    """The list filters given in the query string, checked (400 on a malformed value, and
    on an id of something the user may not see)."""
    checked = serializer_class(data=request.query_params, context={"request": request})
    checked.is_valid(raise_exception=True)
    return {k: v for k, v in checked.validated_data.items() if v not in (None, "")}


# --- Catalogue ------------------------------------------------------------------------------

class CategorySerializer(serializers.ModelSerializer):
    class Meta:
        model = Category
        fields = ["id", "parent", "name", "code", "default_priority", "around_the_clock",
                  "dispatch_mode", "is_active"]


class TerritorySerializer(serializers.ModelSerializer):
    class Meta:
        model = Territory
        fields = ["id", "name", "estates", "buildings", "members"]


# --- Tickets --------------------------------------------------------------------------------

class EventSerializer(serializers.ModelSerializer):
    actor_name = serializers.CharField(source="actor.display_name", read_only=True,
                                       default=None)
    ticket_number = serializers.CharField(source="ticket.number", read_only=True)
    text = serializers.CharField(read_only=True, help_text=(
        "The event's description in the request's language: what the system said, else "
        "the note as written."))
    note = serializers.CharField(read_only=True, help_text=(
        "What the person typed (in events written before descriptions were kept as "
        "message ids, also what the system said)."))

    class Meta:
        model = TicketEvent
        fields = ["id", "ticket", "ticket_number", "kind", "action", "from_status",
                  "to_status", "actor", "actor_name", "text", "note", "data", "created_at"]
        read_only_fields = fields


class TicketSerializer(_InScope, serializers.ModelSerializer):
    category = serializers.PrimaryKeyRelatedField(queryset=Category.objects.filter(
        is_active=True))
    room = serializers.PrimaryKeyRelatedField(queryset=Room.objects.all(), required=False,
                                              allow_null=True)
    party = serializers.PrimaryKeyRelatedField(queryset=Party.objects.all(), required=False,
                                               allow_null=True)
    estate = serializers.PrimaryKeyRelatedField(queryset=Estate.objects.all(), required=False,
                                                allow_null=True)
    building = serializers.PrimaryKeyRelatedField(queryset=Building.objects.all(),
                                                  required=False, allow_null=True)
    complained_department = serializers.PrimaryKeyRelatedField(
        queryset=Department.objects.all(), required=False, allow_null=True,
        help_text="Complaints only: the department complained about")
    complained_staff = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True), required=False, allow_null=True,
        help_text="Complaints only: the staff member complained about")
    notice = serializers.PrimaryKeyRelatedField(
        queryset=Notice.objects.all(), required=False, allow_null=True,
        help_text="The notice in force the call is about (停水通知…)")
    at_risk = serializers.SerializerMethodField()
    breached = serializers.SerializerMethodField()
    accept_due_provisional = serializers.SerializerMethodField(
        help_text="The accept-by time is still running and falls in a year whose holidays "
                  "are not confirmed yet: it counts Monday to Friday and may change")
    respond_due_provisional = serializers.SerializerMethodField(
        help_text="As accept_due_provisional, for respond_due")
    resolve_due_provisional = serializers.SerializerMethodField(
        help_text="As accept_due_provisional, for resolve_due")

    class Meta:
        model = Ticket
        fields = ["id", "number", "type", "source", "category", "priority", "status",
                  "description", "estate", "building", "room", "party", "territory",
                  "assignee", "helpers", "watchers", "notice", "accept_due", "respond_due",
                  "resolve_due", "accepted_at", "responded_at", "resolved_at", "closed_at",
                  "held_since", "at_risk", "breached", "accept_due_provisional",
                  "respond_due_provisional", "resolve_due_provisional", "labour_minutes",
                  "chase_count",
                  "last_chased_at", "complained_department", "complained_staff",
                  "complained_other", "severity", "responsibility", "remedy", "reply_due",
                  "replied_at", "owner_rating", "follow_up_due", "followed_up_at",
                  "satisfaction", "reopen_count", "version", "created_at"]
        read_only_fields = ["number", "status", "territory", "assignee", "helpers",
                            "watchers", "accept_due", "respond_due", "resolve_due",
                            "accepted_at", "responded_at", "resolved_at", "closed_at",
                            "held_since", "labour_minutes", "chase_count", "last_chased_at",
                            "responsibility", "remedy", "reply_due", "replied_at",
                            "owner_rating", "follow_up_due", "followed_up_at", "satisfaction",
                            "reopen_count", "version", "created_at"]
        extra_kwargs = {"priority": {"required": False}}

    def get_at_risk(self, obj) -> bool:
        return obj.is_at_risk()

    def get_breached(self, obj) -> bool:
        return obj.is_breached()

    def _provisional(self, due, met) -> bool:
        # The confirmed years are read once per response, whatever the number of tickets.
        context = self.context
        if "confirmed_years" not in context:
            context["confirmed_years"] = ConfirmedYears.load()
        return met is None and context["confirmed_years"].is_provisional(due)

    def get_accept_due_provisional(self, obj) -> bool:
        return self._provisional(obj.accept_due, obj.accepted_at)

    def get_respond_due_provisional(self, obj) -> bool:
        return self._provisional(obj.respond_due, obj.responded_at)

    def get_resolve_due_provisional(self, obj) -> bool:
        return self._provisional(obj.resolve_due, obj.resolved_at)

    def validate(self, attrs):
        attrs = super().validate(attrs)
        if attrs.get("type") != TicketType.COMPLAINT:
            given = [name for name in COMPLAINT_INPUT if attrs.get(name)]
            if given:
                raise serializers.ValidationError({name: [_(
                    "Only complaints say whom they are about and how serious they are.")]
                    for name in given})
        return attrs

    def create(self, validated_data):
        complaint = {name: validated_data.pop(name) for name in COMPLAINT_INPUT
                     if name in validated_data}
        with _service_answers():
            return services.ticket_create(by=self.context["request"].user,
                                          complaint=complaint or None, **validated_data)


class TicketDetailSerializer(TicketSerializer):
    """One ticket with the actions its reader may take on it now: the buttons the ticket
    page shows, from the same rule ``ticket_act`` enforces (any other action is refused)."""

    actions = serializers.SerializerMethodField(
        help_text="The actions you may take now (POST /tickets/{id}/<action>/); the rest "
                  "are refused")

    class Meta(TicketSerializer.Meta):
        fields = [*TicketSerializer.Meta.fields, "actions"]

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(
        choices=Action.choices)))
    def get_actions(self, obj) -> list[str]:
        prefetched = getattr(obj, "_prefetched_objects_cache", {})
        helper_ids = ({u.pk for u in prefetched["helpers"]} if "helpers" in prefetched
                      else None)
        return ticket_actions_for(ticket=obj, user=self.context["request"].user,
                                  helper_ids=helper_ids)


class TicketFilterSerializer(_InScope, serializers.Serializer):
    status = serializers.ChoiceField(choices=Status.choices, required=False)
    category = serializers.IntegerField(required=False, min_value=1)
    priority = serializers.ChoiceField(choices=Priority.choices, required=False)
    territory = serializers.PrimaryKeyRelatedField(queryset=Territory.objects.all(),
                                                   required=False)
    assignee = serializers.IntegerField(required=False, min_value=1)
    type = serializers.ChoiceField(choices=TicketType.choices, required=False)


class ActSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")
    to = serializers.PrimaryKeyRelatedField(queryset=User.objects.filter(
        is_active=True), required=False, allow_null=True, default=None)
    version = serializers.IntegerField(required=False, allow_null=True, default=None,
                                       help_text="The version you saw; refused if stale")


class EscalateSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500, allow_blank=True,
                                   help_text="Why the ticket is raised a level")


class EscalationSerializer(serializers.ModelSerializer):
    reason = serializers.CharField(source="why", read_only=True,
                                   help_text="Why, in the request's language.")

    class Meta:
        model = Escalation
        fields = ["id", "ticket", "level", "reason", "raised_by", "created_at"]
        read_only_fields = fields


class ChaseSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="",
                                 max_length=500)
    raise_priority = serializers.BooleanField(
        required=False, default=False, help_text="Raise the priority one step")


class PeopleSerializer(serializers.Serializer):
    helpers = serializers.PrimaryKeyRelatedField(
        many=True, required=False, queryset=User.objects.filter(is_active=True),
        help_text="All helpers (replaces the list); omitted: unchanged")
    watchers = serializers.PrimaryKeyRelatedField(
        many=True, required=False, queryset=User.objects.filter(is_active=True),
        help_text="All watchers (replaces the list); omitted: unchanged")
    version = serializers.IntegerField(
        help_text="The version you saw (the lists are replaced): refused if stale")

    def validate(self, attrs):
        if "helpers" not in attrs and "watchers" not in attrs:
            raise serializers.ValidationError(_("Give the helpers, the watchers or both."))
        return attrs


class MaterialSerializer(serializers.ModelSerializer):
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True,
                                      help_text="quantity × unit price, in yuan")

    class Meta:
        model = TicketMaterial
        fields = ["id", "ticket", "name", "quantity", "unit", "unit_price", "charged",
                  "amount", "recorded_by", "created_at"]
        read_only_fields = ["ticket", "recorded_by", "created_at"]


class LabourSerializer(serializers.Serializer):
    minutes = serializers.IntegerField(help_text="Minutes of work to add")


class CommentSerializer(serializers.Serializer):
    note = serializers.CharField(allow_blank=True, max_length=2000)
    kind = serializers.ChoiceField(
        choices=[(k, EventKind(k).label) for k in (EventKind.COMMENT, EventKind.CALL,
                                                   EventKind.VISIT)],
        default=EventKind.COMMENT, help_text="A comment, or the note of a call or visit")


class ComplaintSerializer(serializers.ModelSerializer):
    """The complaint's fields to change (those omitted stay as they are)."""

    complained_staff = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True), required=False, allow_null=True)
    replied = serializers.BooleanField(
        required=False, default=False,
        help_text="The reply to the complainant was given (recorded once)")
    version = serializers.IntegerField(help_text="The version you saw; refused if stale")

    class Meta:
        model = Ticket
        fields = ["complained_department", "complained_staff", "complained_other", "severity",
                  "responsibility", "remedy", "replied", "version"]


class AttachmentUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="A photo or a document (PDF, Word)")
    caption = serializers.CharField(required=False, allow_blank=True, default="",
                                    max_length=200)


class AttachmentSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = StoredFile
        fields = ["id", "original_name", "kind", "content_type", "size", "created_at", "url"]
        read_only_fields = fields

    def get_url(self, obj) -> str:
        return reverse("uploads:download", args=[obj.pk])


class CandidateSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="display_name")
    open_load = serializers.IntegerField(help_text="Open tickets assigned now")
    skilled = serializers.BooleanField(help_text="Skilled in the ticket's category")


class SeesTickets(BasePermission):
    """Actions are checked by their service (state, territory, actor); seeing is enough
    here."""

    def has_permission(self, request, view):
        return bool(request.user and request.user.is_authenticated
                    and request.user.has_perm("service_tickets.view_ticket"))


class MayDispatch(BasePermission):
    def has_permission(self, request, view):
        return bool(request.user and request.user.is_authenticated
                    and request.user.has_perm("service_tickets.change_ticket"))


# Ticket actions whose service decides who may act (the rest keep the model permissions).
SERVICE_CHECKED = {"escalate", "chase", "people", "add_material", "labour", "comments",
                   "complaint", "attachments"}


@extend_schema_view(list=extend_schema(parameters=[TicketFilterSerializer]))
class TicketViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Service tickets (工单) the user may see: every territory for the desk, dispatchers and
    managers; their own territories for service staff."""

    # Every change of one ticket obeys the transition table and the version it saw.
    answers_conflict = True
    serializer_class = TicketSerializer
    cursor_ordering = ("-created_at", "-id")

    def get_permissions(self):
        if self.action and (self.action.startswith("act_") or self.action in SERVICE_CHECKED):
            return [SeesTickets()]
        if self.action == "suggestions":
            return [MayDispatch()]
        return super().get_permissions()

    def get_queryset(self):
        qs = ticket_list_for_user(user=self.request.user).prefetch_related("helpers",
                                                                            "watchers")
        if self.action == "list":
            qs = qs.filter(**_filters(TicketFilterSerializer, self.request))
        return qs

    def get_serializer_class(self):
        return TicketDetailSerializer if self.action == "retrieve" else TicketSerializer

    def get_object(self):
        """The ticket through the pages' own selector (404 outside the user's scope)."""
        ticket = ticket_get_for_user(user=self.request.user, pk=self.kwargs["pk"])
        self.check_object_permissions(self.request, ticket)
        return ticket

    def retrieve(self, request, *args, **kwargs):
        return self._out(self.get_object())

    def _out(self, ticket: Ticket, code: int = status.HTTP_200_OK) -> Response:
        """The ticket as it now stands, with the actions open to the user next."""
        prefetch_related_objects([ticket], "helpers", "watchers")
        return Response(TicketDetailSerializer(ticket, context={"request": self.request}).data,
                        status=code)

    def _act(self, request, pk, name):
        ticket = self.get_object()  # 404 outside the user's territories
        data = ActSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        with _service_answers():
            ticket = services.ticket_act(
                ticket_id=ticket.pk, action=name, by=request.user,
                note=data.validated_data["note"], to=data.validated_data["to"],
                expected_version=data.validated_data["version"])
        return self._out(ticket)

    @extend_schema(request=None, responses=EventSerializer(many=True))
    @action(detail=True, methods=["get"])
    def events(self, request, pk=None):
        ticket = self.get_object()
        events = ticket.events.select_related("actor")
        return Response(EventSerializer(events, many=True).data)

    @extend_schema(request=EscalateSerializer, responses={201: EscalationSerializer},
                   summary="Escalate by hand")
    @action(detail=True, methods=["post"])
    def escalate(self, request, pk=None):
        ticket = self.get_object()
        data = EscalateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        with _service_answers("reason"):
            escalation = escalate_by_hand(ticket_id=ticket.pk, by=request.user,
                                          reason=data.validated_data["reason"])
        return Response(EscalationSerializer(escalation).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ChaseSerializer, responses=TicketDetailSerializer,
                   summary="The owner chased the ticket (催单)")
    @action(detail=True, methods=["post"])
    def chase(self, request, pk=None):
        ticket = self.get_object()
        data = ChaseSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        with _service_answers("note"):
            ticket = services.ticket_chase(ticket_id=ticket.pk, by=request.user,
                                           **data.validated_data)
        return self._out(ticket)

    @extend_schema(request=PeopleSerializer, responses=TicketDetailSerializer,
                   summary="Set the helpers and watchers")
    @action(detail=True, methods=["post"])
    def people(self, request, pk=None):
        ticket = self.get_object()
        data = PeopleSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        with _service_answers():
            ticket = services.ticket_set_people(
                ticket_id=ticket.pk, by=request.user,
                helpers=data.validated_data.get("helpers"),
                watchers=data.validated_data.get("watchers"),
                expected_version=data.validated_data["version"])
        return self._out(ticket)

    @extend_schema(request=None, responses=MaterialSerializer(many=True))
    @action(detail=True, methods=["get"])
    def materials(self, request, pk=None):
        ticket = self.get_object()
        return Response(MaterialSerializer(ticket.materials.all(), many=True).data)

    @extend_schema(request=MaterialSerializer, responses={201: MaterialSerializer},
                   summary="Record material used")
    @materials.mapping.post
    def add_material(self, request, pk=None):
        ticket = self.get_object()
        data = MaterialSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        with _service_answers():
            material = services.ticket_add_material(ticket=ticket, by=request.user,
                                                    **data.validated_data)
        return Response(MaterialSerializer(material).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=LabourSerializer, responses=TicketDetailSerializer,
                   summary="Record labour")
    @action(detail=True, methods=["post"])
    def labour(self, request, pk=None):
        ticket = self.get_object()
        data = LabourSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        with _service_answers("minutes"):
            ticket = services.ticket_add_labour(ticket_id=ticket.pk, by=request.user,
                                                minutes=data.validated_data["minutes"])
        return self._out(ticket)

    @extend_schema(request=CommentSerializer, responses={201: EventSerializer},
                   summary="Comment, or note a call or visit")
    @action(detail=True, methods=["post"])
    def comments(self, request, pk=None):
        ticket = self.get_object()
        data = CommentSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        with _service_answers("note"):
            event = services.ticket_comment(ticket=ticket, by=request.user,
                                            **data.validated_data)
        return Response(EventSerializer(event).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ComplaintSerializer, responses=TicketDetailSerializer,
                   summary="Handle a complaint")
    @action(detail=True, methods=["post"])
    def complaint(self, request, pk=None):
        ticket = self.get_object()
        data = ComplaintSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        version, replied = fields.pop("version"), fields.pop("replied")
        with _service_answers():
            ticket = services.complaint_update(ticket_id=ticket.pk, by=request.user,
                                               expected_version=version, replied=replied,
                                               **fields)
        return self._out(ticket)

    @extend_schema(request={"multipart/form-data": AttachmentUploadSerializer},
                   responses={201: AttachmentSerializer}, summary="Add a photo or file")
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser])
    def attachments(self, request, pk=None):
        ticket = self.get_object()
        data = AttachmentUploadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        with _service_answers("file"):
            stored = services.ticket_attach(ticket=ticket, by=request.user,
                                            upload=data.validated_data["file"],
                                            caption=data.validated_data["caption"])
        return Response(AttachmentSerializer(stored).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=CandidateSerializer(many=True),
                   summary="Whom to dispatch to, best first")
    @action(detail=True, methods=["get"])
    def suggestions(self, request, pk=None):
        ticket = self.get_object()
        return Response(CandidateSerializer(dispatch_candidates(ticket), many=True).data)


def _make_action(name: str):
    def act(self, request, pk=None):
        return self._act(request, pk, name)

    # Named before decorating (the action's method map records the name); prefixed, as
    # "dispatch" would otherwise replace the view's own dispatch().
    act.__name__ = f"act_{name}"
    act = action(detail=True, methods=["post"], url_path=name, url_name=name)(act)
    return extend_schema(request=ActSerializer, responses=TicketDetailSerializer,
                         summary=str(Action(name).label))(act)


for _name in Action.values:
    setattr(TicketViewSet, f"act_{_name}", _make_action(_name))


# --- Follow-ups -----------------------------------------------------------------------------

class FollowUpSerializer(serializers.ModelSerializer):
    ticket = serializers.PrimaryKeyRelatedField(queryset=Ticket.objects.none())
    ticket_number = serializers.CharField(source="ticket.number", read_only=True)
    ticket_status = serializers.ChoiceField(
        source="ticket.status", choices=Status.choices, read_only=True,
        help_text="The ticket's status now: closed after a satisfied follow-up, reopened "
                  "after an unsatisfied one")
    version = serializers.IntegerField(
        write_only=True, required=False, allow_null=True, default=None,
        help_text="The ticket's version you saw; refused if stale")

    class Meta:
        model = FollowUp
        fields = ["id", "ticket", "ticket_number", "ticket_status", "method", "outcome",
                  "overall", *DIMENSIONS, "comments", "recorded_by", "created_at", "version"]
        read_only_fields = ["recorded_by", "created_at"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None and request.user.is_authenticated:
            self.fields["ticket"].queryset = ticket_list_for_user(user=request.user)

    def create(self, validated_data):
        with _service_answers():
            follow_up = follow_up_record(
                ticket_id=validated_data["ticket"].pk, by=self.context["request"].user,
                method=validated_data["method"], outcome=validated_data["outcome"],
                overall=validated_data.get("overall"),
                scores={name: validated_data.get(name) for name in DIMENSIONS},
                comments=validated_data.get("comments", ""),
                expected_version=validated_data.get("version"))
        # Read back with the ticket as the outcome left it (closed or reopened).
        return FollowUp.objects.select_related("ticket").get(pk=follow_up.pk)


class DateRangeSerializer(_InScope, serializers.Serializer):
    created_after = ApiDateTimeField(
        allow_date=True, required=False, help_text="From this time (or date), inclusive")
    created_before = ApiDateTimeField(
        allow_date=True, required=False, help_text="Before this time (or date), exclusive")

    def validate(self, attrs):
        after, before = attrs.get("created_after"), attrs.get("created_before")
        if after and before and before <= after:
            raise serializers.ValidationError(
                {"created_before": [_("The end must come after the start.")]})
        return attrs


def _date_range(filters: dict) -> dict:
    lookups = {}
    if "created_after" in filters:
        lookups["created_at__gte"] = filters.pop("created_after")
    if "created_before" in filters:
        lookups["created_at__lt"] = filters.pop("created_before")
    return lookups


class FollowUpFilterSerializer(DateRangeSerializer):
    ticket = serializers.PrimaryKeyRelatedField(queryset=Ticket.objects.all(), required=False)
    outcome = serializers.ChoiceField(choices=FollowUp._meta.get_field("outcome").choices,
                                      required=False)


@extend_schema_view(list=extend_schema(parameters=[FollowUpFilterSerializer]))
class FollowUpViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Follow-ups (回访) of the tickets the user may see. Recording one acts on the ticket:
    satisfied closes it, unsatisfied reopens it for rework, not reached leaves it done."""

    answers_conflict_on_create = True  # the ticket's state or version refuses it
    serializer_class = FollowUpSerializer
    cursor_ordering = ("-created_at", "-id")

    def get_queryset(self):
        qs = FollowUp.objects.filter(_visible(self.request.user)).select_related("ticket")
        if self.action == "list":
            filters = _filters(FollowUpFilterSerializer, self.request)
            qs = qs.filter(**_date_range(filters))
            if "ticket" in filters:
                qs = qs.filter(ticket=filters["ticket"])
            if "outcome" in filters:
                qs = qs.filter(outcome=filters["outcome"])
        return qs


# --- The event search -----------------------------------------------------------------------

class EventFilterSerializer(DateRangeSerializer):
    ticket = serializers.PrimaryKeyRelatedField(queryset=Ticket.objects.all(), required=False)
    kind = serializers.ChoiceField(choices=EventKind.choices, required=False)
    actor = serializers.IntegerField(required=False, min_value=1)
    party = serializers.PrimaryKeyRelatedField(
        queryset=Party.objects.all(), required=False,
        help_text="Events of tickets of this owner or occupant")
    room = serializers.PrimaryKeyRelatedField(
        queryset=Room.objects.all(), required=False, help_text="Events of tickets of this room")


@extend_schema_view(list=extend_schema(parameters=[EventFilterSerializer]))
class TicketEventViewSet(viewsets.ReadOnlyModelViewSet):
    """What happened to the tickets the user may see, newest first."""

    serializer_class = EventSerializer
    cursor_ordering = ("-created_at", "-id")

    def get_queryset(self):
        qs = TicketEvent.objects.filter(_visible(self.request.user)).select_related(
            "actor", "ticket")
        if self.action == "list":
            filters = _filters(EventFilterSerializer, self.request)
            qs = qs.filter(**_date_range(filters))
            for name, lookup in [("ticket", "ticket"), ("kind", "kind"),
                                 ("actor", "actor_id"), ("party", "ticket__party"),
                                 ("room", "ticket__room")]:
                if name in filters:
                    qs = qs.filter(**{lookup: filters[name]})
        return qs


# --- Notices --------------------------------------------------------------------------------

class NoticeSerializer(_InScope, serializers.ModelSerializer):
    buildings = serializers.PrimaryKeyRelatedField(
        many=True, required=False, queryset=Building.objects.all(),
        help_text="Empty: the whole estate")

    class Meta:
        model = Notice
        fields = ["id", "kind", "title", "body", "estate", "buildings", "starts_at", "ends_at",
                  "withdrawn_at", "calls", "created_by", "created_at"]
        read_only_fields = ["withdrawn_at", "calls", "created_by", "created_at"]

    def create(self, validated_data):
        with _service_answers():
            return notices.notice_create(by=self.context["request"].user, **validated_data)


class NoticeFilterSerializer(_InScope, serializers.Serializer):
    estate = serializers.PrimaryKeyRelatedField(queryset=Estate.objects.all(), required=False)
    building = serializers.PrimaryKeyRelatedField(
        queryset=Building.objects.all(), required=False,
        help_text="Notices for the whole estate of the building, or naming it")
    in_force = serializers.BooleanField(required=False, help_text="Only notices in force now")


class NoticeCallSerializer(_InScope, serializers.ModelSerializer):
    class Meta:
        model = NoticeCall
        fields = ["id", "notice", "party", "room", "answered_by", "created_at"]
        read_only_fields = ["notice", "answered_by", "created_at"]


class SeesNotices(BasePermission):
    """Withdrawing and answering calls are checked by their services."""

    def has_permission(self, request, view):
        return bool(request.user and request.user.is_authenticated
                    and request.user.has_perm("service_tickets.view_notice"))


@extend_schema_view(list=extend_schema(parameters=[NoticeFilterSerializer]))
class NoticeViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Notices (停水通知, lift maintenance…) for estates or some of their buildings."""

    serializer_class = NoticeSerializer
    cursor_ordering = ("-starts_at", "-id")

    def get_permissions(self):
        if self.action in ("withdraw", "calls"):
            return [SeesNotices()]
        return super().get_permissions()

    def get_queryset(self):
        qs = Notice.objects.prefetch_related("buildings")
        if self.action == "list":
            filters = _filters(NoticeFilterSerializer, self.request)
            if filters.get("in_force"):
                qs = qs.in_force()
            if "building" in filters:
                building = filters["building"]
                qs = qs.concerning(estate_id=building.estate_id, building_id=building.pk)
            if "estate" in filters:
                qs = qs.filter(estate=filters["estate"])
        return qs

    @extend_schema(request=None, responses=NoticeSerializer, summary="Withdraw the notice")
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        notice = self.get_object()
        with _service_answers():
            notice = notices.notice_withdraw(notice=notice, by=request.user)
        return Response(NoticeSerializer(notice).data)

    @extend_schema(request=NoticeCallSerializer, responses={201: NoticeCallSerializer},
                   summary="A caller answered from the notice")
    @action(detail=True, methods=["post"])
    def calls(self, request, pk=None):
        notice = self.get_object()
        data = NoticeCallSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        with _service_answers():
            call = notices.notice_call_record(notice=notice, by=request.user,
                                              **data.validated_data)
        return Response(NoticeCallSerializer(call).data, status=status.HTTP_201_CREATED)


# --- Catalogue viewsets ---------------------------------------------------------------------

class CategoryViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = CategorySerializer
    cursor_ordering = ("id",)
    queryset = Category.objects.filter(is_active=True)


class TerritoryViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = TerritorySerializer
    cursor_ordering = ("name", "id")
    queryset = Territory.objects.prefetch_related("estates", "buildings", "members")


def register(router) -> None:
    router.register("tickets", TicketViewSet, basename="ticket")
    router.register("ticket-events", TicketEventViewSet, basename="ticket-event")
    router.register("follow-ups", FollowUpViewSet, basename="follow-up")
    router.register("notices", NoticeViewSet, basename="notice")
    router.register("ticket-categories", CategoryViewSet, basename="ticket-category")
    router.register("territories", TerritoryViewSet, basename="territory")
