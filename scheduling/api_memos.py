"""REST resources of one's own memos and tasks.

``/memos/`` holds only the caller's memos; ``/tasks/`` the tasks the caller gave or was
given. Writes go through the same services as the pages: an update names the ``version``
it read and is refused with 409 when the row changed since; a change the caller may not
make is 403; a link to a ticket, owner or room they may not see is 400.
"""

from contextlib import contextmanager

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.settings import api_settings

from owners.models import Party, Room
from owners.selectors import party_list_for_user, room_list_for_user
from service_tickets.models import Ticket
from service_tickets.selectors import ticket_list_for_user
from versioning.api import VersionConflict
from versioning.services import StaleVersionError

from . import memos, tasklists
from .choices import TaskStatus
from .models import Memo, Task

User = get_user_model()


@contextmanager
def _service_answers():
    """What a service refuses, as the API's answers (409, 403, 400)."""
    try:
        yield
    except StaleVersionError as exc:
        raise VersionConflict from exc
    except DjangoPermissionDenied as exc:
        raise PermissionDenied(str(exc) or None) from exc
    except DjangoValidationError as exc:
        if hasattr(exc, "error_dict"):
            raise serializers.ValidationError({
                (api_settings.NON_FIELD_ERRORS_KEY if name == "__all__" else name): msgs
                for name, msgs in exc.message_dict.items()}) from exc
        raise serializers.ValidationError(exc.messages) from exc


class _Versioned(serializers.Serializer):
    version = serializers.IntegerField(
        required=False,
        help_text="The version you are editing, as last read; required when updating.")

    def validate(self, attrs):
        attrs = super().validate(attrs)
        if self.instance is not None and "version" not in attrs:
            raise serializers.ValidationError({"version": [
                serializers.Field.default_error_messages["required"]]})
        return attrs


# --- Memos ----------------------------------------------------------------------------------

class MemoSerializer(_Versioned, serializers.ModelSerializer):
    class Meta:
        model = Memo
        fields = ["id", "text", "day", "pinned", "version", "created_at", "updated_at"]
        read_only_fields = ["created_at", "updated_at"]

    def validate_text(self, value):
        if not value.strip():
            raise serializers.ValidationError(_("Write something."))
        return value

    def create(self, validated_data):
        validated_data.pop("version", None)
        return memos.memo_create(by=self.context["request"].user, **validated_data)

    def update(self, instance, validated_data):
        expected = validated_data.pop("version")
        fields = {"text": instance.text, "day": instance.day, "pinned": instance.pinned,
                  **validated_data}
        with _service_answers():
            return memos.memo_update(memo=instance, by=self.context["request"].user,
                                     expected_version=expected, **fields)


class MemoFilterSerializer(serializers.Serializer):
    q = serializers.CharField(required=False, allow_blank=True,
                              max_length=memos.SEARCH_MAX_LENGTH,
                              help_text="Memos whose text contains this")
    pinned = serializers.BooleanField(required=False, allow_null=True, default=None,
                                      help_text="Only pinned (true) or unpinned (false)")


@extend_schema_view(list=extend_schema(parameters=[MemoFilterSerializer]))
class MemoViewSet(viewsets.ModelViewSet):
    """The caller's own memos (备忘录), newest first; nobody else's is ever found."""

    serializer_class = MemoSerializer
    cursor_ordering = ("-updated_at", "-id")

    def get_queryset(self):
        query, pinned = "", None
        if self.action == "list":
            checked = MemoFilterSerializer(data=self.request.query_params)
            checked.is_valid(raise_exception=True)
            query = checked.validated_data.get("q", "")
            pinned = checked.validated_data.get("pinned")
        qs = memos.memo_list_for_user(user=self.request.user, query=query)
        if pinned is not None:
            qs = qs.filter(pinned=pinned)
        return qs

    def perform_destroy(self, instance):
        memos.memo_delete(memo=instance, by=self.request.user)


# --- Tasks ----------------------------------------------------------------------------------

