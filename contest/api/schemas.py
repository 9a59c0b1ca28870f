"""Marshmallow schemas of the API: query parameters and bodies are loaded with them, and
:mod:`.spec` turns every one into an OpenAPI component. Answers are built as plain
dictionaries with exactly these keys (checked by the schemathesis test against the
description)."""

from __future__ import annotations

from marshmallow import EXCLUDE, RAISE, Schema, fields, validate

from ..entries.models import STATUS_VALUES
from .models import TokenScope, WebhookEvent


class Query(Schema):
    """Query strings: unknown parameters are ignored."""

    class Meta:
        unknown = EXCLUDE


class Body(Schema):
    """JSON bodies: unknown keys are refused."""

    class Meta:
        unknown = RAISE


# --- Errors ------------------------------------------------------------------------------------


class ProblemSchema(Schema):
    """RFC 9457 problem details."""

    type = fields.Str(required=True)
    title = fields.Str(required=True)
    status = fields.Int(required=True)
    detail = fields.Str(required=True)
    instance = fields.Str(required=True)
    errors = fields.List(fields.Str())


# --- Tokens ------------------------------------------------------------------------------------


class TokenInfoSchema(Schema):
    """The token of the request and its owner."""

    id = fields.Int(required=True)
    name = fields.Str(required=True)
    scope = fields.Str(required=True, validate=validate.OneOf([s.value for s in TokenScope]))
    expires_at = fields.DateTime(required=True)
    user_id = fields.Int(required=True)
    user_name = fields.Str(required=True)
    roles = fields.List(fields.Str(), required=True)


# --- Editions ----------------------------------------------------------------------------------


class RoundSchema(Schema):
    id = fields.Int(required=True)
    code = fields.Str(required=True)
    name = fields.Str(required=True)
    position = fields.Int(required=True)


class FieldSchema(Schema):
    id = fields.Int(required=True)
    code = fields.Str(required=True)
    name = fields.Str(required=True)


class EditionSchema(Schema):
    slug = fields.Str(required=True)
    title = fields.Str(required=True)
    number = fields.Int(required=True, allow_none=True)
    kind = fields.Str(required=True)
    phase = fields.Str(required=True)
    opens_at = fields.DateTime(required=True, allow_none=True)
    submission_deadline = fields.DateTime(required=True)
    judging_starts_at = fields.DateTime(required=True, allow_none=True)
    judging_ends_at = fields.DateTime(required=True, allow_none=True)
    fields_ = fields.List(fields.Nested(FieldSchema), required=True, data_key="fields")
    rounds = fields.List(fields.Nested(RoundSchema), required=True)


class EditionListSchema(Schema):
    items = fields.List(fields.Nested(EditionSchema), required=True)


class EditionListQuery(Query):
    q = fields.Str(load_default="", validate=validate.Length(max=100))


class CreateEditionQuery(Query):
    confirm = fields.Bool(load_default=False)


# --- Entries -----------------------------------------------------------------------------------


class AuthorSchema(Schema):
    full_name = fields.Str(required=True)
    date_of_birth = fields.Date(required=True, allow_none=True)
    gender = fields.Str(required=True)


class EntrySchema(Schema):
    id = fields.Int(required=True)
    edition = fields.Str(required=True)
    code = fields.Str(required=True, allow_none=True)
    title = fields.Str(required=True)
    status = fields.Str(required=True, validate=validate.OneOf(STATUS_VALUES))
    field = fields.Str(required=True)
    board = fields.Str(required=True, allow_none=True)
    area = fields.Str(required=True)
    unit_name = fields.Str(required=True)
    summary = fields.Str(required=True)
    submitted_at = fields.DateTime(required=True, allow_none=True)
    updated_at = fields.DateTime(required=True)
    authors = fields.List(fields.Nested(AuthorSchema), required=True)
    attachments = fields.List(fields.Int(), required=True)


class EntryPageSchema(Schema):
    items = fields.List(fields.Nested(EntrySchema), required=True)
    next_cursor = fields.Str(required=True, allow_none=True)


