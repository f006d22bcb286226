"""Every environment variable the settings read is documented in the README's table."""

from __future__ import annotations

from pathlib import Path

from pydantic import AliasChoices

from vigil.settings import Settings

README = (Path(__file__).parents[2] / "README.md").read_text()


def test_every_setting_is_in_the_readme_configuration_table():
    names = []
    for field in Settings.model_fields.values():
        alias = field.validation_alias
        if isinstance(alias, AliasChoices):
            names += [str(c) for c in alias.choices]
        elif alias:
            names.append(str(alias))
    assert len(names) > 30
    missing = [n for n in names if f"`{n}`" not in README]
    assert missing == [], f"document these in the README configuration table: {missing}"
