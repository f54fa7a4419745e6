from django.urls import path

from . import views

app_name = "tickets"

urlpatterns = [
    path("", views.ticket_list, name="list"),
    path("new/", views.fast_entry, name="fast_entry"),
    path("lookup/", views.lookup, name="lookup"),
    path("<int:pk>/", views.ticket_detail, name="detail"),
    path("<int:pk>/<str:action>/", views.ticket_act_view, name="act"),
]
