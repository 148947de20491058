"""Comments on an act: threaded replies, @mentions that notify."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from hemicycle.core.access import require, roles

from .. import permissions
from ..actions import add_comment
from ..forms import CommentForm
from ..models import Comment
from .common import STAFF_ROLES, add_validation_errors, get_act
from .pages import detail_context


@roles(*STAFF_ROLES)
def comment_add(request, slug):
    act = get_act(request, slug)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    require(permissions.can_comment(request.user, act), _("Vous ne pouvez pas commenter cet acte."))
    form = CommentForm(request.POST)
    if form.is_valid():
        parent = None
        if form.cleaned_data["parent"]:
            parent = Comment.objects.filter(act=act, pk=form.cleaned_data["parent"]).first()
            if parent is None:
                form.add_error(None, _("Le commentaire auquel vous répondez n'existe pas sur cet acte."))
        if not form.errors:
            try:
                comment = add_comment(request.user, act, form.cleaned_data["body"], parent=parent)
            except ValidationError as exc:
                add_validation_errors(form, exc)
            else:
                messages.success(request, _("Commentaire publié."))
                if comment.unreachable_mentions:
                    messages.warning(request, _("Non notifié(s) : %(names)s — utilisateur inconnu ou sans accès à "
                                                "cet acte.") % {"names": ", ".join("@" + n for n in
                                                                                   comment.unreachable_mentions)})
                return redirect(reverse("acts:detail", args=[act.slug]) + f"#commentaire-{comment.pk}")
    return render(request, "acts/act_detail.html", detail_context(request, act, comment_form=form), status=400)
