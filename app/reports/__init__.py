"""Reports and the home page (what needs attention today)."""


def register(appbuilder):
    """The home page is FAB's index view (FAB_INDEX_VIEW in config.py); nothing else yet."""
