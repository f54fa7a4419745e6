"""REST resources of the owners area, on the same selectors and services as the pages."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.response import Response

from versioning.api import VersionedSerializerMixin

from . import search, selectors, services
from .choices import PartyKind
from .models import Building, Committee, CommitteeMember, Estate, Occupancy, Ownership, Party, Room
from .validators import party_clean


def _django_errors(exc: DjangoValidationError,
                   rename: dict[str, str] | None = None) -> serializers.ValidationError:
    """A Django error as DRF's, keyed by field when it has fields (``{"uscc": [...]}``)."""
    if hasattr(exc, "error_dict"):
        rename = rename or {}
        return serializers.ValidationError(
            {rename.get(key, key): value for key, value in exc.message_dict.items()})
    return serializers.ValidationError({"non_field_errors": exc.messages})


class InScopeRelationsMixin:
    """A serializer whose related fields of parties, rooms, estates and buildings (written
    or used as a filter) accept only those the requesting user may see: an id outside the
    user's patch is "does not exist", as on the detail route. Subclasses widen
    ``scope_queryset`` for the models of their own area."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return
        for field in self.fields.values():
            relation = getattr(field, "child_relation", field)
            queryset = getattr(relation, "queryset", None)
            if queryset is not None:
                relation.queryset = self.scope_queryset(queryset, user=user)

    def scope_queryset(self, queryset, *, user):
        return selectors.in_scope(queryset, user=user)


class EstateSerializer(VersionedSerializerMixin, serializers.ModelSerializer):
    class Meta:
        model = Estate
        fields = ["id", "name", "kind", "address", "phone", "version"]


class BuildingSerializer(InScopeRelationsMixin, VersionedSerializerMixin,
                         serializers.ModelSerializer):
    class Meta:
        model = Building
        fields = ["id", "estate", "number", "name", "phase", "floors", "version"]


class RoomSerializer(InScopeRelationsMixin, VersionedSerializerMixin,
                     serializers.ModelSerializer):
    estate_name = serializers.CharField(source="estate.name", read_only=True)

    class Meta:
        model = Room
        fields = ["id", "estate", "estate_name", "building", "unit", "number", "code", "floor",
                  "gross_area", "inner_area", "use", "status", "primary_contact", "version"]
        read_only_fields = ["estate", "code"]

    def validate(self, attrs):
        attrs = super().validate(attrs)
        unit = attrs.get("unit", getattr(self.instance, "unit", None))
        building = attrs.get("building", getattr(self.instance, "building", None))
        if unit is not None and building is not None and unit.building_id != building.pk:
            raise serializers.ValidationError(
                {"unit": [_("This unit is not in the chosen building.")]})
        return attrs

    def create(self, validated_data):
        room = Room(**validated_data)
        services.room_prepare(room)
        room.save()
        return room

    def update(self, instance, validated_data):
        for key, value in validated_data.items():
            if key != "version":
                setattr(instance, key, value)
        services.room_prepare(instance)
        return super().update(instance, validated_data)


class PhoneField(serializers.Serializer):
    display = serializers.CharField(read_only=True)
    kind = serializers.CharField(read_only=True)
    is_primary = serializers.BooleanField(read_only=True)


class PartySerializer(VersionedSerializerMixin, serializers.ModelSerializer):
    """ID numbers are write-only; reads show ``id_masked`` only. Identifiers are checked by
    ``validators.party_clean``, as in the forms and the import, errors keyed by field."""

    id_number = serializers.CharField(write_only=True, required=False, allow_blank=True)
    phones = PhoneField(many=True, read_only=True)
    phone_numbers = serializers.ListField(child=serializers.CharField(), write_only=True,
                                          required=False,
                                          help_text="All numbers, the first is the primary")
    plates = serializers.ListField(child=serializers.CharField(), required=False,
                                   write_only=True)
    vehicles = serializers.SlugRelatedField(many=True, read_only=True, slug_field="plate")
    confirm_duplicate = serializers.BooleanField(
        write_only=True, required=False, default=False,
        help_text="Create the person even though people on record look like them (the "
                  "answer 409 lists them)")

    class Meta:
        model = Party
        fields = ["id", "kind", "name", "gender", "birthday", "id_type", "id_masked",
                  "id_number", "uscc", "email", "workplace", "emergency_name",
                  "emergency_phone", "emergency_relation", "preferred_channel",
                  "preferred_time", "notes", "phones", "phone_numbers", "plates", "vehicles",
                  "confirm_duplicate", "version"]
        read_only_fields = ["id_masked"]

    def validate(self, attrs):
        attrs = super().validate(attrs)
        instance = self.instance

        def current(key):
            return attrs.get(key, getattr(instance, key, "") if instance else "")

        try:
            values = party_clean(
                kind=current("kind") or PartyKind.PERSON, id_type=attrs.get("id_type") or "",
                id_number=attrs.get("id_number") or "", uscc=current("uscc") or "",
                phones={"phone_numbers": attrs.get("phone_numbers") or [],
                        "emergency_phone": [attrs.get("emergency_phone") or ""]},
                plates={"plates": attrs.get("plates") or []})
        except DjangoValidationError as exc:
            raise _django_errors(exc) from exc
        if "uscc" in attrs or not instance:
            attrs["uscc"] = values.uscc
        if attrs.get("id_number"):
            attrs["id_number"], attrs["id_type"] = values.id_number, values.id_type
        if "phone_numbers" in attrs:
            attrs["phone_numbers"] = [p.display for p in values.phones["phone_numbers"]]
        if attrs.get("emergency_phone"):
            attrs["emergency_phone"] = values.phones["emergency_phone"][0].display
        if "plates" in attrs:
            attrs["plates"] = values.plates["plates"]
        return attrs

    def _save(self, party, validated_data):
        phones = validated_data.pop("phone_numbers", None)
        plates = validated_data.pop("plates", None)
        id_number = validated_data.pop("id_number", None) or None
        confirm = validated_data.pop("confirm_duplicate", False)
        for key, value in validated_data.items():
            setattr(party, key, value)
        try:
            return services.party_save(party=party, by=self.context["request"].user,
                                       phones=phones, plates=plates, id_number=id_number,
                                       id_type=validated_data.get("id_type"),
                                       confirm_duplicate=confirm)
        except services.PartyDuplicateError:
            raise
        except DjangoValidationError as exc:
            raise _django_errors(exc, rename={"phones": "phone_numbers"}) from exc

    def create(self, validated_data):
        validated_data.pop("version", None)
        return self._save(Party(), validated_data)

    def update_claimed(self, instance, validated_data):
        return self._save(instance, validated_data)


class PartyDuplicateSerializer(serializers.Serializer):
    """A person on record who looks like the one being created."""

    id = serializers.IntegerField(source="party.pk")
    name = serializers.CharField(source="party.name")
    id_masked = serializers.CharField(source="party.id_masked")
    phones = serializers.SerializerMethodField()
    rooms = serializers.ListField(child=serializers.CharField())
    same_id = serializers.BooleanField(help_text="The same ID number (otherwise the same "
                                                 "name and a same phone)")

    def get_phones(self, duplicate) -> list[str]:
        return [phone.display for phone in duplicate.party.phones.all()]


class PartyDuplicateAnswerSerializer(serializers.Serializer):
    """The 409 answer to creating a likely duplicate: send again with
    ``confirm_duplicate=true`` if it is someone else."""

    detail = serializers.CharField()
    code = serializers.CharField()
    duplicates = PartyDuplicateSerializer(many=True)


class OccupancySerializer(InScopeRelationsMixin, serializers.ModelSerializer):
    class Meta:
        model = Occupancy
        fields = ["id", "room", "party", "relation", "relation_detail", "start_date",
                  "end_date", "move_in_state"]
        read_only_fields = ["end_date"]

    def create(self, validated_data):
        try:
            return services.occupancy_add(by=self.context["request"].user, **validated_data)
        except DjangoValidationError as exc:
            raise _django_errors(exc) from exc


class OwnershipSerializer(InScopeRelationsMixin, serializers.ModelSerializer):
    class Meta:
        model = Ownership
        fields = ["id", "room", "party", "share", "start_date", "end_date", "move_in_state",
                  "certificate_number"]
        read_only_fields = ["end_date", "certificate_number"]

    def create(self, validated_data):
        try:
            return services.ownership_add(by=self.context["request"].user, **validated_data)
        except DjangoValidationError as exc:
            raise _django_errors(exc) from exc


class CommitteeMemberSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="party.name", read_only=True)

    class Meta:
        model = CommitteeMember
        fields = ["party", "name", "post"]


class CommitteeSerializer(serializers.ModelSerializer):
    members = CommitteeMemberSerializer(many=True, read_only=True)

    class Meta:
        model = Committee
        fields = ["id", "estate", "term", "term_start", "term_end", "members"]


class _Writable(mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    pass


class EstateViewSet(_Writable):
    """Estates (小区/项目)."""

    serializer_class = EstateSerializer
    cursor_ordering = ("name", "id")

    def get_queryset(self):
        return selectors.in_scope(Estate.objects.all(), user=self.request.user)


@extend_schema_view(list=extend_schema(parameters=[OpenApiParameter("estate", int)]))
class BuildingViewSet(_Writable):
    """Buildings (楼栋)."""

    serializer_class = BuildingSerializer
    cursor_ordering = ("id",)

    def get_queryset(self):
        qs = selectors.in_scope(Building.objects.select_related("estate"),
                                user=self.request.user)
        estate = _list_filters(self.request, ()).get("estate")
        return qs.filter(estate_id=estate) if estate else qs


_ROOM_FILTERS = ["estate", "building", "use", "status", "occupancy"]


class PlaceFilterSerializer(InScopeRelationsMixin, serializers.Serializer):
    """The estate and building a list is filtered by: only those of the user's patch."""

    estate = serializers.PrimaryKeyRelatedField(queryset=Estate.objects.all(), required=False)
    building = serializers.PrimaryKeyRelatedField(queryset=Building.objects.all(),
                                                  required=False)


