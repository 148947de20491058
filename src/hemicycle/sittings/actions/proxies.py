"""Proxies (pouvoirs, L2121-20): given by a member to a colleague for named sittings, revoked.

``give_proxy`` refuses, with a French message citing the regime's article (L2121-20 for
communes, L3121-16 for départements):
- a proxy to oneself;
- a colleague, or a mandator, who does not sit in the sittings' assembly; sittings of several
  assemblies in one proxy; sittings already held, open or closed;
- a second proxy from the same mandator for the same sitting (revoke the first one);
- a holder who already carries ``Regime.max_proxies_per_holder`` proxies for one of the
  sittings; a holder who has himself given his proxy for it; a mandator who carries a
  colleague's proxy for it (that proxy could no longer be used);
- more than ``Regime.proxy_max_consecutive_sittings`` consecutive sittings of the assembly
  without duly established illness ("maladie dûment constatée").
The legal judgement is ``rules.proxies.check_proxies``: the sitting's proxies are checked
without and with the new one, and every error the new one brings is a refusal.

A proxy is "always revocable": ``revoke_proxy`` ends it for every sitting still ahead; the
sittings already held keep it (their minutes record it).
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from hemicycle.accounts.models import User
from hemicycle.core.roles import Role
from hemicycle.journal.services import record
from hemicycle.notifications.services import notify
from hemicycle.rules import proxies as rules
from hemicycle.rules.errors import fr_date

from ..models import Proxy, Sitting

UPCOMING_STATES = (Sitting.State.PLANNED, Sitting.State.CONVENED)
LIVE_STATES = (Sitting.State.OPEN, Sitting.State.SUSPENDED)
NOTIFICATION_KIND = "proxy"


def secretariat_users(authority):
    return User.objects.filter(authority=authority, is_active=True, role_assignments__role=Role.SECRETARIAT).distinct()


def _may_act_for(user, member) -> bool:
    if user.authority_id != member.authority_id:
        return False
    return member.user_id == user.pk or user.has_role(Role.SECRETARIAT)


def _is_upcoming(sitting: Sitting, today: datetime.date) -> bool:
    return sitting.state in UPCOMING_STATES and sitting.date >= today


def may_take_proxies(sitting: Sitting, today: datetime.date, *, paper: bool) -> bool:
    """Before the sitting, from the portal or on paper; during the sitting (open or suspended,
    on its day) only the written proxy handed to the secretariat by a member who leaves the
    room (L2121-20: a member prevented from attending — also for the rest of a sitting)."""
    if _is_upcoming(sitting, today):
        return True
    return paper and sitting.state in LIVE_STATES and sitting.date == today


def longest_consecutive_run(sittings, assembly) -> int:
    """The most consecutive sittings of ``assembly`` (in date order) among ``sittings``."""
    order = list(Sitting.objects.filter(assembly=assembly).order_by("date", "start_time", "pk")
                 .values_list("pk", flat=True))
    chosen = {s.pk for s in sittings}
    best = run = 0
    for pk in order:
        run = run + 1 if pk in chosen else 0
        best = max(best, run)
    return best


def active_proxies(sitting: Sitting):
    """Proxies given for the sitting and not revoked, in the order they were given."""
    return (sitting.proxies.filter(revoked_at__isnull=True).select_related("mandator", "holder")
            .order_by("given_at", "pk"))


def _rule_proxy(proxy: Proxy, sittings: int = 1) -> rules.Proxy:
    return rules.Proxy(mandator=str(proxy.mandator_id), holder=str(proxy.holder_id), sittings=sittings,
                       illness=proxy.illness)


def check_sitting_proxies(sitting: Sitting, proxies=None):
    """``rules.proxies.check_proxies`` on the sitting's proxies, before attendance is known:
    every member is taken as present except the mandators."""
    proxies = list(active_proxies(sitting)) if proxies is None else proxies
    members = {str(pk) for pk in sitting.assembly.members().values_list("pk", flat=True)}
    mandators = {str(p.mandator) if isinstance(p, rules.Proxy) else str(p.mandator_id) for p in proxies}
    rule_proxies = [p if isinstance(p, rules.Proxy) else _rule_proxy(p) for p in proxies]
    return rules.check_proxies(rule_proxies, members=members, present=members - mandators,
                               regime=sitting.assembly.regime)


def _message(error, *, sitting, mandator, holder, existing, names, regime, run) -> str:
    """A French sentence for one refusal, naming people and the sitting, citing the article."""
    article = f"article {error.article}"
    day = fr_date(sitting.date)
    if error.code == "self_proxy":
        return f"Un élu ne peut pas se donner pouvoir à lui-même ({article})."
    if error.code == "unknown_member":
        who = names.get(error.member, "Cet élu")
        return f"{who} ne siège pas à l'assemblée de la séance du {day} ({article})."
    if error.code == "duplicate_mandator":
        earlier = next((p for p in existing if p.mandator_id == mandator.pk), None)
        to = f" à {earlier.holder}" if earlier else ""
        return (f"{mandator} a déjà donné pouvoir{to} pour la séance du {day} : un élu ne donne qu'un pouvoir "
                f"par séance. Révoquez d'abord le premier ({article}).")
    if error.code == "too_many_proxies":
        return (f"{holder} porte déjà un pouvoir pour la séance du {day} : un même élu ne peut être porteur que de "
                f"{regime.max_proxies_per_holder} pouvoir{'s' if regime.max_proxies_per_holder > 1 else ''} ({article}).")
    if error.code in ("proxy_chain", "holder_absent") and error.member == str(holder.pk):
        return (f"{holder} a lui-même donné pouvoir pour la séance du {day} : il ne peut pas porter le vôtre "
                f"({article}).")
    if error.code in ("proxy_chain", "holder_absent"):
        carried = next((p for p in existing if str(p.holder_id) == str(mandator.pk)), None)
        of = f" de {carried.mandator}" if carried else ""
        return (f"{mandator} porte le pouvoir{of} pour la séance du {day} : s'il donne le sien, ce pouvoir ne pourra "
                f"plus servir. Il doit d'abord être révoqué ({article}).")
    if error.code == "proxy_too_long":
        return (f"Un pouvoir ne peut valoir pour plus de {regime.proxy_max_consecutive_sittings} séances consécutives, "
                f"sauf maladie dûment constatée : celui-ci en couvre {run} ({article}).")
    return f"{error.message} ({article})."


@transaction.atomic
def give_proxy(user, *, mandator, holder, sittings, illness: bool = False, paper: bool = False) -> Proxy:
    """``mandator`` gives ``holder`` the power to vote in his name at ``sittings`` — from the
    portal, or on paper (``paper``): the written proxy handed to the secretariat, who records
    it (the journal names who recorded it; the same rules apply)."""
    if not _may_act_for(user, mandator):
        raise PermissionDenied("Vous ne pouvez donner un pouvoir qu'en votre nom.")
    if paper and not user.has_role(Role.SECRETARIAT):
        raise PermissionDenied("Seul le secrétariat des assemblées enregistre un pouvoir remis sur papier.")
    if holder.authority_id != mandator.authority_id:
        raise ValidationError({"holder": "Ce collègue n'appartient pas à votre collectivité."})
    sittings = list(Sitting.objects.select_for_update().filter(
        pk__in=[s.pk for s in sittings], authority_id=mandator.authority_id).select_related("assembly")
        .order_by("date", "start_time", "pk"))
    if not sittings:
        raise ValidationError({"sittings": "Choisissez au moins une séance."})
    assembly = sittings[0].assembly
    regime = assembly.regime
    article = f"article {regime.proxy_article}"
    if any(s.assembly_id != assembly.pk for s in sittings):
        raise ValidationError({"sittings": "Un pouvoir vaut pour les séances d'une même assemblée : donnez un pouvoir "
                                           "par assemblée."})
    today = timezone.localdate()
    past = [s for s in sittings if not may_take_proxies(s, today, paper=paper)]
    if past:
        raise ValidationError({"sittings": "La séance du %s est ouverte ou passée : un pouvoir se donne avant la "
                                           "séance (pendant la séance, seul un pouvoir écrit remis au secrétariat "
                                           "par un élu qui quitte la salle)." % fr_date(past[0].date)})
    if holder.pk == mandator.pk:
        raise ValidationError({"holder": f"Un élu ne peut pas se donner pouvoir à lui-même ({article})."})
    seated = set(assembly.members().filter(pk__in=[mandator.pk, holder.pk]).values_list("pk", flat=True))
    if mandator.pk not in seated:
        raise ValidationError(f"{mandator} ne siège pas à {assembly} ({article}).")
    if holder.pk not in seated:
        raise ValidationError({"holder": f"{holder} ne siège pas à {assembly} : un pouvoir se donne à un collègue "
                                         f"de la même assemblée ({article})."})
    run = longest_consecutive_run(sittings, assembly)
    new = rules.Proxy(mandator=str(mandator.pk), holder=str(holder.pk), sittings=run, illness=illness)
    names = {str(mandator.pk): str(mandator), str(holder.pk): str(holder)}
    problems: list[str] = []
    for sitting in sittings:
        existing = list(active_proxies(sitting))
        before = set(check_sitting_proxies(sitting, existing).errors)
        after = check_sitting_proxies(sitting, [*existing, new]).errors
        for error in after:
            if error in before:
                continue
            message = _message(error, sitting=sitting, mandator=mandator, holder=holder, existing=existing,
                               names=names, regime=regime, run=run)
            if message not in problems:
                problems.append(message)
    if problems:
        raise ValidationError(problems)
    proxy = Proxy.objects.create(authority_id=mandator.authority_id, mandator=mandator, holder=holder,
                                 illness=illness, given_by=user)
    proxy.sittings.set(sittings)
    slugs = [s.slug for s in sittings]
    for sitting in sittings:
        record("sitting.proxy_given", actor=user, obj=sitting,
               data={"proxy": proxy.pk, "mandator": mandator.pk, "mandator_name": str(mandator),
                     "holder": holder.pk, "holder_name": str(holder), "illness": illness, "sittings": slugs,
                     "consecutive": run, "paper": paper})
    days = ", ".join(fr_date(s.date) for s in sittings)
    illness_note = " (maladie dûment constatée)" if illness else ""
    paper_note = " Pouvoir écrit remis au secrétariat des assemblées." if paper else ""
    if holder.user_id:
        notify([holder.user], NOTIFICATION_KIND,
               f"{mandator} vous donne pouvoir de voter en son nom : séance(s) du {days}{illness_note}.{paper_note}",
               url=reverse("portal:proxies"), exclude=user)
    if paper and mandator.user_id:
        notify([mandator.user], NOTIFICATION_KIND,
               f"Votre pouvoir écrit à {holder} est enregistré par le secrétariat : séance(s) du {days}{illness_note}.",
               url=reverse("portal:proxies"), exclude=user)
    notify(secretariat_users(mandator.authority), NOTIFICATION_KIND,
           f"Pouvoir de {mandator} à {holder} : séance(s) du {days}{illness_note}.{paper_note}",
           url=reverse("portal:secretariat_proxies", args=[sittings[0].slug]), exclude=user)
    return proxy


@transaction.atomic
def revoke_proxy(user, proxy: Proxy) -> Proxy:
    """End the proxy for every sitting still ahead; the sittings already held keep it."""
    proxy = Proxy.objects.select_for_update().select_related("mandator", "holder").get(pk=proxy.pk)
    if not _may_act_for(user, proxy.mandator):
        raise PermissionDenied("Seul l'élu qui a donné ce pouvoir peut le révoquer.")
    if proxy.revoked_at is not None:
        raise ValidationError("Ce pouvoir a déjà été révoqué.")
    today = timezone.localdate()
    sittings = list(proxy.sittings.select_related("assembly").order_by("date", "pk"))
    ahead = [s for s in sittings if _is_upcoming(s, today)]
    if not ahead:
        raise ValidationError("Ce pouvoir ne vaut plus pour aucune séance à venir : il ne peut plus être révoqué.")
    kept = [s for s in sittings if s not in ahead]
    if kept:
        proxy.sittings.remove(*ahead)  # the proxy stays on record for the sittings already held
    else:
        proxy.revoked_at = timezone.now()
        proxy.save(update_fields=["revoked_at"])
    for sitting in ahead:
        record("sitting.proxy_revoked", actor=user, obj=sitting,
               data={"proxy": proxy.pk, "mandator": proxy.mandator_id, "mandator_name": str(proxy.mandator),
                     "holder": proxy.holder_id, "holder_name": str(proxy.holder),
                     "by_mandator": proxy.mandator.user_id == user.pk})
    days = ", ".join(fr_date(s.date) for s in ahead)
    if proxy.holder.user_id:
        notify([proxy.holder.user], NOTIFICATION_KIND,
               f"{proxy.mandator} a révoqué le pouvoir qu'il vous avait donné : séance(s) du {days}.",
               url=reverse("portal:proxies"), exclude=user)
    if proxy.mandator.user_id and proxy.mandator.user_id != user.pk:  # revoked with the secretariat
        notify([proxy.mandator.user], NOTIFICATION_KIND,
               f"Votre pouvoir à {proxy.holder} est révoqué par le secrétariat : séance(s) du {days}.",
               url=reverse("portal:proxies"), exclude=user)
    notify(secretariat_users(proxy.authority), NOTIFICATION_KIND,
           f"Pouvoir de {proxy.mandator} à {proxy.holder} révoqué : séance(s) du {days}.",
           url=reverse("portal:secretariat_proxies", args=[ahead[0].slug]), exclude=user)
    return proxy
