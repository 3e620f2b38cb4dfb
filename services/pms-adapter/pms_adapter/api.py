"""HTTP routes of the PMS adapter: sync health, drift against the PMS, reconcile on demand."""

from __future__ import annotations

from flask import Blueprint, current_app

from hotel_shared.auth import bearer_token, request_context, require
from hotel_shared.errors import ServiceUnavailable
from hotel_shared.openapi import operation
from hotel_shared.timeutil import hotel_today
from pms_adapter import service
from pms_adapter.config import Config
from pms_adapter.opera_client import OperaClient
from pms_adapter.rooms_api import RoomsUnavailable
from pms_adapter.rules import RECONCILE_ROLES, STATUS_ROLES
from pms_adapter.schemas import DriftSchema, ReconcileSchema, SyncStatusSchema
from pms_adapter.store import PmsStores

CONFIG_KEY = "pms_adapter.config"
CLIENT_KEY = "pms_adapter.client"
ROOMS_KEY = "pms_adapter.rooms"

blueprint = Blueprint("pms_adapter", __name__)
STATUS, DRIFT, RECONCILE = SyncStatusSchema(), DriftSchema(), ReconcileSchema()


def stores() -> PmsStores:
    # Built per request from the per-process client, so nothing opens a connection before a fork.
    config: Config = current_app.extensions[CONFIG_KEY]
    return PmsStores.from_settings(config.service)


def opera() -> OperaClient:
    return current_app.extensions[CLIENT_KEY]


def rooms_now() -> list[dict] | None:
    """Our rooms read from the rooms API as the caller (when ROOMS_URL is set), else None."""
    reader = current_app.extensions.get(ROOMS_KEY)
    if reader is None:
        return None
    try:
        return reader.list_rooms(bearer_token())
    except RoomsUnavailable as error:
        raise ServiceUnavailable(str(error)) from None


@blueprint.get("/api/pms/status")
@require(*STATUS_ROLES)
@operation(response=SyncStatusSchema)
def get_status():
    """The sync's health: PMS reachable, breaker, backlog, failures, last sync and poll."""
    return STATUS.dump(service.status_report(stores()))


@blueprint.get("/api/pms/drift")
@require(*STATUS_ROLES)
@operation(response=DriftSchema)
def get_drift():
    """Rooms whose status differs between us and the PMS's housekeeping board."""
    items = service.drift_report(stores(), opera(), rooms_now())
    return DRIFT.dump({"items": items, "total": len(items)})


@blueprint.post("/api/pms/reconcile")
@require(*RECONCILE_ROLES)
@operation(response=ReconcileSchema)
def reconcile():
    """Repair drift by the policy and re-read the PMS's reservations; returns what was done."""
    hotel = stores()
    today = hotel_today(hotel.zone)
    run = service.reconcile(hotel, opera(), request_context(), today, rooms_now())
    return RECONCILE.dump(run)
