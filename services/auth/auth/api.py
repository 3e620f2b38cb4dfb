"""HTTP routes: each declares its contract, makes one service call and dumps the answer."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, request

from auth.rules.sign_in import InvalidRefreshToken
from auth.schemas import (
    ActivityLogQuerySchema,
    ActivityLogSchema,
    GrantSchema,
    GuestLoginSchema,
    GuestProfileSchema,
    JwksSchema,
    LoginSchema,
    RefreshTokenSchema,
    UserCreateSchema,
    UserQuerySchema,
    UserSchema,
    UserUpdateSchema,
)
from auth.service import audit, sessions, users
from auth.service.sessions import Grant, SignIn
from auth.store import AuthStores
from hotel_shared.auth import request_context, require
from hotel_shared.openapi import operation
from hotel_shared.principal import Context
from hotel_shared.web import paged, split_page

blueprint = Blueprint("auth_api", __name__)

AUDIT_READERS = ("hotelAdmin", "supervisor", "frontOffice")


def stores() -> AuthStores:
    return current_app.extensions["auth_stores"]


def sign_in() -> SignIn:
    return current_app.extensions["auth_sign_in"]


def public_context() -> Context:
    return request_context(signed_in=False)


# Browser clients keep the refresh token only in this cookie (DESIGN §7): HttpOnly so script
# never reads it, SameSite=Strict and scoped to /api/auth/ so no other request carries it.
REFRESH_COOKIE = "hotel_refresh"
REFRESH_COOKIE_PATH = "/api/auth/"


def grant_response(grant: Grant) -> Response:
    """The grant as JSON (API clients keep the body tokens) plus the browser's refresh cookie."""
    response = current_app.json.response(GrantSchema().dump(grant))
    response.set_cookie(
        REFRESH_COOKIE,
        grant.refresh_token,
        max_age=sign_in().refresh_token_ttl_s,
        path=REFRESH_COOKIE_PATH,
        secure=request.is_secure,
        httponly=True,
        samesite="Strict",
    )
    return response


def presented_refresh_token(body: dict) -> str:
    """The body's token (API clients) or else the cookie's (browsers); neither is a 401."""
    token = body.get("refreshToken") or request.cookies.get(REFRESH_COOKIE)
    if not token:
        raise InvalidRefreshToken("no refresh token: send it in the body or the refresh cookie")
    return token


# --- sessions ----------------------------------------------------------------------------------


@blueprint.post("/api/auth/login")
@operation(body=LoginSchema, response=GrantSchema, errors=(401, 429))
def login(body: dict):
    """Sign in with username and password: an access token and a refresh token."""
    grant = sessions.login(
        stores(),
        public_context(),
        sign_in(),
        body["username"],
        body["password"],
        request.remote_addr,
    )
    return grant_response(grant)


@blueprint.post("/api/auth/guest-login")
@operation(body=GuestLoginSchema, response=GrantSchema, errors=(401, 429))
def guest_login(body: dict):
    """Sign in as the guest of a checked-in stay, with room number and special id."""
    grant = sessions.guest_login(
        stores(),
        public_context(),
        sign_in(),
        body["roomNumber"],
        body["specialId"],
        request.remote_addr,
    )
    return grant_response(grant)


@blueprint.post("/api/auth/refresh")
@operation(body=RefreshTokenSchema, response=GrantSchema, errors=(401,))
def refresh_tokens(body: dict):
    """Trade a refresh token (body or cookie) for a new pair; a reused one revokes its family."""
    token = presented_refresh_token(body)
    grant = sessions.refresh(stores(), public_context(), sign_in(), token)
    return grant_response(grant)


@blueprint.post("/api/auth/logout")
@operation(body=RefreshTokenSchema, status=204)
def logout(body: dict):
    """Revoke the refresh token's family (body or cookie; unknown too: 204) and clear the cookie."""
    token = body.get("refreshToken") or request.cookies.get(REFRESH_COOKIE)
    if token:
        sessions.logout(stores(), public_context(), token)
    response = Response(status=204)
    response.delete_cookie(
        REFRESH_COOKIE,
        path=REFRESH_COOKIE_PATH,
        secure=request.is_secure,
        httponly=True,
        samesite="Strict",
    )
    return response


@blueprint.get("/api/auth/me")
@require()
@operation(response=UserSchema)
def get_me():
    """The caller's profile (a guest gets their stay: id, username, role, name, roomNumber...)."""
    ctx = request_context()
    profile = sessions.profile(stores(), ctx)
    schema = GuestProfileSchema() if ctx.principal.is_guest else UserSchema()
    return schema.dump(profile)


@blueprint.get("/api/auth/jwks")
@operation(response=JwksSchema)
def get_jwks():
    """The access tokens' verification keys."""
    # Public keys only; verifiers may cache them briefly and refetch on an unknown kid.
    return sessions.jwks(sign_in()), 200, {"Cache-Control": "public, max-age=300"}


# --- users -------------------------------------------------------------------------------------


@blueprint.get("/api/users")
@require("hotelAdmin")
@operation(query=UserQuerySchema, response=UserSchema, paged=True)
def list_users(query: dict):
    """List users by username, filtered by role, department and active."""
    filters, limit, offset = split_page(query)
    items, total = users.list_users(stores(), request_context(), filters, limit, offset)
    return paged(UserSchema(many=True).dump(items), total, limit, offset)


@blueprint.post("/api/users")
@require("hotelAdmin")
@operation(body=UserCreateSchema, response=UserSchema, status=201, errors=(409,))
def create_user(body: dict):
    """Create a staff user."""
    user = users.create_user(stores(), request_context(), sign_in().passwords, body)
    return UserSchema().dump(user), 201, {"Location": f"/api/users/{user['_id']}"}


@blueprint.get("/api/users/<user_id>")
@require("hotelAdmin")
@operation(response=UserSchema)
def get_user(user_id: str):
    """One user."""
    return UserSchema().dump(users.get_user(stores(), request_context(), user_id))


@blueprint.patch("/api/users/<user_id>")
@require("hotelAdmin")
@operation(body=UserUpdateSchema, response=UserSchema, errors=(409,))
def update_user(user_id: str, body: dict):
    """Change a user's password, role, department, employee code, email, name or active flag."""
    passwords, lifetimes = sign_in().passwords, sign_in().lifetimes
    user = users.update_user(stores(), request_context(), passwords, lifetimes, user_id, body)
    return UserSchema().dump(user)


@blueprint.delete("/api/users/<user_id>")
@require("hotelAdmin")
@operation(status=204, errors=(409,))
def deactivate_user(user_id: str):
    """Deactivate a user (never erased) and end their sessions; idempotent."""
    users.deactivate_user(stores(), request_context(), sign_in().lifetimes, user_id)
    return "", 204


# --- audit trail -------------------------------------------------------------------------------


@blueprint.get("/api/activity-logs")
@require(*AUDIT_READERS)
@operation(query=ActivityLogQuerySchema, response=ActivityLogSchema, paged=True)
def list_activity_logs(query: dict):
    """The audit trail, newest first: one entry per event on the bus."""
    filters, limit, offset = split_page(query)
    items, total = audit.list_activity(stores(), request_context(), filters, limit, offset)
    return paged(ActivityLogSchema(many=True).dump(items), total, limit, offset)
