"""The holder's own portal (issue 12): personal links and codes, drafting and approving his
card, contact persons confirming through their own link, his data and consents. Pages in
views.py, staff pages in staff_views.py, the steps in workflows/portal.py."""


def register(appbuilder):
    from flask import current_app

    from app.portal import views
    from app.portal.staff_views import CardCommentView, PortalLinkView

    for blueprint in (views.entry, views.bp, views.consent_bp):
        current_app.register_blueprint(blueprint)
    # Opening a link, entering a code and answering as a contact: every method is counted.
    limiter = appbuilder.sm.limiter
    limiter.limit(views.entry_limit)(views.entry)
    limiter.limit(views.entry_limit)(views.consent_bp)
    name, category = "Portaal: link of code", "Hulpkaarten"
    appbuilder.add_view(PortalLinkView, name, icon="fa-link", category=category)
    menus = appbuilder.__dict__.setdefault("resource_menus", {})  # see app/core/registry.py
    menus.setdefault("PortalLink", []).extend(e for e in (name, category)
                                             if e not in menus["PortalLink"])
    appbuilder.add_view_no_menu(CardCommentView)
