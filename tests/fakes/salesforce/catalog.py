"""The fake org's objects (fact sheet §8, §10, §13) and its default metadata.

Picklist labels are Japanese, as in a Japanese org, while API values stay
English: an adapter that writes labels gets INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST
on a restricted picklist (§10). The default stage and lead-status lists are the
usual Salesforce ones, which the sheet marks unconfirmed per org: pass your own.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from tests.fakes.salesforce.schema import (
    FieldDef,
    ObjectDef,
    PicklistValue,
    system_fields,
)

__all__ = [
    "DEFAULT_LEAD_STATUSES",
    "DEFAULT_STAGES",
    "FORECAST_NAMES",
    "LeadStatusDef",
    "StageDef",
    "build_catalog",
]


@dataclass(frozen=True)
class StageDef:
    """One OpportunityStage row: ``api_name`` is written, ``label`` is shown."""

    api_name: str
    label: str
    probability: float
    closed: bool = False
    won: bool = False
    active: bool = True
    forecast: str = "Pipeline"


@dataclass(frozen=True)
class LeadStatusDef:
    """One LeadStatus row; converted statuses are set only by conversion."""

    api_name: str
    label: str
    converted: bool = False
    default: bool = False


DEFAULT_STAGES: tuple[StageDef, ...] = (
    StageDef("Prospecting", "見込み", 10),
    StageDef("Qualification", "評価", 10),
    StageDef("Needs Analysis", "ニーズ分析", 20),
    StageDef("Value Proposition", "価値提案", 50),
    StageDef("Id. Decision Makers", "意思決定者の特定", 60),
    StageDef("Perception Analysis", "認識分析", 70, active=False),
    StageDef("Proposal/Price Quote", "見積提示", 75),
    StageDef("Negotiation/Review", "交渉", 90),
    StageDef("Closed Won", "成立", 100, closed=True, won=True, forecast="Closed"),
    StageDef("Closed Lost", "不成立", 0, closed=True, forecast="Omitted"),
)
"""Salesforce's usual stages, one of them inactive, with Japanese labels."""

DEFAULT_LEAD_STATUSES: tuple[LeadStatusDef, ...] = (
    LeadStatusDef("Open - Not Contacted", "未対応", default=True),
    LeadStatusDef("Working - Contacted", "対応中"),
    LeadStatusDef("Closed - Converted", "取引開始済み", converted=True),
    LeadStatusDef("Closed - Not Converted", "不採用"),
)

FORECAST_NAMES: dict[str, str] = {
    "Pipeline": "Pipeline",
    "BestCase": "Best Case",
    "MostLikely": "Most Likely",
    "Forecast": "Commit",
    "Omitted": "Omitted",
    "Closed": "Closed",
}
"""ForecastCategory API value -> ForecastCategoryName (§10)."""


def _values(*pairs: tuple[str, str]) -> tuple[PicklistValue, ...]:
    return tuple(PicklistValue(v, label) for v, label in pairs)


def _s(name: str, label: str, length: int = 255, **kw: object) -> FieldDef:
    return FieldDef(name, "string", label, length, **kw)  # type: ignore[arg-type]


def _typed(
    name: str, type_: str, label: str, length: int = 0, **kw: object
) -> FieldDef:
    return FieldDef(name, type_, label, length, **kw)  # type: ignore[arg-type]


def _ro(name: str, type_: str, label: str, length: int = 0, **kw: object) -> FieldDef:
    return FieldDef(name, type_, label, length, False, False, **kw)  # type: ignore[arg-type]


def _bool(name: str, label: str, **kw: object) -> FieldDef:
    kw.setdefault("nillable", False)
    kw.setdefault("default", False)
    return FieldDef(name, "boolean", label, **kw)  # type: ignore[arg-type]


def _ref(name: str, label: str, to: str, rel: str | None, **kw: object) -> FieldDef:
    return FieldDef(
        name,
        "reference",
        label,
        18,
        reference_to=(to,),
        relationship_name=rel,
        **kw,  # type: ignore[arg-type]
    )


def _pick(
    name: str, label: str, values: tuple[PicklistValue, ...], **kw: object
) -> FieldDef:
    return FieldDef(name, "picklist", label, 255, picklist=values, **kw)  # type: ignore[arg-type]


def _long_text(name: str, label: str) -> FieldDef:
    return FieldDef(name, "textarea", label, 32000, filterable=False, sortable=False)


def _connector_id(unique: bool) -> FieldDef:
    return FieldDef(
        "Connector_Id__c",
        "string",
        "Connector ID",
        255,
        external_id=True,
        unique=unique,
        custom=True,
    )


