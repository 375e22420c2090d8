from django.contrib import admin
from django.urls import include, path

from fengqiao.api import api, register_routers

register_routers()

urlpatterns = [
    path("", include("fengqiao.console.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
    path("internal-admin/", admin.site.urls),
]

handler500 = "fengqiao.core.views.server_error"
handler403 = "fengqiao.console.views.errors.permission_denied"
handler404 = "fengqiao.console.views.errors.page_not_found"
