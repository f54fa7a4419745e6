"""REST resources for tickets, their events, categories and territories.

State changes are actions (``POST /tickets/{id}/accept/``…) that call ``ticket_act``, so the
API obeys the same transition table, territory rules and version checks as the pages.
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import APIException, PermissionDenied
from rest_framework.permissions import BasePermission
from rest_framework.response import Response

from owners.models import Building, Estate, Party, Room

from . import services
from .choices import Action
from .models import Category, Territory, Ticket, TicketEvent
from .selectors import ticket_list_for_user


class TransitionRefused(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "transition_refused"


class CategorySerializer(serializers.ModelSerializer):
    class Meta:
        model = Category
        fields = ["id", "parent", "name", "code", "default_priority", "around_the_clock",
                  "dispatch_mode", "is_active"]


class TerritorySerializer(serializers.ModelSerializer):
    class Meta:
        model = Territory
        fields = ["id", "name", "estates", "buildings", "members"]


class EventSerializer(serializers.ModelSerializer):
    actor_name = serializers.CharField(source="actor.display_name", read_only=True,
                                       default=None)

    class Meta:
        model = TicketEvent
        fields = ["id", "kind", "action", "from_status", "to_status", "actor", "actor_name",
                  "note", "created_at"]


class TicketSerializer(serializers.ModelSerializer):
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
    at_risk = serializers.SerializerMethodField()
    breached = serializers.SerializerMethodField()

    class Meta:
        model = Ticket
        fields = ["id", "number", "type", "source", "category", "priority", "status",
                  "description", "estate", "building", "room", "party", "territory",
                  "assignee", "accept_due", "respond_due", "resolve_due", "accepted_at",
                  "responded_at", "resolved_at", "closed_at", "at_risk", "breached",
                  "version", "created_at"]
        read_only_fields = ["number", "status", "territory", "assignee", "accept_due",
                            "respond_due", "resolve_due", "accepted_at", "responded_at",
                            "resolved_at", "closed_at", "version", "created_at"]
        extra_kwargs = {"priority": {"required": False}}

    def get_at_risk(self, obj) -> bool:
        return obj.is_at_risk()

    def get_breached(self, obj) -> bool:
        return obj.is_breached()

    def create(self, validated_data):
        try:
            return services.ticket_create(by=self.context["request"].user, **validated_data)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages) from exc


class ActSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")
    to = serializers.PrimaryKeyRelatedField(queryset=get_user_model().objects.filter(
        is_active=True), required=False, allow_null=True, default=None)
    version = serializers.IntegerField(required=False, allow_null=True, default=None,
                                       help_text="The version you saw; refused if stale")


class SeesTickets(BasePermission):
    """Actions are checked by ``ticket_act`` (state, territory, actor); seeing is enough here."""

    def has_permission(self, request, view):
        return bool(request.user and request.user.is_authenticated
                    and request.user.has_perm("service_tickets.view_ticket"))


class TicketViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Service tickets (工单) the user may see: every territory for the desk, dispatchers and
    managers; their own territories for service staff."""

    serializer_class = TicketSerializer
    cursor_ordering = ("-created_at", "-id")

    def get_permissions(self):
        if self.action and self.action.startswith("act_"):
            return [SeesTickets()]
        return super().get_permissions()

    def get_queryset(self):
        qs = ticket_list_for_user(user=self.request.user)
        params = self.request.query_params
        for name in ("status", "category", "priority", "territory", "assignee", "type"):
            value = params.get(name)
            if value:
                qs = qs.filter(**{name: value})
        return qs

    def _act(self, request, pk, name):
        ticket = self.get_object()  # 404 outside the user's territories
        data = ActSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            ticket = services.ticket_act(
                ticket_id=ticket.pk, action=name, by=request.user, note=data.validated_data["note"],
                to=data.validated_data["to"], expected_version=data.validated_data["version"])
        except services.TransitionError as exc:
            raise TransitionRefused(" ".join(exc.messages)) from exc
        except DjangoPermissionDenied as exc:
            raise PermissionDenied(str(exc)) from exc
        return Response(TicketSerializer(ticket, context={"request": request}).data)

    @extend_schema(request=None, responses=EventSerializer(many=True))
    @action(detail=True, methods=["get"])
    def events(self, request, pk=None):
        ticket = self.get_object()
        events = ticket.events.select_related("actor")
        return Response(EventSerializer(events, many=True).data)


def _make_action(name: str):
    def act(self, request, pk=None):
        return self._act(request, pk, name)

    # Named before decorating (the action's method map records the name); prefixed, as
    # "dispatch" would otherwise replace the view's own dispatch().
    act.__name__ = f"act_{name}"
    act = action(detail=True, methods=["post"], url_path=name, url_name=name)(act)
    return extend_schema(request=ActSerializer, responses=TicketSerializer,
                         summary=str(Action(name).label))(act)


for _name in Action.values:
    setattr(TicketViewSet, f"act_{_name}", _make_action(_name))


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
    router.register("ticket-categories", CategoryViewSet, basename="ticket-category")
    router.register("territories", TerritoryViewSet, basename="territory")
