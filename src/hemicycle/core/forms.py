"""Form helpers shared by every app: DSFR markup for fields."""

from dsfr.forms import DsfrBoundField


class BoundField(DsfrBoundField):
    """django-dsfr's field markup, with checkbox snippets of our own (theirs need widget_tweaks)."""

    @property
    def template_name(self):
        if self.field.template_name:
            return self.field.template_name
        if self.widget_type == "checkbox":
            return "hemicycle/fields/checkbox.html"
        if self.widget_type == "checkboxselectmultiple":
            return "hemicycle/fields/checkboxes.html"
        return super().template_name