def _list_filters(request, names) -> dict:
    """The list's filters from the query string; an estate or building outside the user's
    patch is refused (400), as the detail routes do not know it."""
    params = request.query_params
    places = PlaceFilterSerializer(data={k: params[k] for k in ("estate", "building")
                                         if params.get(k)}, context={"request": request})
    places.is_valid(raise_exception=True)
    filters = {name: params.get(name) for name in names}
    filters.update({name: place.pk for name, place in places.validated_data.items()})
    return filters


@extend_schema_view(list=extend_schema(parameters=[
    OpenApiParameter(name, str) for name in [*_ROOM_FILTERS, "q"]]))
class RoomViewSet(_Writable):
    """Rooms (房屋), filtered like the room list; ``q`` takes ``3-2-1201`` or ``3栋2单元1201``."""

    serializer_class = RoomSerializer
    cursor_ordering = ("sort_key", "id")

    def get_queryset(self):
        params = self.request.query_params
        qs = selectors.room_list_for_user(user=self.request.user,
                                          filters=_list_filters(self.request, _ROOM_FILTERS))
        if params.get("q"):
            query = search.parse(params["q"])
            qs = qs.filter(pk__in=[r.pk for r in search.search_rooms(
                query, limit=50, within=selectors.room_limits(self.request.user))])
        return qs