class EntryListQuery(Query):
    edition = fields.Str(validate=validate.Length(min=1, max=80))
    status = fields.List(fields.Str(validate=validate.OneOf(STATUS_VALUES)))
    field = fields.Str(validate=validate.Length(min=1, max=40))
    area_id = fields.Int(validate=validate.Range(min=1, max=2**31 - 1))
    q = fields.Str(load_default="", validate=validate.Length(max=100))
    limit = fields.Int(load_default=50, validate=validate.Range(min=1, max=200))
    cursor = fields.Str(validate=validate.Length(max=40))


class ImportQuery(Query):
    filename = fields.Str(load_default="entries.csv", validate=validate.Length(min=1, max=200))


class ImportResultSchema(Schema):
    created = fields.List(fields.Str(), required=True)
    updated = fields.List(fields.Str(), required=True)
    unchanged = fields.List(fields.Str(), required=True)


# --- Attachments -------------------------------------------------------------------------------


class AttachmentSchema(Schema):
    id = fields.Int(required=True)
    entry_id = fields.Int(required=True)
    kind = fields.Str(required=True)
    name = fields.Str(required=True)
    content_type = fields.Str(required=True)
    size_bytes = fields.Int(required=True)
    withheld = fields.Bool(required=True)


# --- Judging -----------------------------------------------------------------------------------


class AssignmentSchema(Schema):
    entry_id = fields.Int(required=True)
    round_id = fields.Int(required=True)
    edition = fields.Str(required=True)
    round = fields.Str(required=True)
    code = fields.Str(required=True)
    field = fields.Str(required=True)
    title = fields.Str(required=True)
    status = fields.Str(required=True)


class AssignmentListSchema(Schema):
    items = fields.List(fields.Nested(AssignmentSchema), required=True)


class BlindEntrySchema(Schema):
    id = fields.Int(required=True)
    code = fields.Str(required=True)
    field = fields.Str(required=True)
    title = fields.Str(required=True)
    summary = fields.Str(required=True)
    attachments = fields.List(fields.Nested(AttachmentSchema), required=True)
    rounds = fields.List(fields.Int(), required=True)


class SheetSchema(Schema):
    entry_id = fields.Int(required=True)
    round_id = fields.Int(required=True)
    status = fields.Str(required=True)
    version = fields.Int(required=True)
    points = fields.Dict(keys=fields.Str(), values=fields.Str(), required=True)
    comment = fields.Str(required=True)
    total = fields.Str(required=True)


class SheetSaveSchema(Body):
    """A draft to save: points by criterion code (``"7,5"``, ``"7.5"``; empty clears),
    the comment, the version read (or ``If-Match``), and ``submit`` to submit after saving."""

    points = fields.Dict(
        keys=fields.Str(validate=validate.Length(min=1, max=40)),
        values=fields.Str(validate=validate.Length(max=20), allow_none=True),
        load_default=dict,
    )
    comment = fields.Str(load_default=None, allow_none=True, validate=validate.Length(max=5000))
    version = fields.Int(validate=validate.Range(min=1, max=2**31 - 1))
    submit = fields.Bool(load_default=False)


class JudgeCountsSchema(Schema):
    judge_id = fields.Int(required=True)
    name = fields.Str(required=True)
    due = fields.Int(required=True)
    drafted = fields.Int(required=True)
    submitted = fields.Int(required=True)


class PanelProgressSchema(Schema):
    field = fields.Str(required=True)
    due = fields.Int(required=True)
    submitted = fields.Int(required=True)
    judges = fields.List(fields.Nested(JudgeCountsSchema), required=True)


class RoundProgressSchema(Schema):
    round = fields.Str(required=True)
    panels = fields.List(fields.Nested(PanelProgressSchema), required=True)


class ProgressSchema(Schema):
    edition = fields.Str(required=True)
    rounds = fields.List(fields.Nested(RoundProgressSchema), required=True)


# --- Results, jobs, publications, certificates --------------------------------------------------


class RunSchema(Schema):
    id = fields.Int(required=True)
    edition = fields.Str(required=True)
    round = fields.Str(required=True)
    number = fields.Int(required=True)
    entry_count = fields.Int(required=True)
    created_at = fields.DateTime(required=True)
    job_id = fields.Int(required=True, allow_none=True)


class RunListSchema(Schema):
    items = fields.List(fields.Nested(RunSchema), required=True)


