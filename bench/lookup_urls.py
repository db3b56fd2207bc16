"""Lockstep's URLs plus /bare: the cheapest JSON answer Django gives on the same server (the stack's limit)."""

from django.http import HttpRequest, JsonResponse
from django.urls import path

from lockstep.urls import urlpatterns as lockstep_urlpatterns


def bare(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"value": request.GET.get("value", ""), "matches": []})


urlpatterns = [path("bare", bare), *lockstep_urlpatterns]
