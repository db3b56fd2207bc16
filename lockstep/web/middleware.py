"""Domain errors raised by HTML views become error pages with the right status and a clear message."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from lockstep.errors import LockstepError


class LockstepErrorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, LockstepError):
            return None
        return render(request, "web/error.html", {"error": exception}, status=exception.status)