class TaskSerializer(_Versioned, serializers.ModelSerializer):
    assignee = serializers.PrimaryKeyRelatedField(queryset=User.objects.filter(is_active=True))
    assignee_name = serializers.CharField(source="assignee.display_name", read_only=True)
    assigner_name = serializers.CharField(source="assigner.display_name", read_only=True)
    party = serializers.PrimaryKeyRelatedField(queryset=Party.objects.none(), required=False,
                                               allow_null=True)
    room = serializers.PrimaryKeyRelatedField(queryset=Room.objects.none(), required=False,
                                              allow_null=True)
    ticket = serializers.PrimaryKeyRelatedField(
        queryset=Ticket.objects.none(), required=False, allow_null=True,
        help_text="A service ticket you may see")
    ticket_number = serializers.CharField(source="ticket.number", read_only=True,
                                          default=None)

    class Meta:
        model = Task
        fields = ["id", "title", "notes", "due_at", "priority", "status", "assignee",
                  "assignee_name", "assigner", "assigner_name", "party", "room", "ticket",
                  "ticket_number", "completed_at", "version", "created_at", "updated_at"]
        read_only_fields = ["assigner", "completed_at", "created_at", "updated_at"]
        extra_kwargs = {"status": {"required": False}, "priority": {"required": False}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None and request.user.is_authenticated:
            user = request.user
            self.fields["party"].queryset = party_list_for_user(user=user)
            self.fields["room"].queryset = room_list_for_user(user=user)
            self.fields["ticket"].queryset = ticket_list_for_user(user=user)

    def validate(self, attrs):
        attrs = super().validate(attrs)
        if self.instance is None and attrs.get("status", TaskStatus.OPEN) != TaskStatus.OPEN:
            raise serializers.ValidationError({"status": [_("A new task starts as to do.")]})
        return attrs

    def create(self, validated_data):
        validated_data.pop("version", None)
        validated_data.pop("status", None)
        with _service_answers():
            return tasklists.task_create(by=self.context["request"].user, **validated_data)

    def update(self, instance, validated_data):
        expected = validated_data.pop("version")
        with _service_answers():
            return tasklists.task_update(task=instance, by=self.context["request"].user,
                                         expected_version=expected, **validated_data)


class TaskFilterSerializer(serializers.Serializer):
    mine = serializers.BooleanField(required=False, default=False,
                                    help_text="Only tasks given to me")
    given = serializers.BooleanField(required=False, default=False,
                                     help_text="Only tasks I gave")
    overdue = serializers.BooleanField(
        required=False, default=False,
        help_text="Only open tasks whose due time has passed, the most overdue first")
    status = serializers.ChoiceField(
        choices=[("open", "open (to do or in progress)"), *TaskStatus.choices],
        required=False, help_text="open: to do or in progress")


@extend_schema_view(list=extend_schema(parameters=[TaskFilterSerializer]))
class TaskViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin,
                  viewsets.ReadOnlyModelViewSet):
    """Tasks (任务) the caller gave or was given. Whoever gave a task may change all of it;
    whoever does it, its status and notes (403 otherwise). Giving a task tells the
    assignee in their inbox."""

    serializer_class = TaskSerializer

    def _filters(self) -> dict:
        if self.action != "list":
            return {}
        if not hasattr(self, "_checked_filters"):
            checked = TaskFilterSerializer(data=self.request.query_params)
            checked.is_valid(raise_exception=True)
            self._checked_filters = checked.validated_data
        return self._checked_filters

    @property
    def cursor_ordering(self):
        if self._filters().get("overdue"):
            return tuple(tasklists.OVERDUE_FIELDS)
        return ("-created_at", "-id")

    def get_queryset(self):
        user = self.request.user
        filters = self._filters()
        if filters.get("overdue"):
            qs = tasklists.tasks_overdue(user=user)
        else:
            qs = tasklists.task_list_for_user(user=user)
        if filters.get("mine"):
            qs = qs.filter(assignee=user)
        if filters.get("given"):
            qs = qs.filter(assigner=user)
        status = filters.get("status")
        if status == "open":
            qs = qs.filter(status__in=tasklists.OPEN_STATUSES)
        elif status:
            qs = qs.filter(status=status)
        return qs


def register(router) -> None:
    router.register("memos", MemoViewSet, basename="memo")
    router.register("tasks", TaskViewSet, basename="task")
