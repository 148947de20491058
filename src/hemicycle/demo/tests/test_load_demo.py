from collections import Counter

import pytest
from django.core.management import call_command

from hemicycle.acts.models import Act, Annex, Comment
from hemicycle.circuits.models import CircuitTemplate, StepRun
from hemicycle.journal.services import verify
from hemicycle.organisation.models import Authority, Department, Member, PoliticalGroup


@pytest.mark.django_db
def test_demo_commune_has_every_state_and_a_valid_journal(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("load_demo")
    authority = Authority.objects.get(slug="belval")
    assert authority.population == 52_340
    assert Member.objects.filter(authority=authority).count() == 49
    assert PoliticalGroup.objects.filter(authority=authority).count() == 5
    assert Department.objects.filter(authority=authority).count() == 10
    assert CircuitTemplate.objects.filter(authority=authority).count() == 3
    states = Counter(Act.objects.filter(authority=authority).values_list("state", flat=True))
    assert set(states) == {"draft", "in_circuit", "sent_back", "ready"} and sum(states.values()) == 60
    assert Annex.objects.filter(act__authority=authority).count() >= 30
    assert Comment.objects.filter(act__authority=authority).exists()
    assert StepRun.objects.filter(run__act__authority=authority, state="active").exists()
    assert verify().ok
    call_command("load_demo", "--if-empty")  # second run: nothing, no error
    assert Act.objects.filter(authority=authority).count() == 60


@pytest.mark.django_db
def test_paris_preset_small(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("load_demo", "--preset", "paris", "--acts", "5")
    authority = Authority.objects.get(slug="paris")
    assert Member.objects.filter(authority=authority).count() == 163
    assert PoliticalGroup.objects.filter(authority=authority).count() == 8
    assert Department.objects.filter(authority=authority).count() == 25
    assert Act.objects.filter(authority=authority, state="ready").count() == 5
    assert Annex.objects.filter(act__authority=authority).count() == 5
