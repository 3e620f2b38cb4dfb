"""HTTP routes: each loads its input, makes one service call and dumps the answer."""

from __future__ import annotations

from flask import Blueprint, current_app, request

from auth.schemas import (
    ActivityLogQuerySchema,
    ActivityLogSchema,
    GrantSchema,
    GuestLoginSchema,
    GuestProfileSchema,
    LoginSchema,
    RefreshTokenSchema,
    UserCreateSchema,
    UserQuerySchema,
    UserSchema,
    UserUpdateSchema,
)
from auth.service import AuthService
from hotel_shared.auth import current_principal, require
from hotel_shared.web import current_request_id, load_body, load_page_query, paged

api = Blueprint("auth_api", __name__, url_prefix="/api")

AUDIT_READERS = ("hotelAdmin", "supervisor", "frontOffice")


def _service() -> AuthService:
    return current_app.extensions["auth_service"]


# --- sessions ----------------------------------------------------------------------------------


@api.post("/auth/login")
def login():
    body = load_body(LoginSchema())
    grant = _service().login(body["username"], body["password"], request.remote_addr)
    return GrantSchema().dump(grant)


@api.post("/auth/guest-login")
def guest_login():
    body = load_body(GuestLoginSchema())
    grant = _service().guest_login(body["roomNumber"], body["specialId"], request.remote_addr)
    return GrantSchema().dump(grant)


@api.post("/auth/refresh")
def refresh_tokens():
    body = load_body(RefreshTokenSchema())
    return GrantSchema().dump(_service().refresh(body["refreshToken"]))


@api.post("/auth/logout")
def logout():
    body = load_body(RefreshTokenSchema())
    _service().logout(body["refreshToken"])
    return "", 204


@api.get("/auth/me")
@require()
def get_me():
    principal = current_principal()
    profile = _service().profile(principal)
    schema = GuestProfileSchema() if principal.is_guest else UserSchema()
    return schema.dump(profile)


@api.get("/auth/jwks")
def get_jwks():
    # Public keys only; verifiers may cache them briefly and refetch on an unknown kid.
    return _service().jwks(), 200, {"Cache-Control": "public, max-age=300"}


# --- users -------------------------------------------------------------------------------------


@api.get("/users")
@require("hotelAdmin")
def list_users():
    filters, limit, offset = load_page_query(UserQuerySchema())
    items, total = _service().list_users(filters, limit, offset)
    return paged(UserSchema(many=True).dump(items), total, limit, offset)


@api.post("/users")
@require("hotelAdmin")
def create_user():
    body = load_body(UserCreateSchema())
    user = _service().create_user(body, current_principal(), current_request_id())
    return UserSchema().dump(user), 201, {"Location": f"/api/users/{user['_id']}"}


@api.get("/users/<user_id>")
@require("hotelAdmin")
def get_user(user_id: str):
    return UserSchema().dump(_service().get_user(user_id))


@api.patch("/users/<user_id>")
@require("hotelAdmin")
def update_user(user_id: str):
    changes = load_body(UserUpdateSchema())
    user = _service().update_user(user_id, changes, current_principal(), current_request_id())
    return UserSchema().dump(user)


@api.delete("/users/<user_id>")
@require("hotelAdmin")
def deactivate_user(user_id: str):
    _service().deactivate_user(user_id, current_principal(), current_request_id())
    return "", 204


# --- audit trail -------------------------------------------------------------------------------


@api.get("/activity-logs")
@require(*AUDIT_READERS)
def list_activity_logs():
    filters, limit, offset = load_page_query(ActivityLogQuerySchema())
    items, total = _service().list_activity(filters, limit, offset)
    return paged(ActivityLogSchema(many=True).dump(items), total, limit, offset)
