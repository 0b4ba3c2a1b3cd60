"""Lead, Contact, Account, Opportunity, contact roles, stages, lead statuses, User.

Fields follow the sheet's data model (§8, §10, §13). Picklist labels are
Japanese, API values English, so an adapter writing labels meets
INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST on restricted picklists.
"""

from __future__ import annotations

from collections.abc import Sequence

from tests.fakes.salesforce.field_kinds import (
    connector_id,
    flag,
    long_text,
    lookup,
    master_record,
    picklist,
    platform_lookup,
    readonly,
    text,
    typed,
    values_of,
)
from tests.fakes.salesforce.metadata import FORECAST_NAMES, LeadStatusDef, StageDef
from tests.fakes.salesforce.schema import (
    FieldDef,
    ObjectDef,
    PicklistValue,
    system_fields,
)

__all__ = [
    "account_object",
    "contact_object",
    "contact_role_object",
    "lead_object",
    "lead_status_object",
    "opportunity_object",
    "stage_object",
    "user_object",
]

_LEAD_SOURCE = values_of(
    ("Web", "Web"),
    ("Phone Inquiry", "電話問い合わせ"),
    ("Partner Referral", "パートナー紹介"),
    ("Purchased List", "購入リスト"),
    ("Other", "その他"),
)
_INDUSTRY = values_of(
    ("Technology", "テクノロジー"),
    ("Manufacturing", "製造"),
    ("Finance", "金融"),
    ("Retail", "小売"),
    ("Other", "その他"),
)
_ROLES = values_of(
    ("Business User", "業務ユーザー"),
    ("Decision Maker", "意思決定者"),
    ("Economic Buyer", "予算決定者"),
    ("Evaluator", "評価者"),
    ("Executive Sponsor", "役員スポンサー"),
    ("Influencer", "影響者"),
    ("Technical Buyer", "技術的購入者"),
    ("Other", "その他"),
)


def user_object() -> ObjectDef:
    fields = [
        *system_fields("User", owned=False),
        readonly("Username", "string", "Username", 80),
        readonly("FirstName", "string", "First Name", 40),
        readonly("LastName", "string", "Last Name", 80),
        readonly("Name", "string", "Full Name", 121),
        readonly("Email", "email", "Email", 128),
        readonly("Alias", "string", "Alias", 8),
        FieldDef("IsActive", "boolean", "Active", 0, False, False, False),
    ]
    return ObjectDef("User", "User", "Users", "005", fields, False, False, False)


def _person_fields(obj: str) -> list[FieldDef]:
    return [
        text("FirstName", "First Name", 40),
        text("LastName", "Last Name", 80, nillable=False, required=True),
        readonly("Name", "string", "Full Name", 121),
        text("Title", "Title", 128),
        typed("Email", "email", "Email", 80),
        typed("Phone", "phone", "Phone", 40),
        typed("MobilePhone", "phone", "Mobile Phone", 40),
        picklist("LeadSource", "Lead Source", _LEAD_SOURCE),
        flag("HasOptedOutOfEmail", "Email Opt Out"),
        long_text("Description", "Description"),
        master_record(obj),
    ]


def lead_object(statuses: Sequence[LeadStatusDef], unique: bool) -> ObjectDef:
    status_values = tuple(
        PicklistValue(s.api_name, s.label, default=s.default) for s in statuses
    )
    default = next((s.api_name for s in statuses if s.default), None)
    fields = [
        *system_fields("Lead"),
        *_person_fields("Lead"),
        text("Company", "Company", 255, nillable=False, required=True),
        typed("Website", "url", "Website", 255),
        text("City", "City", 40),
        text("State", "State/Province", 80),
        text("PostalCode", "Zip/Postal Code", 20),
        text("Country", "Country", 80),
        picklist("Industry", "Industry", _INDUSTRY),
        picklist(
            "Rating",
            "Rating",
            values_of(("Hot", "ホット"), ("Warm", "ウォーム"), ("Cold", "コールド")),
        ),
        picklist(
            "Status",
            "Lead Status",
            status_values,
            restricted=True,
            nillable=False,
            default=default,
        ),
        typed("NumberOfEmployees", "int", "Employees"),
        typed("AnnualRevenue", "currency", "Annual Revenue"),
        FieldDef("IsConverted", "boolean", "Converted", 0, False, False, False),
        readonly("ConvertedDate", "date", "Converted Date"),
        platform_lookup(
            "ConvertedAccountId", "Converted Account ID", "Account", "ConvertedAccount"
        ),
        platform_lookup(
            "ConvertedContactId", "Converted Contact ID", "Contact", "ConvertedContact"
        ),
        platform_lookup(
            "ConvertedOpportunityId",
            "Converted Opportunity ID",
            "Opportunity",
            "ConvertedOpportunity",
        ),
        connector_id(unique),
        typed("Last_Activity__c", "datetime", "Last Activity", custom=True),
    ]
    return ObjectDef("Lead", "Lead", "Leads", "00Q", fields, mergeable=True)


