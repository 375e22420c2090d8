from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.template import loader

from fengqiao.core.middleware import current_request


def server_error(request: HttpRequest) -> HttpResponse:
    """WEB-03: a generic page with the correlation id, never a traceback."""
    context = current_request.get()
    request_id = context.request_id if context else ""
    body = loader.render_to_string("500.html", {"request_id": request_id})
    return HttpResponseServerError(body)
