"""What the home page shows a user. Sections are added by the features they belong to."""

from hemicycle.acts.models import Act
from hemicycle.circuits.inbox import inbox_sections


def desk_context(request) -> dict:
    user = request.user
    my_acts = (Act.objects.filter(authority=request.authority, drafter=user)
               .select_related("department").order_by("-updated_at")[:20])
    context = {"my_acts": my_acts}
    context.update(inbox_sections(user))
    return context
