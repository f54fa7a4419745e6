"""Version 1 of the REST API: each app contributes its routes to one router."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from inbox import api as inbox_api
from owners import api as owners_api
from scheduling import api as scheduling_api
from scheduling import api_memos as scheduling_memos_api
from service_tickets import api as tickets_api
from staff import api as staff_api

router = DefaultRouter()
staff_api.register(router)
owners_api.register(router)
tickets_api.register(router)
inbox_api.register(router)
scheduling_memos_api.register(router)
scheduling_api.register(router)

urlpatterns = [
    path("me/", staff_api.MeView.as_view(), name="api-me"),
    path("auth/token/", staff_api.ObtainTokenView.as_view(), name="api-token"),
    *router.urls,
]
