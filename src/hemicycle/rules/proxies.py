"""Proxies (pouvoirs): a member prevented from attending lets a colleague vote in his name.

L2121-20 al. 1 (communes; L3121-16 for départements): "Un conseiller municipal empêché
d'assister à une séance peut donner à un collègue de son choix pouvoir écrit de voter en son
nom. Un même conseiller municipal ne peut être porteur que d'un seul pouvoir. Le pouvoir est
toujours révocable. Sauf cas de maladie dûment constatée, il ne peut être valable pour plus de
trois séances consécutives."

What this module refuses, each with its error code:
- ``unknown_member``: mandator or holder is not a member of the assembly;
- ``self_proxy``: a member cannot hold his own proxy;
- ``duplicate_mandator``: a member gives one proxy per sitting; two proxies from the same
  member are ambiguous (which one was revoked?), so both are refused;
- ``mandator_present``: the mandator is present and votes himself ("empêché d'assister");
- ``holder_absent``: the holder must be present to vote;
- ``proxy_chain``: the holder has himself given his proxy — a vote cannot be passed on twice;
- ``proxy_too_long``: valid for more than ``Regime.proxy_max_consecutive_sittings``
  consecutive sittings, without duly established illness;
- ``too_many_proxies``: one holder carries at most ``Regime.max_proxies_per_holder`` proxies
  (1; the COVID-era 2 ended on 31 July 2022). Proxies are taken in the order of the record
  (the order the secretariat received them): the first ones are kept, the next refused.
"""

from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field

from hemicycle.rules.errors import RuleError
from hemicycle.rules.regime import Regime


@dataclass(frozen=True)
class Proxy:
    mandator: str  # the absent member who gives the proxy ("from")
    holder: str  # the colleague who votes in his name ("to")
    sittings: int = 1  # consecutive sittings the proxy was given for, this one included
    illness: bool = False  # duly established illness: no limit on consecutive sittings


@dataclass(frozen=True)
class ProxyCheck:
    valid: dict[str, str]  # mandator → holder, usable at this sitting
    refused: list[Proxy] = field(default_factory=list)
    errors: list[RuleError] = field(default_factory=list)


def check_proxies(
    proxies: Sequence[Proxy], *, members: Collection[str], present: Collection[str], regime: Regime
) -> ProxyCheck:
    """Sort the proxies of one sitting into usable and refused ones, saying why."""
    members, present = set(members), set(present)
    article = regime.proxy_article
    given = Counter(p.mandator for p in proxies)
    mandators = set(given)
    valid: dict[str, str] = {}
    refused: list[Proxy] = []
    errors: list[RuleError] = []
    per_holder: Counter[str] = Counter()
    for proxy in proxies:
        problems: list[RuleError] = []
        unknown = [m for m in (proxy.mandator, proxy.holder) if m not in members]
        for member in dict.fromkeys(unknown):
            problems.append(RuleError(
                "unknown_member",
                f"Pouvoir de {proxy.mandator} à {proxy.holder} : « {member} » n'est pas membre de l'assemblée.",
                article, member,
            ))
        if not unknown:
            if proxy.mandator == proxy.holder:
                problems.append(RuleError(
                    "self_proxy", f"{proxy.mandator} ne peut pas se donner pouvoir à lui-même.", article, proxy.mandator
                ))
            if given[proxy.mandator] > 1:
                problems.append(RuleError(
                    "duplicate_mandator",
                    f"{proxy.mandator} a donné {given[proxy.mandator]} pouvoirs pour la même séance : aucun n'est retenu.",
                    article, proxy.mandator,
                ))
            if proxy.mandator in present:
                problems.append(RuleError(
                    "mandator_present",
                    f"{proxy.mandator} est présent(e) : son pouvoir à {proxy.holder} ne peut pas servir.",
                    article, proxy.mandator,
                ))
            if proxy.holder not in present:
                problems.append(RuleError(
                    "holder_absent",
                    f"{proxy.holder}, porteur du pouvoir de {proxy.mandator}, n'est pas présent(e).",
                    article, proxy.holder,
                ))
            if proxy.holder in mandators and proxy.holder != proxy.mandator:
                problems.append(RuleError(
                    "proxy_chain",
                    f"{proxy.holder} a lui-même donné pouvoir : il ne peut pas porter celui de {proxy.mandator}.",
                    article, proxy.holder,
                ))
            if proxy.sittings > regime.proxy_max_consecutive_sittings and not proxy.illness:
                problems.append(RuleError(
                    "proxy_too_long",
                    f"Pouvoir de {proxy.mandator} donné pour {proxy.sittings} séances consécutives : "
                    f"au plus {regime.proxy_max_consecutive_sittings}, sauf maladie dûment constatée.",
                    article, proxy.mandator,
                ))
        if not problems and per_holder[proxy.holder] >= regime.max_proxies_per_holder:
            problems.append(RuleError(
                "too_many_proxies",
                f"{proxy.holder} porte déjà {per_holder[proxy.holder]} pouvoir(s) : celui de {proxy.mandator} "
                f"est refusé (au plus {regime.max_proxies_per_holder} par élu).",
                article, proxy.holder,
            ))
        if problems:
            refused.append(proxy)
            errors.extend(problems)
        else:
            valid[proxy.mandator] = proxy.holder
            per_holder[proxy.holder] += 1
    return ProxyCheck(valid=valid, refused=refused, errors=errors)