def _ro_ref(name: str, label: str, to: str, rel: str) -> FieldDef:
    """A lookup only the platform sets (conversion, merge)."""
    return FieldDef(
        name,
        "reference",
        label,
        18,
        False,
        False,
        reference_to=(to,),
        relationship_name=rel,
    )


def _master(obj: str) -> FieldDef:
    return _ro_ref("MasterRecordId", "Master Record ID", obj, "MasterRecord")


_LEAD_SOURCE = _values(
    ("Web", "Web"),
    ("Phone Inquiry", "電話問い合わせ"),
    ("Partner Referral", "パートナー紹介"),
    ("Purchased List", "購入リスト"),
    ("Other", "その他"),
)
_INDUSTRY = _values(
    ("Technology", "テクノロジー"),
    ("Manufacturing", "製造"),
    ("Finance", "金融"),
    ("Retail", "小売"),
    ("Other", "その他"),
)
_ROLES = _values(
    ("Business User", "業務ユーザー"),
    ("Decision Maker", "意思決定者"),
    ("Economic Buyer", "予算決定者"),
    ("Evaluator", "評価者"),
    ("Executive Sponsor", "役員スポンサー"),
    ("Influencer", "影響者"),
    ("Technical Buyer", "技術的購入者"),
    ("Other", "その他"),
)


def _user() -> ObjectDef:
    fields = [
        *system_fields("User", owned=False),
        _ro("Username", "string", "Username", 80),
        _ro("FirstName", "string", "First Name", 40),
        _ro("LastName", "string", "Last Name", 80),
        _ro("Name", "string", "Full Name", 121),
        _ro("Email", "email", "Email", 128),
        _ro("Alias", "string", "Alias", 8),
        FieldDef("IsActive", "boolean", "Active", 0, False, False, False),
    ]
    return ObjectDef("User", "User", "Users", "005", fields, False, False, False)


def _person_fields(obj: str) -> list[FieldDef]:
    return [
        _s("FirstName", "First Name", 40),
        _s("LastName", "Last Name", 80, nillable=False, required=True),
        _ro("Name", "string", "Full Name", 121),
        _s("Title", "Title", 128),
        _typed("Email", "email", "Email", 80),
        _typed("Phone", "phone", "Phone", 40),
        _typed("MobilePhone", "phone", "Mobile Phone", 40),
        _pick("LeadSource", "Lead Source", _LEAD_SOURCE),
        _bool("HasOptedOutOfEmail", "Email Opt Out"),
        _long_text("Description", "Description"),
        _master(obj),
    ]


def _lead(statuses: Sequence[LeadStatusDef], unique: bool) -> ObjectDef:
    status_values = tuple(
        PicklistValue(s.api_name, s.label, default=s.default) for s in statuses
    )
    default = next((s.api_name for s in statuses if s.default), None)
    fields = [
        *system_fields("Lead"),
        *_person_fields("Lead"),
        _s("Company", "Company", 255, nillable=False, required=True),
        _typed("Website", "url", "Website", 255),
        _s("City", "City", 40),
        _s("State", "State/Province", 80),
        _s("PostalCode", "Zip/Postal Code", 20),
        _s("Country", "Country", 80),
        _pick("Industry", "Industry", _INDUSTRY),
        _pick(
            "Rating",
            "Rating",
            _values(("Hot", "ホット"), ("Warm", "ウォーム"), ("Cold", "コールド")),
        ),
        _pick(
            "Status",
            "Lead Status",
            status_values,
            restricted=True,
            nillable=False,
            default=default,
        ),
        _typed("NumberOfEmployees", "int", "Employees"),
        _typed("AnnualRevenue", "currency", "Annual Revenue"),
        FieldDef("IsConverted", "boolean", "Converted", 0, False, False, False),
        _ro("ConvertedDate", "date", "Converted Date"),
        _ro_ref(
            "ConvertedAccountId", "Converted Account ID", "Account", "ConvertedAccount"
        ),
        _ro_ref(
            "ConvertedContactId", "Converted Contact ID", "Contact", "ConvertedContact"
        ),
        _ro_ref(
            "ConvertedOpportunityId",
            "Converted Opportunity ID",
            "Opportunity",
            "ConvertedOpportunity",
        ),
        _connector_id(unique),
        _typed("Last_Activity__c", "datetime", "Last Activity", custom=True),
    ]
    return ObjectDef("Lead", "Lead", "Leads", "00Q", fields, mergeable=True)


