from django.urls import path

from fengqiao.console.views import home, manage, overview

app_name = "console"

urlpatterns = [
    path("", home.home, name="home"),
    path("console/overview/", overview.overview, name="overview"),
    path("console/overview/data.json", overview.overview_roots_data, name="overview_roots_data"),
    path("console/overview/<int:pk>/", overview.overview_region, name="overview_region"),
    path(
        "console/overview/<int:pk>/data.json",
        overview.overview_region_data,
        name="overview_region_data",
    ),
    path("console/manage/regions/", manage.region_list, name="region_list"),
    path("console/manage/regions/<int:pk>/", manage.region_detail, name="region_detail"),
    path("console/manage/regions/<int:pk>/edit/", manage.region_edit, name="region_edit"),
    path("console/manage/workers/", manage.worker_list, name="worker_list"),
    path("console/manage/workers/<int:pk>/", manage.worker_detail, name="worker_detail"),
    path("console/manage/workers/<int:pk>/edit/", manage.worker_edit, name="worker_edit"),
    path("console/manage/workers/<int:pk>/status/", manage.worker_status, name="worker_status"),
]
