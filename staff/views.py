from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse, reverse_lazy
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from portal.pagination import keyset_page

from .forms import ChangePasswordForm, LanguageForm, LoginForm, ResetPasswordForm
from .selectors import staff_directory_for_user, staff_prefix_search
from .services import user_change_password, user_set_language

PICKER_RESULTS = 10


class LoginView(auth_views.LoginView):
    template_name = "staff/login.html"
    form_class = LoginForm
    redirect_authenticated_user = True


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "staff/password_change.html"
    form_class = ChangePasswordForm
    success_url = reverse_lazy("portal:home")

    def form_valid(self, form):
        user_change_password(request=self.request, user=form.user,
                             new_password=form.cleaned_data["new_password1"])
        messages.success(self.request, _("Your password has been changed."))
        return HttpResponseRedirect(self.get_success_url())


class PasswordResetView(auth_views.PasswordResetView):
    """Same answer whether or not the address is known, so accounts cannot be probed."""

    template_name = "staff/password_reset_form.html"
    form_class = ResetPasswordForm
    success_url = reverse_lazy("staff:password_reset_done")

    def form_valid(self, form):
        form.send_reset(base_url=self.request.build_absolute_uri("/"))
        return HttpResponseRedirect(self.get_success_url())


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "staff/password_reset_confirm.html"
    success_url = reverse_lazy("staff:password_reset_complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        from audit.services import audit_record

        audit_record(actor=form.user, action="auth.password_reset", target=form.user,
                     actor_repr=form.user.get_username())
        return response


@login_not_required
@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Switch the interface language; remembered on the account and in a cookie."""
    form = LanguageForm(request.POST)
    next_url = request.POST.get("next") or reverse("portal:home")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        next_url = reverse("portal:home")
    response = HttpResponseRedirect(next_url)
    if not form.is_valid():
        messages.error(request, _("That language is not available."))
        return response
    language = form.cleaned_data["language"]
    if request.user.is_authenticated:
        user_set_language(user=request.user, language=language)
    translation.activate(language)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        secure=getattr(settings, "LANGUAGE_COOKIE_SECURE", False),
        httponly=True,
    )
    return response


@require_GET
def directory(request: HttpRequest) -> HttpResponse:
    """The staff phone directory (同事通讯录), searchable, paginated by an index."""
    query = request.GET.get("q", "")[:100]
    staff = staff_directory_for_user(user=request.user, query=query)
    page = keyset_page(staff, fields=["full_name", "id"], cursor=request.GET.get("cursor"),
                       size=50)
    template = "staff/partials/directory_rows.html" if request.headers.get(
        "HX-Request") else "staff/user_list.html"
    return render(request, template, {"page": page, "query": query})


@require_GET
def picker(request: HttpRequest) -> JsonResponse:
    """Up to ten active colleagues by name, username or phone (tail) for search pickers
    (``portal.widgets``): ``{"results": [{"id": …, "label": "王丽娜 · 客户服务中心"}]}``."""
    if not request.user.has_perm("staff.view_user"):
        raise PermissionDenied
    query = (request.GET.get("q") or "").strip()[:60]
    found = staff_prefix_search(query=query, limit=PICKER_RESULTS) if query else []
    return JsonResponse({"results": [{"id": user.pk, "label": user.name_with_department}
                                     for user in found]})
