"""Errors of the service-plans domain."""

from app.core.errors import NotFound


class ServicePlanNotFound(NotFound):
    code = "service_plan_not_found"
    detail = "The service plan was not found."
