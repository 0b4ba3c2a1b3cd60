"""Without `[ma.properties]` the handoff still reads every field the rules use."""

from __future__ import annotations

from pathlib import Path

from tests.flows.harness import Wired, WiredApp, make_project, sfa_leads

_RULE = """
required = ["email", "last_name", "company"]

[[any_of]]
field = "hs_analytics_num_page_views"
op = ">="
value = 3
label = "閲覧"

[[context]]
field = "hs_analytics_num_page_views"
label = "ページ閲覧"
unit = "回"
"""


def test_qualification_fields_are_pulled_without_a_property_list(tmp_path: Path):
    """A signal named only in qualification.toml reaches the rule and the context."""
    config = make_project(tmp_path, properties=False)
    (tmp_path / "mappings" / "qualification.toml").write_text(_RULE, encoding="utf-8")
    wired = Wired.build()
    app = WiredApp.open(config, wired)
    app.setup_hubspot()
    for n, views in enumerate((5, 0)):
        wired.hubspot.seed(
            "contacts",
            {
                "email": f"v{n}@example.co.jp",
                "lastname": f"姓{n}",
                "company": "株式会社テスト",
                "lifecyclestage": "marketingqualifiedlead",
                "hs_analytics_num_page_views": str(views),
            },
        )
    assert app.run("handoff").status == "ok"
    leads = list(sfa_leads(wired.sfa))
    assert [lead["email"] for lead in leads] == ["v0@example.co.jp"]
    assert "ページ閲覧 5回" in leads[0]["marketing_context"]
    app.close()
