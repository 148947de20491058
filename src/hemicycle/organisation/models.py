"""The authority's organisation: departments, members (élus), groups, committees, mandates."""

from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from hemicycle.rules.regime import AuthorityKind, Regime, regime_for

AUTHORITY_KIND_CHOICES = [(kind.value, kind.label) for kind in AuthorityKind]


class Authority(models.Model):
    """A collectivité. Its kind and population decide its legal regime (rules.md)."""

    name = models.CharField(_("nom"), max_length=200)
    slug = models.SlugField(_("identifiant"), unique=True)
    kind = models.CharField(_("type"), max_length=20, choices=AUTHORITY_KIND_CHOICES)
    siren = models.CharField(
        "SIREN", max_length=9, validators=[RegexValidator(r"^\d{9}$", _("Le SIREN compte 9 chiffres."))]
    )
    siret = models.CharField(
        "SIRET", max_length=14, blank=True,
        validators=[RegexValidator(r"^\d{14}$", _("Le SIRET compte 14 chiffres."))],
    )
    department_code = models.CharField(
        _("code du département"), max_length=3,
        validators=[RegexValidator(r"^(\d{3}|02A|02B)$", _("Code sur 3 caractères, par exemple 075."))],
    )
    arrondissement = models.CharField(_("arrondissement"), max_length=1, default="0",
                                      validators=[RegexValidator(r"^\d$", _("Un chiffre."))])
    population = models.PositiveIntegerField(_("population"))
    seats = models.PositiveSmallIntegerField(_("nombre de sièges"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("collectivité")
        verbose_name_plural = _("collectivités")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def regime(self) -> Regime:
        return regime_for(AuthorityKind(self.kind), self.population)


class Department(models.Model):
    """A direction or service; owns drafts. Its code (DAC, DFPE…) appears in references."""

    authority = models.ForeignKey(Authority, on_delete=models.CASCADE, related_name="departments")
    parent = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True,
                               related_name="children", verbose_name=_("direction parente"))
    code = models.CharField(_("code"), max_length=20,
                            validators=[RegexValidator(r"^[A-Z0-9][A-Z0-9_-]*$", _("Lettres majuscules, chiffres, - ou _."))])
    name = models.CharField(_("nom"), max_length=200)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("direction")
        ordering = ["code"]
        constraints = [models.UniqueConstraint(fields=["authority", "code"], name="unique_department_code")]

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"

    def ancestors_and_self(self) -> list["Department"]:
        chain, node = [], self
        while node is not None and node not in chain:
            chain.append(node)
            node = node.parent
        return chain


class PoliticalGroup(models.Model):
    authority = models.ForeignKey(Authority, on_delete=models.CASCADE, related_name="groups")
    name = models.CharField(_("nom"), max_length=200)
    short_name = models.CharField(_("sigle"), max_length=30)
    colour = models.CharField(_("couleur"), max_length=7, default="#000091")

    class Meta:
        verbose_name = _("groupe politique")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["authority", "short_name"], name="unique_group_short_name")]

    def __str__(self) -> str:
        return self.name


class Committee(models.Model):
    """A commission: examines items before the sitting and gives an opinion."""

    authority = models.ForeignKey(Authority, on_delete=models.CASCADE, related_name="committees")
    name = models.CharField(_("nom"), max_length=200)
    short_name = models.CharField(_("sigle"), max_length=30)

    class Meta:
        verbose_name = _("commission")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["authority", "short_name"], name="unique_committee_short_name")]

    def __str__(self) -> str:
        return self.name


class Member(models.Model):
    """An elected member (élu). May have a user account to use the members' portal."""

    class Civility(models.TextChoices):
        MADAME = "Mme", _("Madame")
        MONSIEUR = "M.", _("Monsieur")

    authority = models.ForeignKey(Authority, on_delete=models.CASCADE, related_name="members")
    user = models.OneToOneField("accounts.User", on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="member")
    civility = models.CharField(_("civilité"), max_length=3, choices=Civility.choices)
    first_name = models.CharField(_("prénom"), max_length=100)
    last_name = models.CharField(_("nom"), max_length=100)
    birth_date = models.DateField(_("date de naissance"), null=True, blank=True)
    email = models.EmailField(_("courriel"), blank=True)
    group = models.ForeignKey(PoliticalGroup, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="members", verbose_name=_("groupe politique"))
    committees = models.ManyToManyField(Committee, blank=True, related_name="members", verbose_name=_("commissions"))
    paper_convocation = models.BooleanField(_("convocation papier"), default=False)

    class Meta:
        verbose_name = _("élu")
        ordering = ["last_name", "first_name"]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"


class Mandate(models.Model):
    """A member's mandate or function over a period (conseiller, adjoint, maire…)."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="mandates")
    function = models.CharField(_("fonction"), max_length=200)
    start_date = models.DateField(_("début"))
    end_date = models.DateField(_("fin"), null=True, blank=True)
    is_president = models.BooleanField(_("préside l'assemblée"), default=False)

    class Meta:
        verbose_name = _("mandat")
        ordering = ["-start_date"]

    def __str__(self) -> str:
        return f"{self.member} — {self.function}"
