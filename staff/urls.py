from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

app_name = "staff"

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("password/reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path("password/reset/sent/",
         auth_views.PasswordResetDoneView.as_view(
             template_name="staff/password_reset_done.html"),
         name="password_reset_done"),
    path("password/reset/<uidb64>/<token>/", views.PasswordResetConfirmView.as_view(),
         name="password_reset_confirm"),
    path("password/reset/complete/",
         auth_views.PasswordResetCompleteView.as_view(
             template_name="staff/password_reset_complete.html"),
         name="password_reset_complete"),
    path("language/", views.set_language, name="set_language"),
    path("staff/", views.directory, name="directory"),
    path("staff/picker/", views.picker, name="picker"),
]
