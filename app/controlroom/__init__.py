"""Export to the police control room (meldkamer): only holders with explicit consent.

Screens (app/controlroom/views.py): past exports with their protected files, the page that
previews and runs an export, and the holder's choice of sections per card. CLI:
``flask --app run meldkamer export | verify | keys`` (app/controlroom/cli.py)."""

MENU_RUN = "Meldkamer: export maken"


def register(appbuilder):
    from flask import current_app

    from app.controlroom.api import ControlRoomExportApi
    from app.controlroom.cli import meldkamer_cli
    from app.controlroom.views import (
        ControlRoomExportView,
        ControlRoomSectionsView,
        ControlRoomView,
    )
    from app.core.registry import add_resource, resource_menus

    add_resource(appbuilder, ControlRoomExportView, ControlRoomExportApi,
                 name="Meldkamerexports", category="Privacy", icon="fa-tower-broadcast")
    appbuilder.add_view(ControlRoomView, MENU_RUN, icon="fa-file-export", category="Privacy")
    resource_menus(appbuilder).setdefault("ControlRoomExport", []).append(MENU_RUN)
    appbuilder.add_view_no_menu(ControlRoomSectionsView)
    current_app.cli.add_command(meldkamer_cli)
