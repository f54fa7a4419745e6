"""REST resources of the staff app: the signed-in user, departments, the staff directory."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics, mixins, serializers, viewsets
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.exceptions import APIException, ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.throttling import ScopedRateThrottle

from versioning.api import VersionedSerializerMixin

from .models import Department, User
from .selectors import departments_for_user, staff_directory_for_user


class DepartmentSerializer(VersionedSerializerMixin, serializers.ModelSerializer):
    head_name = serializers.CharField(source="head.display_name", read_only=True,
                                      default=None)

    class Meta:
        model = Department
        fields = ["id", "name", "code", "parent", "head", "head_name", "phone", "is_active",
                  "version", "updated_at"]
        read_only_fields = ["updated_at"]


class StaffSerializer(serializers.ModelSerializer):
    display_name = serializers.CharField(read_only=True)
    department_name = serializers.CharField(source="department.name", read_only=True,
                                            default=None)

    class Meta:
        model = User
        fields = ["id", "username", "display_name", "department", "department_name",
                  "job_title", "mobile"]


class MeSerializer(StaffSerializer):
    roles = serializers.SerializerMethodField()

    class Meta(StaffSerializer.Meta):
        fields = [*StaffSerializer.Meta.fields, "email", "language", "roles"]
        read_only_fields = ["id", "username", "department", "job_title", "mobile", "email"]

    def get_roles(self, obj) -> list[str]:
        return sorted(obj.groups.values_list("name", flat=True))


class MeView(generics.RetrieveUpdateAPIView):
    """The signed-in user; only the language can be changed here."""

    serializer_class = MeSerializer
    permission_classes = [IsAuthenticated]

    def get_object(self):
        return self.request.user

    def perform_update(self, serializer):
        from .services import user_set_language

        language = serializer.validated_data.get("language")
        if language:
            user_set_language(user=self.request.user, language=language)


class DepartmentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin,
                        mixins.UpdateModelMixin, viewsets.GenericViewSet):
    """Departments (部门). Reading needs ``view_department``, editing ``change_department``."""

    serializer_class = DepartmentSerializer
    cursor_ordering = ("name", "id")

    def get_queryset(self):
        return departments_for_user(user=self.request.user)


class StaffViewSet(viewsets.ReadOnlyModelViewSet):
    """The staff directory; ``?q=`` searches name, username, department, phone tail."""

    serializer_class = StaffSerializer
    cursor_ordering = ("id",)

    def get_queryset(self):
        return staff_directory_for_user(user=self.request.user,
                                        query=self.request.query_params.get("q", ""))


@extend_schema(tags=["auth"], summary=str(_("Obtain an API token")))
class ObtainTokenView(ObtainAuthToken):
    """Exchange a username and password for a token (locked out like the login page)."""

    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "token"

    def post(self, request, *args, **kwargs):
        try:
            return super().post(request, *args, **kwargs)
        except ValidationError:
            if getattr(request, "axes_locked_out", False):
                raise AccountLocked from None
            raise


class AccountLocked(APIException):
    status_code = 429
    default_detail = _("Too many failed sign-ins: this account is locked on this address "
                       "for 15 minutes.")
    default_code = "locked_out"


def register(router) -> None:
    router.register("departments", DepartmentViewSet, basename="department")
    router.register("staff", StaffViewSet, basename="staff")
