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
