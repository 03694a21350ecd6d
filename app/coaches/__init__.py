"""Hulpkaartcoaches: the coaches, their training, intervision and performance reviews."""


def register(appbuilder):
    from app.coaches import api, views
    from app.core.registry import add_resource

    for view, api_cls, name, icon in (
        (views.CoachView, api.CoachApi, "Hulpkaartcoaches", "fa-chalkboard-user"),
        (views.TrainingView, api.TrainingApi, "Trainingen", "fa-graduation-cap"),
        (views.IntervisionSessionView, api.IntervisionSessionApi, "Intervisie", "fa-people-group"),
        (views.IntervisionAttendanceView, api.IntervisionAttendanceApi,
         "Aanwezigheid intervisie", "fa-user-check"),
        (views.PerformanceReviewView, api.PerformanceReviewApi,
         "Functioneringsgesprekken", "fa-clipboard-check"),
    ):
        add_resource(appbuilder, view, api_cls, name=name, category="Coaches", icon=icon)
