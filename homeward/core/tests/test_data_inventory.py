"""The data inventory (SECURITY.md DP-04): every field of every model declared with its
class, purpose, legal basis, retention and audience; the document generated from it is
current; personal information past its retention is erased."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from homeward.core import inventory
from homeward.core.inventory import INVENTORY, Table, inventory_markdown, inventory_problems
from homeward.core.management.commands.data_inventory import document_path


def test_every_field_of_every_model_is_in_the_inventory() -> None:
    assert inventory_problems() == []


def test_a_field_missing_from_the_inventory_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    person = INVENTORY["people.Person"]
    without_phone = Table(
        purpose=person.purpose,
        basis=person.basis,
        retention=person.retention,
        visible_to=person.visible_to,
        sensitive=" ".join(n for n in person.sensitive.split() if n != "phone"),
        personal=person.personal,
        other=person.other + " nickname",
    )
    monkeypatch.setitem(inventory.INVENTORY, "people.Person", without_phone)
    monkeypatch.delitem(inventory.INVENTORY, "tips.Reward")
    problems = inventory_problems()
    assert any(p.startswith("people.Person.phone is not in the data inventory") for p in problems)
    assert any(p.startswith("people.Person.nickname is declared") for p in problems)
    assert any(p.startswith("tips.Reward is not in the data inventory") for p in problems)


@pytest.mark.parametrize(
    ("label", "field"),
    [
        ("people.Person", "id_number"),
        ("people.Person", "date_of_birth"),
        ("dna.Specimen", "genotype"),
        ("dna.MatchCandidate", "per_locus"),
        ("tips.Tip", "narrative"),
        ("tips.Tip", "contact"),
        ("alerts.Subscriber", "latitude"),
        ("victims.Victim", "person"),
        ("prevention.OffenderFollowUp", "offence"),
    ],
)
def test_the_pipl_sensitive_fields_are_classed_sensitive(label: str, field: str) -> None:
    assert INVENTORY[label].fields()[field] == "sensitive"


def test_every_table_with_personal_information_names_a_pipl_article() -> None:
    for label, table in INVENTORY.items():
        if table.sensitive or table.personal:
            assert "PIPL Art" in table.basis, label


def test_the_generated_document_is_current() -> None:
    assert document_path().read_text(encoding="utf-8") == inventory_markdown()
    call_command("data_inventory", "--check", stdout=io.StringIO())
