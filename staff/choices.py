from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """The roles of the company's staff; each is a permission group of the same name."""

    FRONT_DESK = "front_desk", _("Front desk")
    DISPATCHER = "dispatcher", _("Dispatcher")
    SERVICE_STAFF = "service_staff", _("Service staff")
    MANAGER = "manager", _("Manager")
    SECURITY_SUPERVISOR = "security_supervisor", _("Security supervisor")
    SAFETY_OFFICER = "safety_officer", _("Safety officer")
    ADMINISTRATOR = "administrator", _("Administrator")


# The permission group of each role. Group names are data shown in admin as they are, so
# they are the Chinese names the staff use; code refers to roles by ``Role`` only.
ROLE_GROUP_NAMES: dict[str, str] = {
    Role.FRONT_DESK: "客服",
    Role.DISPATCHER: "派单员",
    Role.SERVICE_STAFF: "维修/服务人员",
    Role.MANAGER: "经理",
    Role.SECURITY_SUPERVISOR: "保安主管",
    Role.SAFETY_OFFICER: "安全员",
    Role.ADMINISTRATOR: "系统管理员",
}