def _contact(unique: bool) -> ObjectDef:
    fields = [
        *system_fields("Contact"),
        _ref("AccountId", "Account ID", "Account", "Account"),
        *_person_fields("Contact"),
        _s("Department", "Department", 80),
        _s("MailingCity", "Mailing City", 40),
        _s("MailingCountry", "Mailing Country", 80),
        _typed("Birthdate", "date", "Birthdate"),
        _connector_id(unique),
        _typed("Last_Activity__c", "datetime", "Last Activity", custom=True),
    ]
    return ObjectDef("Contact", "Contact", "Contacts", "003", fields, mergeable=True)


def _account(unique: bool) -> ObjectDef:
    fields = [
        *system_fields("Account"),
        _s("Name", "Account Name", 255, nillable=False, required=True),
        _pick(
            "Type",
            "Account Type",
            _values(
                ("Prospect", "見込み客"),
                ("Customer - Direct", "顧客 - 直接"),
                ("Partner", "パートナー"),
                ("Other", "その他"),
            ),
        ),
        _pick("Industry", "Industry", _INDUSTRY),
        _typed("Website", "url", "Website", 255),
        _typed("Phone", "phone", "Account Phone", 40),
        _typed("NumberOfEmployees", "int", "Employees"),
        _typed("AnnualRevenue", "currency", "Annual Revenue"),
        _s("BillingCity", "Billing City", 40),
        _s("BillingCountry", "Billing Country", 80),
        _ref("ParentId", "Parent Account ID", "Account", "Parent"),
        _long_text("Description", "Account Description"),
        _master("Account"),
        _connector_id(unique),
    ]
    return ObjectDef("Account", "Account", "Accounts", "001", fields, mergeable=True)


def _opportunity(stages: Sequence[StageDef], unique: bool) -> ObjectDef:
    stage_values = tuple(PicklistValue(s.api_name, s.label, s.active) for s in stages)
    forecast = tuple(PicklistValue(k, v) for k, v in FORECAST_NAMES.items())
    names = tuple(PicklistValue(v, v) for v in FORECAST_NAMES.values())
    fields = [
        *system_fields("Opportunity"),
        _s("Name", "Name", 120, nillable=False, required=True),
        _ref("AccountId", "Account ID", "Account", "Account"),
        _pick(
            "StageName",
            "Stage",
            stage_values,
            restricted=True,
            nillable=False,
            required=True,
        ),
        _typed("CloseDate", "date", "Close Date", nillable=False, required=True),
        _typed("Amount", "currency", "Amount"),
        _typed("Probability", "percent", "Probability (%)"),
        _pick(
            "Type",
            "Opportunity Type",
            _values(
                ("New Customer", "新規顧客"),
                ("Existing Customer - Upgrade", "既存顧客 - アップグレード"),
            ),
        ),
        _pick("LeadSource", "Lead Source", _LEAD_SOURCE),
        _ref("CampaignId", "Campaign ID", "Campaign", "Campaign"),
        _s("NextStep", "Next Step", 255),
        _long_text("Description", "Description"),
        FieldDef("IsClosed", "boolean", "Closed", 0, False, False, False),
        FieldDef("IsWon", "boolean", "Won", 0, False, False, False),
        FieldDef(
            "ForecastCategory",
            "picklist",
            "Forecast Category",
            40,
            False,
            False,
            picklist=forecast,
        ),
        FieldDef(
            "ForecastCategoryName",
            "picklist",
            "Forecast Category",
            40,
            False,
            False,
            picklist=names,
        ),
        _connector_id(unique),
    ]
    return ObjectDef("Opportunity", "Opportunity", "Opportunities", "006", fields)


def _contact_role() -> ObjectDef:
    fields = [
        *system_fields("OpportunityContactRole", owned=False),
        _ref(
            "OpportunityId",
            "Opportunity ID",
            "Opportunity",
            "Opportunity",
            nillable=False,
            required=True,
            updateable=False,
        ),
        _ref(
            "ContactId",
            "Contact ID",
            "Contact",
            "Contact",
            nillable=False,
            required=True,
        ),
        _pick("Role", "Role", _ROLES),
        _bool("IsPrimary", "Primary"),
    ]
    return ObjectDef(
        "OpportunityContactRole",
        "Opportunity Contact Role",
        "Opportunity Contact Roles",
        "00K",
        fields,
    )


def _stage_object() -> ObjectDef:
    fields = [
        *system_fields("OpportunityStage", owned=False),
        _ro("MasterLabel", "string", "Master Label", 255),
        _ro("ApiName", "string", "API Name", 255),
        FieldDef("IsActive", "boolean", "Active", 0, False, False, False),
        FieldDef("IsClosed", "boolean", "Closed", 0, False, False, False),
        FieldDef("IsWon", "boolean", "Won", 0, False, False, False),
        _ro("ForecastCategory", "picklist", "Forecast Category", 40),
        _ro("ForecastCategoryName", "picklist", "Forecast Category Name", 40),
        _ro("DefaultProbability", "percent", "Probability (%)"),
        _ro("SortOrder", "int", "Sort Order"),
        _ro("Description", "string", "Description", 255),
    ]
    return ObjectDef(
        "OpportunityStage",
        "Opportunity Stage",
        "Opportunity Stages",
        "01J",
        fields,
        False,
        False,
        False,
    )


