"""marshmallow schemas of the PMS adapter's responses (its routes take no body or query)."""

from __future__ import annotations

from marshmallow import Schema, fields


class FailedItemSchema(Schema):
    id = fields.String(required=True)
    kind = fields.String(required=True, metadata={"enum": ["roomStatus", "charge"]})
    roomNumber = fields.String(allow_none=True)
    lastError = fields.String(allow_none=True)
    failedAt = fields.String(allow_none=True, metadata={"format": "date-time"})


class SyncStatusSchema(Schema):
    pmsReachable = fields.Boolean(required=True)
    breaker = fields.String(required=True, metadata={"enum": ["closed", "open", "half_open"]})
    lastSyncAt = fields.String(allow_none=True, metadata={"format": "date-time"})
    lastSuccessAt = fields.String(allow_none=True, metadata={"format": "date-time"})
    lastPollAt = fields.String(allow_none=True, metadata={"format": "date-time"})
    lastReconcileAt = fields.String(allow_none=True, metadata={"format": "date-time"})
    lastError = fields.String(allow_none=True)
    pending = fields.Integer(required=True)
    failed = fields.Integer(required=True)
    failedItems = fields.List(fields.Nested(FailedItemSchema), required=True)


class RoomSideSchema(Schema):
    housekeepingStatus = fields.String(allow_none=True)
    frontOfficeStatus = fields.String(allow_none=True)
    hkOccupancy = fields.String(allow_none=True)
    outOfOrder = fields.String(allow_none=True)


class DriftItemSchema(Schema):
    roomNumber = fields.String(required=True)
    ours = fields.Nested(RoomSideSchema, required=True)
    pms = fields.Nested(RoomSideSchema, required=True)
    fields_ = fields.List(fields.String(), data_key="fields", attribute="fields")


class DriftSchema(Schema):
    items = fields.List(fields.Nested(DriftItemSchema), required=True)
    total = fields.Integer(required=True)


class RepairSchema(Schema):
    roomNumber = fields.String(required=True)
    fields_ = fields.List(fields.String(), data_key="fields", attribute="fields")
    actions = fields.List(fields.String(metadata={"enum": ["send_ours", "emit_pms"]}))


class ReconcileSchema(Schema):
    id = fields.String(attribute="_id")
    at = fields.AwareDateTime()
    actor = fields.String(allow_none=True)
    drifted = fields.Integer()
    actions = fields.List(fields.Nested(RepairSchema))
    reservationsImported = fields.Integer()
    requeued = fields.Integer()
