"""Hulpkaarten: the cards and their versions, appointments with the holder, yearly evaluations."""


def register(appbuilder):
    from app.cards.api import (
        AppointmentApi,
        EvaluationApi,
        HelpCardApi,
        HelpCardVersionApi,
    )
    from app.cards.views import (
        AppointmentView,
        EvaluationView,
        HelpCardVersionView,
        HelpCardView,
    )
    from app.core.registry import add_resource

    add_resource(appbuilder, HelpCardView, HelpCardApi, name="Kaarten",
                 category="Hulpkaarten", icon="fa-address-card")
    add_resource(appbuilder, HelpCardVersionView, HelpCardVersionApi, name="Kaartversies",
                 category="Hulpkaarten", icon="fa-copy")
    add_resource(appbuilder, AppointmentView, AppointmentApi, name="Afspraken",
                 category="Hulpkaarten", icon="fa-calendar")
    add_resource(appbuilder, EvaluationView, EvaluationApi, name="Evaluaties",
                 category="Hulpkaarten", icon="fa-clipboard-check")
    # Printing (app/cards/print_views.py): the wallet card, its print record, the letter.
    from app.cards.print_views import CardPrintModelView, CardPrintView, EvaluationLetterView

    add_resource(appbuilder, CardPrintModelView, name="Afdrukken",
                 category="Hulpkaarten", icon="fa-print")
    appbuilder.add_view_no_menu(CardPrintView)
    appbuilder.add_view_no_menu(EvaluationLetterView)