def contact_object(unique: bool) -> ObjectDef:
    fields = [
        *system_fields("Contact"),
        lookup("AccountId", "Account ID", "Account", "Account"),
        *_person_fields("Contact"),
        text("Department", "Department", 80),
        text("MailingCity", "Mailing City", 40),
        text("MailingCountry", "Mailing Country", 80),
        typed("Birthdate", "date", "Birthdate"),
        connector_id(unique),
        typed("Last_Activity__c", "datetime", "Last Activity", custom=True),
    ]
    return ObjectDef("Contact", "Contact", "Contacts", "003", fields, mergeable=True)


def account_object(unique: bool) -> ObjectDef:
    fields = [
        *system_fields("Account"),
        text("Name", "Account Name", 255, nillable=False, required=True),
        picklist(
            "Type",
            "Account Type",
            values_of(
                ("Prospect", "見込み客"),
                ("Customer - Direct", "顧客 - 直接"),
                ("Partner", "パートナー"),
                ("Other", "その他"),
            ),
        ),
        picklist("Industry", "Industry", _INDUSTRY),
        typed("Website", "url", "Website", 255),
        typed("Phone", "phone", "Account Phone", 40),
        typed("NumberOfEmployees", "int", "Employees"),
        typed("AnnualRevenue", "currency", "Annual Revenue"),
        text("BillingCity", "Billing City", 40),
        text("BillingCountry", "Billing Country", 80),
        lookup("ParentId", "Parent Account ID", "Account", "Parent"),
        long_text("Description", "Account Description"),
        master_record("Account"),
        connector_id(unique),
    ]
    return ObjectDef("Account", "Account", "Accounts", "001", fields, mergeable=True)


def opportunity_object(stages: Sequence[StageDef], unique: bool) -> ObjectDef:
    stage_values = tuple(PicklistValue(s.api_name, s.label, s.active) for s in stages)
    forecast = tuple(PicklistValue(k, v) for k, v in FORECAST_NAMES.items())
    names = tuple(PicklistValue(v, v) for v in FORECAST_NAMES.values())
    fields = [
        *system_fields("Opportunity"),
        text("Name", "Name", 120, nillable=False, required=True),
        lookup("AccountId", "Account ID", "Account", "Account"),
        picklist(
            "StageName",
            "Stage",
            stage_values,
            restricted=True,
            nillable=False,
            required=True,
        ),
        typed("CloseDate", "date", "Close Date", nillable=False, required=True),
        typed("Amount", "currency", "Amount"),
        typed("Probability", "percent", "Probability (%)"),
        picklist(
            "Type",
            "Opportunity Type",
            values_of(
                ("New Customer", "新規顧客"),
                ("Existing Customer - Upgrade", "既存顧客 - アップグレード"),
            ),
        ),
        picklist("LeadSource", "Lead Source", _LEAD_SOURCE),
        lookup("CampaignId", "Campaign ID", "Campaign", "Campaign"),
        text("NextStep", "Next Step", 255),
        long_text("Description", "Description"),
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
        connector_id(unique),
    ]
    return ObjectDef("Opportunity", "Opportunity", "Opportunities", "006", fields)


def contact_role_object() -> ObjectDef:
    fields = [
        *system_fields("OpportunityContactRole", owned=False),
        lookup(
            "OpportunityId",
            "Opportunity ID",
            "Opportunity",
            "Opportunity",
            nillable=False,
            required=True,
            updateable=False,
        ),
        lookup(
            "ContactId",
            "Contact ID",
            "Contact",
            "Contact",
            nillable=False,
            required=True,
        ),
        picklist("Role", "Role", _ROLES),
        flag("IsPrimary", "Primary"),
    ]
    return ObjectDef(
        "OpportunityContactRole",
        "Opportunity Contact Role",
        "Opportunity Contact Roles",
        "00K",
        fields,
    )


def stage_object() -> ObjectDef:
    fields = [
        *system_fields("OpportunityStage", owned=False),
        readonly("MasterLabel", "string", "Master Label", 255),
        readonly("ApiName", "string", "API Name", 255),
        FieldDef("IsActive", "boolean", "Active", 0, False, False, False),
        FieldDef("IsClosed", "boolean", "Closed", 0, False, False, False),
        FieldDef("IsWon", "boolean", "Won", 0, False, False, False),
        readonly("ForecastCategory", "picklist", "Forecast Category", 40),
        readonly("ForecastCategoryName", "picklist", "Forecast Category Name", 40),
        readonly("DefaultProbability", "percent", "Probability (%)"),
        readonly("SortOrder", "int", "Sort Order"),
        readonly("Description", "string", "Description", 255),
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


def lead_status_object() -> ObjectDef:
    fields = [
        *system_fields("LeadStatus", owned=False),
        readonly("MasterLabel", "string", "Master Label", 255),
        readonly("ApiName", "string", "API Name", 255),
        FieldDef("IsConverted", "boolean", "Converted", 0, False, False, False),
        FieldDef("IsDefault", "boolean", "Default", 0, False, False, False),
        readonly("SortOrder", "int", "Sort Order"),
    ]
    return ObjectDef(
        "LeadStatus", "Lead Status", "Lead Status", "01H", fields, False, False, False
    )
