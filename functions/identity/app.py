"""Identity app: sign-in and tokens, user administration, the audit trail."""

from chalice import Chalice

from vigil.api import PUBLIC, Api, ApiRequest, Page, Role
from vigil.db import get_database
from vigil.governance import audit
from vigil.governance.schemas import AuditEntry, AuditQuery
from vigil.identity import service
from vigil.identity.schemas import (
    CreateUser,
    LoginRequest,
    RefreshRequest,
    ResetPassword,
    TokenPair,
    UpdateUser,
    UserOut,
    UserQuery,
)
from vigil.redis import get_store

app = Chalice(app_name="vigil-identity")
api = Api(app)


@api.post("/api/v1/auth/login", role=PUBLIC, body=LoginRequest, response=TokenPair,
          summary="Sign in with username and password")
def login(req: ApiRequest) -> TokenPair:
    pair = service.login(get_database(), get_store(), username=req.body.username,
                         password=req.body.password, client_ip=req.client_ip)
    req.audit(action="auth.login", entity_type="user", entity_id=pair.user.id, actor=pair.user.username,
              actor_role=pair.user.role.value)
    return pair


@api.post("/api/v1/auth/refresh", role=PUBLIC, body=RefreshRequest, response=TokenPair,
          summary="Exchange a refresh token for a new pair (the old one is spent)")
def refresh(req: ApiRequest) -> TokenPair:
    pair = service.refresh(get_database(), refresh_token=req.body.refresh_token)
    req.audit(action="auth.refresh", entity_type="user", entity_id=pair.user.id, actor=pair.user.username,
              actor_role=pair.user.role.value)
    return pair


@api.post("/api/v1/auth/logout", role=PUBLIC, body=RefreshRequest, status=204,
          summary="Revoke a refresh token and every token rotated from it")
def logout(req: ApiRequest) -> None:
    service.logout(get_database(), refresh_token=req.body.refresh_token)
    req.audit(action="auth.logout", entity_type="user",
              entity_id=req.principal.user_id if req.principal else None)


@api.get("/api/v1/auth/me", role=Role.VIEWER, response=UserOut, summary="The signed-in user")
def me(req: ApiRequest) -> UserOut:
    return service.get_user(get_database(), req.user.user_id)


@api.get("/api/v1/admin/users", role=Role.ADMIN, query=UserQuery, response=Page[UserOut],
         summary="List users (filter by text, role, disabled)")
def list_users(req: ApiRequest) -> Page[UserOut]:
    q = req.query
    items, total = service.list_users(get_database(), q=q.q, role=q.role, disabled=q.disabled,
                                      page=q.page, size=q.size)
    return Page[UserOut](items=items, total=total, page=q.page, size=q.size)


@api.post("/api/v1/admin/users", role=Role.ADMIN, body=CreateUser, response=UserOut, status=201,
          summary="Create a user")
def create_user(req: ApiRequest) -> UserOut:
    return service.create_user(get_database(), req.body, audit=req.audit)


@api.get("/api/v1/admin/users/{user_id}", role=Role.ADMIN, response=UserOut, summary="One user")
def get_user(req: ApiRequest, user_id: str) -> UserOut:
    return service.get_user(get_database(), user_id)


@api.put("/api/v1/admin/users/{user_id}", role=Role.ADMIN, body=UpdateUser, response=UserOut,
         summary="Change a user's role, e-mail, or disable / enable them")
def update_user(req: ApiRequest, user_id: str) -> UserOut:
    return service.update_user(get_database(), user_id, req.body, actor=req.user, audit=req.audit)


@api.post("/api/v1/admin/users/{user_id}/reset-password", role=Role.ADMIN, body=ResetPassword,
          status=204, summary="Set a new password (signs the user out everywhere)")
def reset_password(req: ApiRequest, user_id: str) -> None:
    service.reset_password(get_database(), user_id, req.body.password, audit=req.audit)


@api.get("/api/v1/audit", role=Role.ADMIN, query=AuditQuery, response=Page[AuditEntry],
         summary="The audit trail, newest first")
def audit_log(req: ApiRequest) -> Page[AuditEntry]:
    q = req.query
    rows, total = audit.search(get_database(), actor=q.actor, action=q.action,
                               entity_type=q.entity_type, entity_id=q.entity_id, since=q.since,
                               until=q.until, limit=q.size, offset=q.page * q.size)
    return Page[AuditEntry](items=[AuditEntry(**r) for r in rows], total=total, page=q.page,
                            size=q.size)