def _lead_status_object() -> ObjectDef:
    fields = [
        *system_fields("LeadStatus", owned=False),
        _ro("MasterLabel", "string", "Master Label", 255),
        _ro("ApiName", "string", "API Name", 255),
        FieldDef("IsConverted", "boolean", "Converted", 0, False, False, False),
        FieldDef("IsDefault", "boolean", "Default", 0, False, False, False),
        _ro("SortOrder", "int", "Sort Order"),
    ]
    return ObjectDef(
        "LeadStatus", "Lead Status", "Lead Status", "01H", fields, False, False, False
    )


def _campaign(unique: bool) -> ObjectDef:
    fields = [
        *system_fields("Campaign"),
        _s("Name", "Name", 80, nillable=False, required=True),
        _pick(
            "Type",
            "Type",
            _values(
                ("Conference", "カンファレンス"),
                ("Webinar", "ウェビナー"),
                ("Trade Show", "展示会"),
                ("Email", "メール"),
                ("Other", "その他"),
            ),
        ),
        _pick(
            "Status",
            "Status",
            _values(
                ("Planned", "計画中"),
                ("In Progress", "進行中"),
                ("Completed", "完了"),
                ("Aborted", "中止"),
            ),
        ),
        _bool("IsActive", "Active"),
        _typed("StartDate", "date", "Start Date"),
        _typed("EndDate", "date", "End Date"),
        _ref("ParentId", "Parent Campaign ID", "Campaign", "Parent"),
        _long_text("Description", "Description"),
        _connector_id(unique),
    ]
    return ObjectDef("Campaign", "Campaign", "Campaigns", "701", fields)


def _campaign_member() -> ObjectDef:
    fields = [
        *system_fields("CampaignMember", owned=False),
        _ref(
            "CampaignId",
            "Campaign ID",
            "Campaign",
            "Campaign",
            nillable=False,
            required=True,
            updateable=False,
        ),
        _ref("LeadId", "Lead ID", "Lead", "Lead", updateable=False),
        _ref("ContactId", "Contact ID", "Contact", "Contact", updateable=False),
        _s("Status", "Status", 40),
        FieldDef("HasResponded", "boolean", "Responded", 0, False, False, False),
        _ro("FirstRespondedDate", "date", "First Responded Date"),
        FieldDef(
            "LeadOrContactId",
            "reference",
            "Lead or Contact ID",
            18,
            False,
            False,
            reference_to=("Lead", "Contact"),
        ),
    ]
    return ObjectDef(
        "CampaignMember", "Campaign Member", "Campaign Members", "00v", fields
    )


def _member_status() -> ObjectDef:
    fields = [
        *system_fields("CampaignMemberStatus", owned=False),
        _ref(
            "CampaignId",
            "Campaign ID",
            "Campaign",
            None,
            nillable=False,
            required=True,
            updateable=False,
        ),
        _s("Label", "Member Status", 765, nillable=False, required=True),
        _bool("HasResponded", "Responded"),
        _bool("IsDefault", "Default"),
        _typed("SortOrder", "int", "Sort Order"),
    ]
    return ObjectDef(
        "CampaignMemberStatus",
        "Campaign Member Status",
        "Campaign Member Statuses",
        "01Y",
        fields,
    )


def build_catalog(
    stages: Sequence[StageDef],
    lead_statuses: Sequence[LeadStatusDef],
    custom_fields: Mapping[str, Sequence[FieldDef]],
    *,
    unique_external_ids: bool,
) -> dict[str, ObjectDef]:
    """Every object of the fake org, keyed by API name, with the extra fields."""
    objects = [
        _user(),
        _lead(lead_statuses, unique_external_ids),
        _contact(unique_external_ids),
        _account(unique_external_ids),
        _opportunity(stages, unique_external_ids),
        _contact_role(),
        _stage_object(),
        _lead_status_object(),
        _campaign(unique_external_ids),
        _campaign_member(),
        _member_status(),
    ]
    catalog = {o.name: o for o in objects}
    for name, extra in custom_fields.items():
        if name not in catalog:
            raise ValueError(f"custom_fields: unknown object {name!r}")
        catalog[name].add_fields(list(extra))
    return catalog
