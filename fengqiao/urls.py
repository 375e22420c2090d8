from django.contrib import admin
from django.urls import path

from fengqiao.api import api, register_routers
from fengqiao.core import views as core_views

register_routers()

urlpatterns = [
    path("", core_views.home, name="home"),
    path("api/v1/", api.urls),
    path("internal-admin/", admin.site.urls),
]

handler500 = "fengqiao.core.views.server_error"
