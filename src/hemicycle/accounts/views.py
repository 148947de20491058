from django.contrib.auth import views as auth_views
from django.utils.translation import gettext_lazy as _

from hemicycle.core.access import login_only, public

from .forms import LoginForm

login = public(auth_views.LoginView.as_view(
    template_name="accounts/login.html", authentication_form=LoginForm, redirect_authenticated_user=True,
    extra_context={"title": _("Connexion")},
))
logout = login_only(auth_views.LogoutView.as_view())
