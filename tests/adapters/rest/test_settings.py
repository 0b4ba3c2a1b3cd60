"""REST settings: the example config is valid and bad keys are named clearly."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from adapters.rest import RestAdapter, RestSettings
from connector.config import SystemSettings, load_settings
from connector.errors import ConfigError
from connector.registry import load_adapter_class, validate_adapter_settings
from tests.adapters.rest.conftest import settings_for
from tests.fakes.sfa import FakeSfa

EXAMPLE = Path(__file__).parents[3] / "examples" / "config.rest.toml"


def test_rest_is_a_builtin_adapter() -> None:
    """The name "rest" resolves to the REST adapter without plugins."""
    assert load_adapter_class("rest") is RestAdapter


def test_the_example_config_validates() -> None:
    """examples/config.rest.toml loads and passes the adapter's own model."""
    settings, _ = load_settings(EXAMPLE)
    model = validate_adapter_settings("sfa", settings.sfa, source=str(EXAMPLE))
    assert isinstance(model, RestSettings)
    assert model.auth.type == "oauth2"
    assert model.errors[0].action == "budget"
    assert model.entities.deals is not None
    assert "stage" in model.entities.deals.vocabulary


def test_secrets_can_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """CONNECTOR_SFA__AUTH__CLIENT_SECRET overrides the file's placeholder."""
    monkeypatch.setenv("CONNECTOR_SFA__AUTH__CLIENT_SECRET", "from-env-secret")
    settings, _ = load_settings(EXAMPLE)
    model = validate_adapter_settings("sfa", settings.sfa)
    assert isinstance(model, RestSettings)
    assert model.auth.client_secret.get_secret_value() == "from-env-secret"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"base_ur": "x"}, "sfa.base_ur: bad value 'x': unknown key"),
        ({"base_url": "sfa.test"}, "base_url must start with https://"),
        ({"auth": {"type": "kerberos"}}, "sfa.auth"),
        (
            {
                "entities": {
                    "persons": {
                        "list": {
                            "pagination": {"style": "cursor", "next_cursor_path": None}
                        }
                    }
                }
            },
            "needs next_cursor_path",
        ),
        (
            {"entities": {"persons": {"list": {"sort_value": None}}}},
            "sort_param and sort_value",
        ),
        ({"entities": {"persons": {"list": {"page_size": 0}}}}, "page_size"),
        ({"errors": [{"status": 403, "action": "ignore"}]}, "sfa.errors.0.action"),
    ],
)
def test_bad_settings_name_the_key(change: dict[str, Any], problem: str) -> None:
    """Each mistake is one problem line that names the key and the fix."""
    raw = settings_for(FakeSfa(), **change)
    with pytest.raises(ConfigError) as caught:
        validate_adapter_settings("sfa", SystemSettings(adapter="rest", **raw))
    assert any(problem in line for line in caught.value.problems), caught.value.problems


def test_secret_values_are_not_shown_in_problems() -> None:
    """A bad secret field's value is masked in the problem lines."""
    raw = settings_for(FakeSfa(), auth={"token": 123456789})
    with pytest.raises(ConfigError) as caught:
        validate_adapter_settings("sfa", SystemSettings(adapter="rest", **raw))
    assert any("sfa.auth.bearer.token" in line for line in caught.value.problems)
    assert "123456789" not in " ".join(caught.value.problems)
