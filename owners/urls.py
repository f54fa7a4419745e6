from django.urls import path

from . import views

app_name = "owners"

urlpatterns = [
    path("people/", views.party_list, name="party_list"),
    path("people/new/", views.party_edit, name="party_create"),
    path("people/<int:pk>/", views.party_detail, name="party_detail"),
    path("people/<int:pk>/edit/", views.party_edit, name="party_edit"),
    path("people/<int:pk>/id/", views.party_reveal_id, name="party_reveal_id"),
    path("people/<int:pk>/notes/", views.party_note_add, name="party_note_add"),
    path("people/export/", views.party_export, name="party_export"),
    path("exports/", views.export_list, name="export_list"),
    path("import/", views.roster_import, name="roster_import"),
    path("import/template/", views.roster_template, name="roster_template"),
    path("people/<int:pk>/documents/new/", views.document_create, name="document_create"),
    path("documents/<int:pk>/status/", views.document_status, name="document_status"),
    path("templates/", views.template_list, name="template_list"),
    path("people/<int:pk>/contact/", views.party_contact, name="party_contact"),
    path("people/<int:pk>/pets/", views.pet_add, name="pet_add"),
    path("people/<int:pk>/pets/<int:pet_pk>/remove/", views.pet_remove, name="pet_remove"),
    path("tenures/<str:kind>/<int:pk>/end/", views.tenure_end, name="tenure_end"),
    path("rooms/generate/", views.rooms_generate, name="rooms_generate"),
    path("rooms/export/", views.room_export, name="room_export"),
    path("rooms/<int:pk>/contact/", views.room_contact, name="room_contact"),
    path("committees/", views.committee_list, name="committee_list"),
    path("rooms/", views.room_list, name="room_list"),
    path("rooms/<int:pk>/", views.room_detail, name="room_detail"),
    path("rooms/<int:room_pk>/household/", views.household_add, name="household_add"),
]
