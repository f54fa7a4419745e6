from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils.translation import gettext_lazy as _

from versioning.models import VersionedModel

from .choices import ROLE_GROUP_NAMES, Role


class Department(VersionedModel):
    """A department (部门) of the company; every staff member belongs to one."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    code = models.SlugField(_("code"), max_length=40, unique=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent department"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    head = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("head"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="headed_departments",
    )
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A member of staff who signs in. Chinese names are kept whole in ``full_name``."""

    full_name = models.CharField(_("full name"), max_length=60, blank=True)
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        # Nullable only so that the very first superuser can be created before any
        # department exists; every form requires it.
        null=True,
        related_name="members",
    )
    job_title = models.CharField(_("job title"), max_length=60, blank=True)
    mobile = models.CharField(_("mobile"), max_length=20, blank=True, db_index=True)
    language = models.CharField(
        _("language"),
        max_length=10,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = UserManager()

    class Meta:
        verbose_name = _("staff member")
        verbose_name_plural = _("staff members")
        ordering = ["username"]
        indexes = [models.Index(fields=["full_name", "id"], name="staff_user_name_idx")]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.name_from(full_name=self.full_name, first_name=self.first_name,
                              last_name=self.last_name, username=self.username)

    @staticmethod
    def name_from(*, full_name: str, first_name: str, last_name: str, username: str) -> str:
        """The name shown for a user, from their columns (for rows read as values)."""
        return full_name or f"{first_name} {last_name}".strip() or username

    def get_short_name(self) -> str:
        return self.display_name

    @property
    def name_with_department(self) -> str:
        """“王丽娜 · 客户服务中心”, to tell namesakes apart (select ``department`` along)."""
        if self.department_id:
            return f"{self.display_name} · {self.department.name}"
        return self.display_name

    def has_role(self, role: Role | str) -> bool:
        """Whether the user holds ``role`` (cached per request on the instance)."""
        if not hasattr(self, "_role_names"):
            self._role_names = set(self.groups.values_list("name", flat=True))
        return ROLE_GROUP_NAMES[Role(role)] in self._role_names
