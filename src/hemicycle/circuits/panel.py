"""The circuit panel of an act page: who approved, who still must, who sent it back, and
what the current user may do now."""

from .models import CircuitRun


def panel_context(user, act) -> dict:
    runs = (CircuitRun.objects.filter(act=act)
            .prefetch_related("steps__approvers", "steps__decisions__user", "steps__decisions__on_behalf_of",
                              "steps__decisions__delegate_to")
            .order_by("-started_at", "-pk"))
    runs = list(runs)
    return {"circuit_runs": runs, "current_run": runs[0] if runs else None}