@extend_schema_view(list=extend_schema(parameters=[
    OpenApiParameter(name, str) for name in ["estate", "building", "role", "tag", "kind",
                                             "q"]]))
class PartyViewSet(_Writable):
    """Owners and occupants. ``q`` takes a name, pinyin, phone or its last four digits,
    plate or ID number, as the search box does."""

    serializer_class = PartySerializer
    cursor_ordering = ("name", "id")

    @extend_schema(responses={
        201: PartySerializer,
        409: OpenApiResponse(PartyDuplicateAnswerSerializer,
                             description="People on record look like this one: send again "
                                         "with confirm_duplicate=true if it is someone "
                                         "else"),
    })
    def create(self, request, *args, **kwargs):
        try:
            return super().create(request, *args, **kwargs)
        except services.PartyDuplicateError as exc:
            answer = PartyDuplicateAnswerSerializer({
                "detail": exc.messages[0], "code": exc.code, "duplicates": exc.duplicates})
            return Response(answer.data, status=status.HTTP_409_CONFLICT)

    def get_queryset(self):
        params = self.request.query_params
        qs = selectors.party_list_for_user(user=self.request.user, filters=_list_filters(
            self.request, ("estate", "building", "role", "tag", "kind")))
        qs = qs.prefetch_related("phones", "vehicles")
        if params.get("q"):
            found = search.search_parties(search.parse(params["q"]), limit=50,
                                           within=selectors.party_limits(self.request.user))
            qs = qs.filter(pk__in=[p.pk for p in found])
        return qs


class OccupancyViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Non-owner occupants of rooms; creating one records it on the timeline."""

    serializer_class = OccupancySerializer
    cursor_ordering = ("id",)
    queryset = Occupancy.objects.all()


class OwnershipViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = OwnershipSerializer
    cursor_ordering = ("id",)
    queryset = Ownership.objects.all()


class CommitteeViewSet(viewsets.ReadOnlyModelViewSet):
    """Owners' committees (业主委员会) with their members."""

    serializer_class = CommitteeSerializer
    cursor_ordering = ("id",)
    queryset = Committee.objects.prefetch_related("members__party")


def register(router) -> None:
    router.register("estates", EstateViewSet, basename="estate")
    router.register("buildings", BuildingViewSet, basename="building")
    router.register("rooms", RoomViewSet, basename="room")
    router.register("people", PartyViewSet, basename="party")
    router.register("occupancies", OccupancyViewSet, basename="occupancy")
    router.register("ownerships", OwnershipViewSet, basename="ownership")
    router.register("committees", CommitteeViewSet, basename="committee")
