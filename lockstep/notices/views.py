"""Notice pages: the public listing of extracts (unauthenticated, HTML and JSON)."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from lockstep.notices.public import extract, public_notices


def public_list(request: HttpRequest) -> HttpResponse:
    rows = public_notices()
    if request.GET.get("type"):
        rows = rows.filter(type=request.GET["type"])
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    extracts = [extract(notice) for notice in page.object_list]
    return render(request, "notices/public_list.html", {"page": page, "extracts": extracts})


def public_json(request: HttpRequest) -> JsonResponse:
    rows = public_notices()[:1000]
    return JsonResponse({"notices": [extract(notice) for notice in rows]})


def public_detail(request: HttpRequest, reference: str) -> HttpResponse:
    notice = public_notices().filter(reference=reference).first()
    if notice is None:
        raise Http404()
    return render(request, "notices/public_detail.html", {"item": extract(notice), "notice": notice})
