"""REST resources of the inbox: each user's own messages, and marking them read."""

from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from .models import Notification
from .services import mark_read


class NotificationSerializer(serializers.ModelSerializer):
    # What the system said is rendered in the language of the request.
    title = serializers.CharField(source="title_text", read_only=True)
    body = serializers.CharField(source="body_text", read_only=True)
    is_read = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = ["id", "title", "body", "url", "source", "created_at", "read_at", "is_read"]
        read_only_fields = fields

    def get_is_read(self, obj) -> bool:
        return obj.read_at is not None


@extend_schema_view(list=extend_schema(parameters=[
    OpenApiParameter("unread", bool, description="Only unread messages")]))
class NotificationViewSet(viewsets.ReadOnlyModelViewSet):
    """The signed-in user's messages, newest first. Everyone has an inbox, whatever their
    role; nobody sees another person's messages (404)."""

    serializer_class = NotificationSerializer
    permission_classes = [IsAuthenticated]
    cursor_ordering = ("-created_at", "-id")

    def get_queryset(self):
        user = self.request.user
        if not user.is_authenticated:  # the schema generator asks anonymously
            return Notification.objects.none()
        qs = Notification.objects.filter(recipient=user)
        if self.action == "list" and self.request.query_params.get("unread") in ("1", "true"):
            qs = qs.filter(read_at__isnull=True)
        return qs

    @extend_schema(request=None, responses=NotificationSerializer)
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        notification = self.get_object()
        mark_read(user=request.user, ids=[notification.pk])
        notification.refresh_from_db(fields=["read_at"])
        return Response(self.get_serializer(notification).data)

    @extend_schema(request=None, responses=inline_serializer(
        "NotificationsMarkedRead", {"marked": serializers.IntegerField()}))
    @action(detail=False, methods=["post"], url_path="read-all", url_name="read-all")
    def read_all(self, request):
        return Response({"marked": mark_read(user=request.user)})


def register(router) -> None:
    router.register("notifications", NotificationViewSet, basename="notification")