class RunRowSchema(Schema):
    entry_id = fields.Int(required=True)
    code = fields.Str(required=True)
    rank = fields.Int(required=True, allow_none=True)
    score = fields.Str(required=True, allow_none=True)
    prize = fields.Str(required=True, allow_none=True)


class RunDetailSchema(RunSchema):
    rows = fields.List(fields.Nested(RunRowSchema), required=True)


class CompileSchema(Body):
    round = fields.Str(validate=validate.Length(min=1, max=40))


class JobSchema(Schema):
    id = fields.Int(required=True)
    kind = fields.Str(required=True)
    status = fields.Str(required=True)
    progress = fields.Int(required=True)
    total = fields.Int(required=True)
    message = fields.Str(required=True)
    result = fields.Dict(required=True, allow_none=True)
    url = fields.Str(required=True)


class PublicationSchema(Schema):
    version = fields.Int(required=True)
    state = fields.Str(required=True)
    published_at = fields.DateTime(required=True)
    posting_ends_at = fields.DateTime(required=True, allow_none=True)
    entry_count = fields.Int(required=True)
    note = fields.Str(required=True)


class PublicationListSchema(Schema):
    items = fields.List(fields.Nested(PublicationSchema), required=True)


class CertificateSchema(Schema):
    code = fields.Str(required=True)
    status = fields.Str(required=True, validate=validate.OneOf(["valid", "revoked"]))
    edition_title = fields.Str(required=True)
    recipient = fields.Str(required=True)
    entry_code = fields.Str(required=True)
    entry_title = fields.Str(required=True)
    prize = fields.Str(required=True)
    issued_at = fields.DateTime(required=True)
    revoked_at = fields.DateTime(required=True, allow_none=True)
    revoked_reason = fields.Str(required=True)
    replacement = fields.Str(required=True, allow_none=True)


# --- Webhooks ----------------------------------------------------------------------------------


class WebhookCreateSchema(Body):
    url = fields.Str(required=True, validate=validate.Length(min=1, max=500))
    events = fields.List(
        fields.Str(validate=validate.OneOf([e.value for e in WebhookEvent])),
        required=True,
        validate=validate.Length(min=1, max=4),
    )
    allow_private = fields.Bool(load_default=False)


class WebhookSchema(Schema):
    id = fields.Int(required=True)
    url = fields.Str(required=True)
    events = fields.List(fields.Str(), required=True)
    allow_private = fields.Bool(required=True)
    active = fields.Bool(required=True)
    created_at = fields.DateTime(required=True)


class WebhookCreatedSchema(WebhookSchema):
    secret = fields.Str(required=True)


class WebhookListSchema(Schema):
    items = fields.List(fields.Nested(WebhookSchema), required=True)


class DeliverySchema(Schema):
    id = fields.Int(required=True)
    event = fields.Str(required=True)
    status = fields.Str(required=True)
    attempts = fields.Int(required=True)
    last_status_code = fields.Int(required=True, allow_none=True)
    last_error = fields.Str(required=True)
    log = fields.List(fields.Str(), required=True)
    created_at = fields.DateTime(required=True)
    delivered_at = fields.DateTime(required=True, allow_none=True)


class DeliveryListSchema(Schema):
    items = fields.List(fields.Nested(DeliverySchema), required=True)


# --- National selection ------------------------------------------------------------------------


class NationalItemSchema(Schema):
    number = fields.Int(required=True, allow_none=True)
    entry_id = fields.Int(required=True)
    code = fields.Str(required=True)
    title = fields.Str(required=True)
    prize = fields.Str(required=True)
    score = fields.Str(required=True, allow_none=True)
    proposed = fields.Int(required=True, allow_none=True)
    why = fields.Str(required=True)
    national_result = fields.Str(required=True, allow_none=True)


class NationalSchema(Schema):
    edition = fields.Str(required=True)
    publication_version = fields.Int(required=True, allow_none=True)
    national_max = fields.Int(required=True, allow_none=True)
    over_limit = fields.Bool(required=True)
    selected = fields.List(fields.Nested(NationalItemSchema), required=True)
    removed = fields.List(fields.Nested(NationalItemSchema), required=True)
