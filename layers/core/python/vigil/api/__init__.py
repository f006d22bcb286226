"""The HTTP surface shared by every Chalice app."""

from vigil.api.models import ApiModel, Page, PageQuery, ResponseModel
from vigil.api.routing import REGISTRY, Api, ApiRequest, Raw, RouteSpec
from vigil.identity.models import PUBLIC, Role

__all__ = [
    "PUBLIC", "REGISTRY", "Api", "ApiModel", "ApiRequest", "Page", "PageQuery", "Raw",
    "ResponseModel", "Role", "RouteSpec",
]
