from django.utils.translation import gettext_lazy as _

from . import navigation

navigation.register(
    navigation.NavItem(key="home", label=_("Dashboard"), url_name="portal:home",
                       icon="speedometer2", order=0)
)
navigation.register(
    navigation.NavItem(key="admin", label=_("Administration"), url_name="admin:index",
                       icon="gear", order=900, visible=lambda user: user.is_staff)
)
navigation.register(
    navigation.NavItem(key="api", label=_("API documentation"), url_name="api-docs",
                       icon="braces", order=950,
                       visible=lambda user: user.is_staff)
)
