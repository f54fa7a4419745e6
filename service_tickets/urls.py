from django.urls import path

from . import views, views_board, views_entry, views_followup, views_notices, views_work

app_name = "tickets"

urlpatterns = [
    *views_board.urlpatterns,
    *views_entry.urlpatterns,
    *views_followup.urlpatterns,
    *views_work.urlpatterns,
    *views_notices.urlpatterns,
    path("<int:pk>/", views.ticket_detail, name="detail"),
    path("<int:pk>/<str:action>/", views.ticket_act_view, name="act"),
]
