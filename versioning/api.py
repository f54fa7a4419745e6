from django.db import transaction
from rest_framework import serializers, status
from rest_framework.exceptions import APIException

from .services import StaleVersionError, version_claim


class VersionConflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "stale_version"
    default_detail = StaleVersionError.message


class VersionedSerializerMixin(serializers.Serializer):
    """``version`` is read on every answer and required on every update."""

    version = serializers.IntegerField(
        required=False,
        help_text="The version you are editing, as last read; required when updating.")

    def validate(self, attrs):
        attrs = super().validate(attrs)
        if self.instance is not None and "version" not in attrs:
            raise serializers.ValidationError({"version": [
                serializers.Field.default_error_messages["required"]]})
        return attrs

    def update(self, instance, validated_data):
        expected = validated_data.pop("version")
        with transaction.atomic():
            try:
                instance.version = version_claim(instance=instance, expected=expected)
            except StaleVersionError as exc:
                raise VersionConflict from exc
            return self.update_claimed(instance, validated_data)

    def update_claimed(self, instance, validated_data):
        """Save the edit once its version is claimed; override to save through a service."""
        return super().update(instance, validated_data)
