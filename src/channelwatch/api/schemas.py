"""Request and response bodies of the REST API (pydantic; they are the OpenAPI schemas).

Requests refuse unknown fields, so nothing outside the documented shapes (a caller's name, a
phone number) can get in. Bounds are explicit: text lengths, counts, coordinates.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from channelwatch.ingest.contacts import CallIn, ContactIn

Lat = Annotated[float, Field(ge=-90.0, le=90.0, allow_inf_nan=False)]
Lon = Annotated[float, Field(ge=-180.0, le=180.0, allow_inf_nan=False)]
Text = Annotated[str, Field(max_length=1000)]
Reason = Annotated[str, Field(min_length=1, max_length=1000)]
Ref = Annotated[str, Field(min_length=1, max_length=100, pattern=r"^[^\x00-\x1f]+$")]
CaseId = Annotated[str, Field(min_length=1, max_length=64)]
Centre = Literal["FR", "GB"]
Persons = Annotated[int, Field(ge=1, le=1000)]
LedgerIndex = Annotated[int, Field(ge=0, le=2**53)]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# -- auth ------------------------------------------------------------------------------------
class LoginIn(_In):
    username: Annotated[str, Field(min_length=1, max_length=64)]
    password: Annotated[str, Field(min_length=1, max_length=1024)]


class UserOut(BaseModel):
    username: str
    role: str
    centre: str | None
    display_name: str


class TokenOut(BaseModel):
    access_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_at: AwareDatetime
    user: UserOut


# -- contacts --------------------------------------------------------------------------------
class ContactRecordIn(ContactIn):
    """A radar plot, aerial or drone sighting."""

    kind: Literal["contact"]


class CallRecordIn(CallIn):
    """A distress call with the phone's position (never the caller's identity)."""

    kind: Literal["call"]


ContactOrCall = Annotated[ContactRecordIn | CallRecordIn, Field(discriminator="kind")]


class BatchIn(_In):
    records: Annotated[list[dict[str, Any]], Field(min_length=1, max_length=1000)]


class RejectedOut(BaseModel):
    record: int
    field: str
    message: str


class SuggestionOut(BaseModel):
    call_id: str
    ledger_index: int
    advice_index: int | None
    advice: dict[str, Any] | None


class AcceptedOut(BaseModel):
    accepted: int
    ledger_indices: list[int]
    contact_ids: list[int | None]
    rejected: list[RejectedOut] = []
    suggestions: list[SuggestionOut] = []


class Page(BaseModel):
    items: list[dict[str, Any]]
    next: int | None = None


# -- cases -----------------------------------------------------------------------------------
class ReportIn(_In):
    report_id: Ref
    kind: Literal["call", "sighting", "operator"] = "call"
    time: AwareDatetime
    lat: Lat | None = None
    lon: Lon | None = None
    accuracy_m: Annotated[float, Field(gt=0, le=1_000_000, allow_inf_nan=False)] | None = None
    persons: Persons | None = None
    description: Annotated[str, Field(max_length=500)] | None = None
    received_by: Annotated[str, Field(max_length=100)] | None = None
    water_coming_in: bool | None = None
    engine: Literal["running", "failed", "unknown"] | None = None


class SuggestIn(_In):
    report: ReportIn


class OpenCaseIn(_In):
    report: ReportIn | None = None
    advice_index: LedgerIndex | None = None
    reason: Text | None = None
    possibly_same_as: Annotated[list[CaseId], Field(max_length=20)] = []


class AttachIn(_In):
    report: ReportIn | None = None
    advice_index: LedgerIndex | None = None
    reason: Text | None = None


class SplitIn(_In):
    report_id: Ref
    reason: Reason
    to_case_id: CaseId | None = None


class OtherCaseIn(_In):
    other_case_id: CaseId
    reason: Reason


class HandoverRequestIn(_In):
    reason: Reason
    to_centre: Centre | None = None


class HandoverAcceptIn(_In):
    request_id: Ref | None = None


class HandoverReasonIn(_In):
    reason: Reason
    request_id: Ref | None = None


class TaskIn(_In):
    asset: Annotated[str, Field(min_length=1, max_length=200)]
    kind: Literal["search", "rescue", "escort", "standby"]


class TaskUpdateIn(_In):
    status: Literal["assigned", "under_way", "on_scene", "complete", "cancelled"]
    note: Text | None = None


class OutcomeIn(_In):
    kind: Literal["rescued", "landed", "deceased"]
    count: Persons
    source: Annotated[str, Field(min_length=1, max_length=200)]
    verified: bool = True
    evidence_ref: Ref | None = None
    by: Annotated[str, Field(max_length=200)] | None = None
    where: Annotated[str, Field(max_length=200)] | None = None
    refers_to: Annotated[str, Field(max_length=200)] | None = None


class VerifyOutcomeIn(_In):
    evidence_ref: Ref


class ReasonIn(_In):
    reason: Reason


class PersonsIn(_In):
    count: Persons
    reason: Reason


class CloseIn(_In):
    reason: Text = ""
    evidence_refs: Annotated[list[Ref], Field(max_length=100)] = []


class CaseDecisionIn(_In):
    decision: Reason
    advice_index: LedgerIndex | None = None


class NoteIn(_In):
    text: Annotated[str, Field(min_length=1, max_length=5000)]


class TrackLinkIn(_In):
    track_id: Annotated[str, Field(min_length=1, max_length=64)]


class CaseResultOut(BaseModel):
    case: dict[str, Any] | None
    ledger_indices: list[int]
    advice: dict[str, Any] | None = None


class SuggestOut(BaseModel):
    advice: dict[str, Any] | None
    advice_index: int | None
    ledger_indices: list[int]


# -- doctrine --------------------------------------------------------------------------------
Action = Literal[
    "monitor", "escort", "stop_before_boarding", "divert", "disable_propulsion", "tow", "rescue"
]


class EvaluateIn(_In):
    situation: dict[str, Any]
    policy: Annotated[str, Field(min_length=1, max_length=100)] | None = None
    all_actions: bool = False
    case_id: CaseId | None = None


class EvaluateOut(BaseModel):
    advice_id: int
    ledger_indices: list[int]
    advice: dict[str, Any]


class DecisionIn(_In):
    advice_id: LedgerIndex
    action: Action
    note: Text | None = None
    case_id: CaseId | None = None


class DecisionOut(BaseModel):
    ledger_index: int
    decision: dict[str, Any]


# -- planning --------------------------------------------------------------------------------
Wind = tuple[
    Annotated[float, Field(ge=-60, le=60, allow_inf_nan=False)],
    Annotated[float, Field(ge=-60, le=60, allow_inf_nan=False)],
]
Current = tuple[
    Annotated[float, Field(ge=-5, le=5, allow_inf_nan=False)],
    Annotated[float, Field(ge=-5, le=5, allow_inf_nan=False)],
]


class DriftIn(_In):
    object_class: Annotated[str, Field(min_length=1, max_length=100)] = "CHANNEL-INFLATABLE-10M"
    lat: Lat | None = None
    lon: Lon | None = None
    time: AwareDatetime | None = None
    hours: Annotated[float, Field(gt=0, le=72, allow_inf_nan=False)] = 6.0
    particles: Annotated[int, Field(ge=10, le=10_000)] = 2000
    radius_m: Annotated[float, Field(ge=0, le=50_000, allow_inf_nan=False)] = 200.0
    seed: Annotated[int, Field(ge=0, le=2**32 - 1)] = 0
    wind_ms: Wind | None = None
    current_ms: Current | None = None


class SearchPlanIn(_In):
    case: dict[str, Any]
    units: Annotated[list[dict[str, Any]], Field(min_length=1, max_length=20)]
    grid_m: Annotated[float, Field(ge=50, le=5000, allow_inf_nan=False)] | None = None
    seed: Annotated[int, Field(ge=0, le=2**32 - 1)] = 0


class DocumentOut(BaseModel):
    doc_id: str
    kind: str
    case_id: str | None
    created_at: AwareDatetime
    created_by: str
    ledger_index: int
    summary: dict[str, Any]
    geojson: dict[str, Any] | None = None


class AckOut(BaseModel):
    alert: dict[str, Any]
