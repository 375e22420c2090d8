from django.urls import path

from fengqiao.console import admin_urls
from fengqiao.console.views import (
    audit,
    cases,
    grid,
    home,
    manage,
    mediation,
    overview,
    petitions,
    portal,
    visits,
)
from fengqiao.console.views import dashboard as dashboard_views

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
    path("console/cases/", cases.worklist, name="case_worklist"),
    path("console/cases/unit/", cases.unit_worklist, name="unit_worklist"),
    path("console/cases/new/", cases.intake, name="case_intake"),
    path("console/cases/new/check/", cases.intake_check, name="case_intake_check"),
    path("console/cases/<int:pk>/", cases.case_detail, name="case_detail"),
    path("console/cases/<int:pk>/act/<str:action>/", cases.case_act, name="case_act"),
    path(
        "console/cases/<int:pk>/parties/<int:party_pk>/reveal/",
        cases.case_reveal,
        name="case_reveal",
    ),
    path("console/cases/<int:pk>/attachments/", cases.case_upload, name="case_upload"),
    path("console/grid/report/", grid.report, name="grid_report"),
    path("console/grid/tasks/", grid.tasks, name="grid_tasks"),
    path("portal/", portal.submit, name="portal_submit"),
    path("portal/track/", portal.track, name="portal_track"),
    path("portal/rate/", portal.rate, name="portal_rate"),
    path("console/audit/", audit.audit_list, name="audit_list"),
    path("console/audit/verify/", audit.audit_verify, name="audit_verify"),
    path("console/audit/<int:pk>/", audit.audit_detail, name="audit_detail"),
    path("console/dashboard/", dashboard_views.dashboard_home, name="dashboard"),
    path("console/dashboard/<int:pk>/", dashboard_views.dashboard_region, name="dashboard_region"),
    path("console/mediation/", mediation.worklist, name="mediation_worklist"),
    path("console/mediation/<int:pk>/", mediation.detail, name="mediation_detail"),
    path("console/mediation/<int:pk>/act/<str:action>/", mediation.act, name="mediation_act"),
    path(
        "console/mediation/<int:pk>/parties/<int:party_pk>/reveal/",
        mediation.reveal,
        name="mediation_reveal",
    ),
    path(
        "console/mediation/<int:pk>/agreement.<str:fmt>",
        mediation.agreement_file,
        name="mediation_agreement",
    ),
    path("portal/places/", portal.places, name="portal_places"),
    path("console/grid/visits/", visits.my_visits, name="grid_visits"),
    path("console/grid/visits/<int:pk>/", visits.record_visit, name="grid_visit_record"),
    path("console/visits/", visits.new_task, name="visit_tasks"),
]
urlpatterns += admin_urls.urlpatterns
urlpatterns += [
    path(
        "console/cases/<int:pk>/recommendations/",
        petitions.make,
        name="petition_recommendation_make",
    ),
    path(
        "console/cases/<int:pk>/recommendations/<int:rec_pk>/answer/",
        petitions.answer,
        name="petition_recommendation_answer",
    ),
]
